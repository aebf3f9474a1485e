"""The queues: what each role has to act on, filtered, sorted and paged, refreshed by a light poll."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from sqlmodel import Session, col, select
from starlette.responses import RedirectResponse, Response

from safety_service.api.deps import SessionDep, SettingsDep
from safety_service.clock import utc_now
from safety_service.console import forms
from safety_service.console.deps import HOMES, ConsoleRefusal, ConsoleRoute, ConsoleUser
from safety_service.console.rendering import duration, render, translator
from safety_service.errors import InvalidInput
from safety_service.hazards import queries
from safety_service.hazards.schemas import SORTS, HazardFilters
from safety_service.hazards.states import Grade, HazardState
from safety_service.locations import service as locations_service
from safety_service.locations.models import Area
from safety_service.people import service as people_service
from safety_service.people.models import OFFICER_ROLES, Role, User

router = APIRouter(route_class=ConsoleRoute)
FILTER_FIELDS = ("state", "grade", "category", "location", "area", "owner", "from", "to", "q", "sort")


@dataclass(frozen=True)
class Queue:
    """One tab: its fixed filters and the roles that work it."""

    name: str
    filters: dict[str, Any]
    roles: frozenset[Role]
    sort: str | None = None


_STAFF = frozenset({*OFFICER_ROLES, Role.admin})
QUEUES = {q.name: q for q in (
    Queue("major", {"grade": Grade.major, "open": True}, _STAFF, "deadline"),
    Queue("overdue", {"overdue": True}, _STAFF, "deadline"),
    Queue("triage", {"state": [HazardState.reported]}, _STAFF),
    Queue("assign", {"state": [HazardState.confirmed]}, _STAFF),
    Queue("rectifying", {"state": [HazardState.rectifying]}, _STAFF, "deadline"),
    Queue("verification", {"state": [HazardState.awaiting_verification]}, _STAFF),
    Queue("all", {}, _STAFF),
    Queue("mine", {"open": True}, frozenset({Role.owner}), "deadline"),
)}
# The chief sees major hazards and escalations first; an owner only the hazards assigned to them.
ORDER = {Role.chief: ("major", "overdue", "triage", "assign", "rectifying", "verification", "all"),
         Role.officer: ("triage", "assign", "rectifying", "verification", "overdue", "major", "all"),
         Role.admin: ("all", "triage", "assign", "rectifying", "verification", "overdue", "major"),
         Role.owner: ("mine",)}


def tabs_for(user: User) -> tuple[str, ...]:
    """The queues this account works, the first one its home."""
    return ORDER[Role(user.role)]


def _queue(user: User, name: str | None) -> Queue:
    tabs = tabs_for(user)
    queue = QUEUES.get(name or tabs[0])
    if queue is None or queue.name not in tabs:
        raise ConsoleRefusal("forbidden", 403)
    return queue


def _filters(request: Request, queue: Queue, user: User, page: int, size: int) -> tuple[Any, dict[str, str], dict]:
    typed = forms.fields(request.query_params, FILTER_FIELDS)
    tz = request.app.state.settings.timezone
    values: dict[str, Any] = {k: typed[k] for k in ("grade", "category", "location", "area", "owner", "q", "sort")}
    values["state"] = [typed["state"]] if typed["state"] else []
    values["reported_from"] = forms.local_day(typed["from"], tz) if typed["from"] else ""
    values["reported_to"] = forms.local_day(typed["to"], tz, end=True) if typed["to"] else ""
    values.update(queue.filters, limit=size, offset=(page - 1) * size)
    values["sort"] = values["sort"] or queue.sort
    if user.role == Role.owner:
        values["owner"] = user.username
    built, errors = forms.build(HazardFilters, values, translator(request))
    errors = {{"reported_from": "from", "reported_to": "to"}.get(k, k): v for k, v in errors.items()}
    return built, errors, typed


def page_number(request: Request) -> int:
    raw = request.query_params.get("page", "1")
    return max(1, min(int(raw), 400)) if raw.isdigit() else 1


def _rows(page: dict[str, Any], t: Any, now: datetime) -> list[dict[str, Any]]:
    for row in page["data"]:
        if row["overdue"]:
            row["overdue_for"] = duration(t, now - row["deadline"])
    return page["data"]


def _choices(session: Session) -> dict[str, Any]:
    owners = people_service.active_users_with_roles(session, roles=(Role.owner, *OFFICER_ROLES))
    return {"categories": locations_service.list_categories(session),
            "areas": list(session.exec(select(Area).order_by(col(Area.code))).all()),
            "owners": [u.username for u in owners], "states": list(HazardState), "grades": list(Grade),
            "sorts": SORTS}


def _search(session: Session, request: Request, user: User, queue: Queue, size: int) -> dict[str, Any]:
    number = page_number(request)
    filters, errors, typed = _filters(request, queue, user, number, size)
    page: dict[str, Any] = {"data": [], "count": 0, "count_capped": False}
    if filters is not None:
        try:
            page = queries.list_hazards(session, filters=filters, user=user, now=utc_now())
        except InvalidInput as exc:
            errors.update(forms.domain_error(translator(request), exc))
    rows = _rows(page, translator(request), utc_now())
    return {"rows": rows, "page": page, "number": number, "errors": errors, "typed": typed, "size": size,
            "last": max(1, -(-page["count"] // size))}


@router.get("/")
def queue_page(request: Request, session: SessionDep, settings: SettingsDep, user: ConsoleUser) -> Response:
    """A queue with its filters; ``partial=1`` answers only the list (the page polls it)."""
    if user.role in HOMES:
        return RedirectResponse(HOMES[Role(user.role)], status_code=303)
    queue = _queue(user, request.query_params.get("queue"))
    found = _search(session, request, user, queue, settings.console_page_size)
    template = "queue_rows.html" if request.query_params.get("partial") == "1" else "queue.html"
    context = {} if template == "queue_rows.html" else _choices(session)
    status = 422 if found["errors"] else 200
    return render(request, template, status=status, user=user, queue=queue.name, tabs=tabs_for(user),
                  **found, **context)
