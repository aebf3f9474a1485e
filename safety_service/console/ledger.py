"""The hazard ledger page: choose a date range, an area and a responsible unit, download CSV or XLSX."""

import logging
from datetime import date, datetime
from typing import Any

from fastapi import APIRouter, Request
from sqlmodel import Session, select
from starlette.responses import Response

from safety_service.api.deps import SessionDep, SettingsDep
from safety_service.console import exports, forms
from safety_service.console.deps import ConsoleRoute, StaffUser
from safety_service.console.rendering import render, translator
from safety_service.i18n import Translator
from safety_service.locations import service as locations_service
from safety_service.locations.models import Area
from safety_service.units import service as units_service
from safety_service.units.models import OrgUnit
from safety_service.web import sheets

logger = logging.getLogger(__name__)
router = APIRouter(route_class=ConsoleRoute)
TYPES = {"csv": "text/csv; charset=utf-8",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _read(request: Request, session: Session) -> tuple[dict[str, str], dict[str, str]]:
    typed = forms.fields(request.query_params, ("from", "to", "area", "unit", "format"))
    t, errors = translator(request), {}
    for name in ("from", "to"):
        try:
            date.fromisoformat(typed[name])
        except ValueError:
            errors[name] = t("console.error.date")
    if not errors and typed["from"] > typed["to"]:
        errors["to"] = t("console.error.range")
    if typed["area"] and session.exec(select(Area.id).where(Area.code == typed["area"])).first() is None:
        errors["area"] = t("console.error.unknown_code")
    if typed["unit"] and session.exec(select(OrgUnit.id).where(OrgUnit.code == typed["unit"])).first() is None:
        errors["unit"] = t("console.error.unknown_code")
    if typed["format"] not in TYPES:
        errors["format"] = t("console.error.choice")
    return typed, errors


def _page(request: Request, session: Session, user: object, typed: dict[str, Any], errors: dict[str, str],
          status: int = 200) -> Response:
    areas = locations_service.list_areas(session)
    units = units_service.in_tree_order(session, retired=True)
    return render(request, "ledger.html", status=status, user=user, areas=areas, units=units, typed=typed,
                  errors=errors, max_rows=f"{sheets.MAX_ROWS:,}")


def _title(session: Session, t: Translator, mine: str, typed: dict[str, str]) -> str:
    """The sheet's title row: the mine, the area if one was chosen, the period."""
    period = {"mine": mine, "start": typed["from"], "end": typed["to"]}
    area = session.exec(select(Area).where(Area.code == typed["area"])).first() if typed["area"] else None
    if area is None:
        return t("console.ledger.title", **period)
    return t("console.ledger.title_area", area=area.name_en if t.language == "en" and area.name_en else area.name_zh,
             **period)


@router.get("/ledger")
def ledger_page(request: Request, session: SessionDep, user: StaffUser) -> Response:
    """The export form."""
    return _page(request, session, user, {"format": "xlsx"}, {})


@router.get("/ledger/export")
def export(request: Request, session: SessionDep, settings: SettingsDep, user: StaffUser) -> Response:
    """The ledger for the range and area as a download; bad input shows the form with the reasons."""
    typed, errors = _read(request, session)
    if errors:
        return _page(request, session, user, typed, errors, status=422)
    t, tz = translator(request), settings.timezone
    start = datetime.fromisoformat(forms.local_day(typed["from"], tz))
    end = datetime.fromisoformat(forms.local_day(typed["to"], tz, end=True))
    data = exports.rows(session.connection(), start=start, end=end, area=typed["area"] or None, t=t, timezone=tz,
                        unit=typed["unit"] or None)
    titles = exports.headers(t)
    body = sheets.to_csv(titles, data) if typed["format"] == "csv" else sheets.to_xlsx(
        titles, data, t("console.nav.ledger"), _title(session, t, settings.site_name, typed))
    cut = "".join(f"-{typed[k]}" for k in ("area", "unit") if typed[k])
    name = f"ledger-{typed['from']}-{typed['to']}{cut}.{typed['format']}"
    logger.info("ledger exported", extra={"user_id": user.id, "rows": len(data), "format": typed["format"]})
    return Response(body, media_type=TYPES[typed["format"]],
                    headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})
