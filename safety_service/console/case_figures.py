"""The help-education figures page (counsellors and admins): violations by kind and team per month,
cases opened and closed, the repeat rate after counselling; charts drawn on the server. A unit chosen cuts
them to the workers of that unit and the units under it."""

from collections import defaultdict
from datetime import datetime
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from starlette.responses import Response

from safety_service.api.deps import SessionDep, SettingsDep
from safety_service.clock import utc_now
from safety_service.console import charts
from safety_service.console.deps import CaseUser, ConsoleRoute
from safety_service.console.rendering import render, translator
from safety_service.console.unit_choice import chosen_unit
from safety_service.counselling import figures
from safety_service.counselling.schemas import CounsellingFigures
from safety_service.counselling.states import ViolationKind
from safety_service.i18n import Translator
from safety_service.validation import whole_number

router = APIRouter(route_class=ConsoleRoute)
DEFAULT_MONTHS, MAX_MONTHS = 12, 36


def month_labels(since: datetime, until: datetime, timezone: str) -> list[str]:
    """The local months from since to until, as ``YYYY-MM``."""
    zone = ZoneInfo(timezone)
    start, end = since.astimezone(zone), until.astimezone(zone)
    first, last = start.year * 12 + start.month - 1, end.year * 12 + end.month - 1
    return [f"{index // 12:04d}-{index % 12 + 1:02d}" for index in range(first, last + 1)]


def _series(found: CounsellingFigures, months: list[str], key: str) -> dict[str, list[int]]:
    counts: dict[str, list[int]] = defaultdict(lambda: [0] * len(months))
    for row in found.violations:
        if row.month in months:
            counts[str(getattr(row, key) or "—")][months.index(row.month)] += row.count
    return dict(sorted(counts.items()))


def drawn(found: CounsellingFigures, months: list[str], t: Translator) -> dict[str, str]:
    """The two charts: violations per month by kind, and by team."""
    by_kind = _series(found, months, "kind")
    kinds = {t(f"counselling.kind.{kind}"): by_kind.get(str(kind), [0] * len(months)) for kind in ViolationKind}
    return {"kind": charts.stacked(t("counselling.figures.by_kind"), months, kinds),
            "team": charts.stacked(t("counselling.figures.by_team"), months, _series(found, months, "team"))}


@router.get("/counselling/figures")
def figures_page(request: Request, session: SessionDep, settings: SettingsDep, user: CaseUser) -> Response:
    """The figures of the last ``months`` local months (12 by default), this one included, of the whole mine or
    of one unit's workers."""
    t = translator(request)
    raw = request.query_params.get("months", str(DEFAULT_MONTHS))
    asked, unit = whole_number(raw, high=MAX_MONTHS), chosen_unit(session, request.query_params, t)
    months = asked or DEFAULT_MONTHS
    found = figures.compute(session, now=utc_now(), months=months, timezone=settings.timezone, unit=unit.code)
    labels = month_labels(found.since, found.until, settings.timezone)
    errors = {"months": t("counselling.error.months", max=MAX_MONTHS)} if not asked else {}
    if unit.error:
        errors["unit"] = unit.error
    shown = drawn(found, labels, t)
    return render(request, "case_figures.html", status=422 if errors else 200, policy=charts.policy(shown), user=user,
                  figures=found, months=months, typed={"months": raw}, errors=errors, charts=shown, unit=unit,
                  unit_name=unit.name(t.language))
