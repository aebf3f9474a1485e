"""The case access log page (admins): who read which case when, filtered by case, account and days; a CSV link."""

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from starlette.responses import Response

from safety_service.api.deps import SessionDep, SettingsDep
from safety_service.console import forms
from safety_service.console.deps import AdminUser, ConsoleRoute
from safety_service.console.queues import page_number
from safety_service.console.rendering import render, translator
from safety_service.counselling import access_log
from safety_service.validation import MAX_ROW_ID, whole_number

router = APIRouter(route_class=ConsoleRoute)


def _day(text: str, timezone: str) -> datetime | None:
    return datetime.combine(date.fromisoformat(text), time(), ZoneInfo(timezone))


@router.get("/counselling/access-log")
def access_log_page(request: Request, session: SessionDep, settings: SettingsDep, user: AdminUser) -> Response:
    """The filtered log, newest first, paged; the same filters give the CSV (``/api/v1/counselling/access-log.csv``)."""
    typed = forms.fields(request.query_params, ("case_id", "username", "since", "until"))
    errors: dict[str, str] = {}
    filters: dict[str, Any] = {}
    if typed["case_id"]:
        filters["case_id"] = whole_number(typed["case_id"], high=MAX_ROW_ID) or errors.setdefault(
            "case_id", translator(request)("console.error.invalid"))
    for name in ("since", "until"):
        try:
            day = _day(typed[name], settings.timezone) if typed[name] else None
        except ValueError:
            errors[name] = translator(request)("console.error.invalid")
            continue
        filters[name] = day + timedelta(days=1) if day and name == "until" else day
    size, number = settings.console_page_size, page_number(request)
    found = access_log.read_log(session, user=user, username=typed["username"] or None,
                                limit=size, offset=(number - 1) * size,
                                **({} if errors else {k: v for k, v in filters.items() if v}))
    return render(request, "access_log.html", status=422 if errors else 200, user=user, typed=typed, errors=errors,
                  rows=found.data, count=found.count, number=number, last=max(1, -(-found.count // size)))
