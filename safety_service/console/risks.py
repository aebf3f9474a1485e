"""Dual prevention in the console: the risk register, the four-colour map (arranged by staff, printable
on A3), failing controls, and inspection coverage against the plans with the 排查记录 sheet."""

import logging
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from markupsafe import Markup
from pydantic import ValidationError
from sqlmodel import Session
from starlette.datastructures import UploadFile
from starlette.responses import RedirectResponse, Response

from safety_service.api.deps import SessionDep, SettingsDep
from safety_service.console.deps import ConsoleRoute, Csrf, StaffUser
from safety_service.console.detail import FormDep
from safety_service.console.outreach import local_today
from safety_service.console.rendering import render, translator
from safety_service.console.unit_choice import UnitChoice, chosen_unit
from safety_service.errors import InvalidInput
from safety_service.inspections import queries as inspections_queries
from safety_service.inspections import sheets as inspections_sheets
from safety_service.inspections.states import period
from safety_service.people.models import User
from safety_service.qr.images import cjk_font_path
from safety_service.risks import mapsheet, riskmap, sheets
from safety_service.risks import queries as risks_queries
from safety_service.risks import service as risks_service
from safety_service.risks.rating import ORDER
from safety_service.risks.schemas import MapPlace
from safety_service.risks.views import MAX_SHEET_BYTES, XLSX
from safety_service.validation import Day

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/risks", route_class=ConsoleRoute)


def _unit(request: Request, session: Session) -> UnitChoice:
    return chosen_unit(session, request.query_params, translator(request))


def _bad_unit(request: Request, user: User) -> Response:
    """An export asked for a unit there is none of (the pages name it beside their chooser)."""
    return render(request, "problem.html", status=422, user=user, problem="console.error.unknown_code")


@router.get("")
def register(request: Request, session: SessionDep, user: StaffUser) -> Response:
    """The risk register (风险辨识评估清单) and the controls that fail most; a unit chosen keeps the points in its
    charge."""
    unit = _unit(request, session)
    return render(request, "risks.html", status=422 if unit.error else 200, user=user, unit=unit,
                  unit_name=unit.name(translator(request).language),
                  points=risks_queries.risk_points(session, unit=unit.code),
                  failing=risks_queries.failed_controls(session, limit=10))


@router.get("/export.xlsx")
def export(request: Request, session: SessionDep, user: StaffUser) -> Response:
    """The register (or a unit's points) as the 风险辨识评估清单 workbook."""
    unit = _unit(request, session)
    if unit.error:
        return _bad_unit(request, user)
    return Response(sheets.export_all(session, unit=unit.code), media_type=XLSX,
                    headers={"Content-Disposition": 'attachment; filename="risk-register.xlsx"'})


@router.post("/import", dependencies=[Csrf])
async def import_sheet(request: Request, session: SessionDep, user: StaffUser, form: FormDep) -> Response:
    """Load a 风险辨识评估清单 workbook; a bad sheet is shown back with the row and column at fault."""
    upload = form.get("file")
    content = await upload.read(MAX_SHEET_BYTES + 1) if isinstance(upload, UploadFile) else b""
    imported, problem = None, None
    try:
        if len(content) > MAX_SHEET_BYTES:
            raise InvalidInput("the workbook is larger than 5 MB", field="file")
        imported = await run_in_threadpool(sheets.import_sheet, session, content=content)
        session.commit()
    except InvalidInput as exc:
        session.rollback()
        problem = exc.message
    return render(request, "risks.html", status=422 if problem else 200, user=user, imported=imported,
                  import_error=problem, points=risks_queries.risk_points(session), unit=_unit(request, session),
                  failing=risks_queries.failed_controls(session, limit=10))


@router.get("/map")
def risk_map(request: Request, session: SessionDep, user: StaffUser) -> Response:
    """The four-colour map with open hazards marked (a unit's points when one is chosen); staff move points between
    grid cells."""
    t, unit = translator(request), _unit(request, session)
    points = risks_queries.risk_points(session, unit=unit.code)
    cells = riskmap.layout(points, riskmap.open_hazards(session, point_ids=[p.id for p in points]))
    drawing = riskmap.svg(cells, title=t("risks.map.title"), hazards_label=t("risks.map.open_hazards"),
                          legend={level: t(f"risks.level.{level}") for level in ORDER})
    return render(request, "risk_map.html", status=422 if unit.error else 200, user=user, unit=unit,
                  unit_name=unit.name(t.language), drawing=Markup(drawing), cells=cells,
                  flagged=[c for c in cells if c.flagged], columns=range(riskmap.COLUMNS + 2), rows=range(12))


@router.get("/map.pdf")
def risk_map_pdf(request: Request, session: SessionDep, settings: SettingsDep, user: StaffUser) -> Response:
    """The four-colour map (or a unit's points) as an A3 landscape PDF to print and post."""
    unit = _unit(request, session)
    if unit.error:
        return _bad_unit(request, user)
    pdf = mapsheet.sheet(session, t=translator(request), font_path=cjk_font_path(settings.qr_font),
                         printed=local_today(settings.timezone).isoformat(), unit=unit.code)
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": 'attachment; filename="risk-map-a3.pdf"'})


@router.post("/map/{code}", dependencies=[Csrf])
def place(request: Request, session: SessionDep, user: StaffUser, code: str, form: FormDep) -> Response:
    """Move a point to a grid cell of the map."""
    point = risks_service.get_risk_point(session, code=code)
    try:
        data = MapPlace.model_validate({"map_x": form.get("map_x"), "map_y": form.get("map_y")})
    except ValidationError:
        return render(request, "problem.html", status=422, user=user, problem="console.error.choice")
    risks_service.place_on_map(session, point=point, data=data)
    session.commit()
    logger.info("risk point placed on the map", extra={"code": code, "user_id": user.id})
    return RedirectResponse("/console/risks/map", status_code=303)


@router.get("/coverage")
def coverage(request: Request, session: SessionDep, settings: SettingsDep, user: StaffUser,
             start: Annotated[Day | None, Query()] = None, end: Annotated[Day | None, Query()] = None) -> Response:
    """Inspection against the plans for a period (this month so far by default), of the whole mine or at the risk
    points in a unit's charge."""
    today, unit = local_today(settings.timezone), _unit(request, session)
    start, end = start or today.replace(day=1), end or today
    span = period(start, end, settings.timezone)
    figures = inspections_queries.coverage(session, start=span[0], end=span[1], first=start, last=end, unit=unit.code)
    return render(request, "risk_coverage.html", status=422 if unit.error else 200, user=user, figures=figures,
                  unit=unit, unit_name=unit.name(translator(request).language), plans=inspections_queries.plans(session),
                  start=start, end=end, previous=(start - timedelta(days=1)).replace(day=1))


@router.get("/coverage.xlsx")
def coverage_sheet(request: Request, session: SessionDep, settings: SettingsDep, user: StaffUser, start: Day,
                   end: Day) -> Response:
    """The period's rounds (at a unit's risk points when one is chosen) as the 排查记录 sheet."""
    unit = _unit(request, session)
    if unit.error:
        return _bad_unit(request, user)
    found = inspections_queries.rounds(session, period=period(start, end, settings.timezone), unit=unit.code,
                                       limit=50_000)
    return Response(inspections_sheets.record_sheet(list(reversed(found)), timezone=settings.timezone),
                    media_type=XLSX, headers={"Content-Disposition": 'attachment; filename="inspection-record.xlsx"'})
