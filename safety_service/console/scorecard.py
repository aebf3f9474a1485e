"""Each unit's monthly scorecard (业绩考评): the table beside the month before, three charts, the XLSX."""

import logging

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from safety_service.api.deps import SessionDep, SettingsDep
from safety_service.clock import utc_now
from safety_service.console import charts
from safety_service.console.deps import ConsoleRoute, require
from safety_service.console.rendering import render, translator
from safety_service.errors import InvalidInput
from safety_service.i18n import Translator
from safety_service.people.models import User
from safety_service.scorecard import periods
from safety_service.scorecard import service as scorecard_service
from safety_service.scorecard.views import SCORECARD_ROLES
from safety_service.units.models import OrgUnit, UnitKind
from safety_service.web.sheets import to_xlsx

logger = logging.getLogger(__name__)
router = APIRouter(route_class=ConsoleRoute)
# The table's and the sheet's columns, each a figure of UnitFigures.as_dict().
COLUMNS = ("found", "about", "closed_on_time", "closed_late", "overdue", "extensions", "extensions_approved",
           "major", "violations", "repeat_rate", "supervisors", "supervisor_reports", "ratings", "dissatisfied",
           "satisfaction")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _value(figures: scorecard_service.UnitFigures, column: str) -> float | int | None:
    return figures.satisfaction_rate if column == "satisfaction" else figures.as_dict()[column]


def _change(row: scorecard_service.ScorecardRow, column: str) -> float | int | None:
    now, before = _value(row.current, column), _value(row.previous, column)
    return None if now is None or before is None else round(now - before, 1)


def _name(unit: OrgUnit, t: Translator) -> str:
    return unit.name_en if t.language == "en" and unit.name_en else unit.name_zh


def _charts(card: scorecard_service.Scorecard, t: Translator) -> dict[str, str]:
    """The sections' and teams' figures (the mine's total and the crews would swamp them)."""
    rows = [row for row in card.rows if row.unit.kind in (UnitKind.section, UnitKind.team)]
    names = [_name(row.unit, t) for row in rows]
    series = {t(f"console.scorecard.series.{key}"): [row.current[field] for row in rows]
              for key, field in (("found", "found"), ("about", "about"))}
    closing = {t(f"console.scorecard.series.{key}"): [row.current[field] for row in rows]
               for key, field in (("on_time", "closed_on_time"), ("late", "closed_late"))}
    rated = [(name, row.current.satisfaction_rate) for name, row in zip(names, rows, strict=True)
             if row.current.satisfaction_rate is not None]
    return {"hazards": charts.grouped(t("console.scorecard.chart.hazards"), names, series),
            "closing": charts.stacked(t("console.scorecard.chart.closing"), names, closing),
            "satisfaction": charts.bars(t("console.scorecard.chart.satisfaction"), rated)}


def _card(request: Request, session: SessionDep, settings: SettingsDep) -> scorecard_service.Scorecard | str:
    """The chosen month's scorecard (the last whole month by default), or the month typed when refused."""
    month = request.query_params.get("month") or periods.last_whole_month(utc_now(), settings.timezone)
    try:
        return scorecard_service.monthly(session, month=month, timezone=settings.timezone)
    except InvalidInput:
        return month


ScorecardUser = Depends(require(*SCORECARD_ROLES))


@router.get("/scorecard")
def scorecard_page(request: Request, session: SessionDep, settings: SettingsDep,
                   user: User = ScorecardUser) -> Response:
    """The table of every unit's month beside the month before, and the charts (officers, chief, admins)."""
    card, t = _card(request, session, settings), translator(request)
    if isinstance(card, str):
        return render(request, "scorecard.html", status=422, user=user, month=card, card=None,
                      error=t("console.scorecard.error.month"), charts={}, columns=COLUMNS)
    drawn = _charts(card, t) if card.rows else {}
    return render(request, "scorecard.html", policy=charts.policy(drawn), user=user, month=card.month, card=card,
                  error=None, charts=drawn, columns=COLUMNS, value=_value, change=_change,
                  name=lambda unit: _name(unit, t))


@router.get("/scorecard/export")
def export(request: Request, session: SessionDep, settings: SettingsDep, user: User = ScorecardUser) -> Response:
    """The month's scorecard as an XLSX sheet: each figure, then its change on the month before."""
    card, t = _card(request, session, settings), translator(request)
    if isinstance(card, str):
        return render(request, "scorecard.html", status=422, user=user, month=card, card=None,
                      error=t("console.scorecard.error.month"), charts={}, columns=COLUMNS)
    titles = [t("console.scorecard.col.unit"), *(t(f"console.scorecard.col.{c}") for c in COLUMNS),
              *(f"{t(f'console.scorecard.col.{c}')} {t('console.scorecard.change')}" for c in COLUMNS)]
    data = [["  " * (row.unit.kind == UnitKind.crew) + _name(row.unit, t),
             *("" if _value(row.current, c) is None else _value(row.current, c) for c in COLUMNS),
             *("" if _change(row, c) is None else _change(row, c) for c in COLUMNS)] for row in card.rows]
    body = to_xlsx(titles, data, t("console.scorecard.sheet"),
                           t("console.scorecard.sheet_title", month=card.month))
    logger.info("scorecard exported", extra={"user_id": user.id, "month": card.month, "rows": len(data)})
    return Response(body, media_type=XLSX, headers={
        "Content-Disposition": f'attachment; filename="scorecard-{card.month}.xlsx"', "Cache-Control": "no-store"})
