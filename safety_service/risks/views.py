"""The risk register API (安全风险分级管控): staff keep it; inspectors and owners read it."""

from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query, Response, UploadFile
from fastapi.concurrency import run_in_threadpool

from safety_service.api.answers import answers
from safety_service.api.deps import PathId, SessionDep, SettingsDep, StaffUser, UnitCut, require_roles
from safety_service.clock import utc_now
from safety_service.errors import InvalidInput
from safety_service.hazards import service as hazards_service
from safety_service.i18n import Translator
from safety_service.people.models import STAFF_ROLES, Role, User
from safety_service.qr.images import cjk_font_path
from safety_service.risks import mapsheet, queries, service, sheets
from safety_service.risks.models import RiskPoint
from safety_service.risks.schemas import (
    ControlCreate,
    ControlPublic,
    FailedControl,
    HazardLink,
    ImportResult,
    MapPlace,
    ReviewCreate,
    ReviewPublic,
    RiskCreate,
    RiskPointCreate,
    RiskPointPublic,
    RiskPointsPublic,
    RiskPublic,
)

router = APIRouter(tags=["risks"])
RISK_READERS = frozenset({Role.supervisor, Role.owner, *STAFF_ROLES})
RiskReader = Annotated[User, Depends(require_roles(*RISK_READERS))]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_SHEET_BYTES = 5 * 1024 * 1024


def load_point(session: SessionDep, code: str) -> RiskPoint:
    """The risk point named in the path, or 404."""
    return service.get_risk_point(session, code=code)


PointDep = Annotated[RiskPoint, Depends(load_point)]


@router.get("/risk-points", response_model=RiskPointsPublic, responses=answers(404, 422))
def list_points(session: SessionDep, user: RiskReader, unit: UnitCut) -> RiskPointsPublic:
    """Every risk point with its risks, ratings, controls and reviews, highest level first; with ``unit``, those at
    a location or in an area in the charge of that unit or a unit under it."""
    data = queries.risk_points(session, unit=unit)
    return RiskPointsPublic(data=data, count=len(data))


@router.post("/risk-points", response_model=RiskPointPublic, status_code=201, responses=answers(404, 409))
def add_point(session: SessionDep, user: StaffUser, data: RiskPointCreate) -> RiskPointPublic:
    """Register a risk point (风险点) with its locations and identified risks."""
    point = service.add_risk_point(session, data=data)
    session.commit()
    return queries.risk_point(session, point=point)


@router.get("/risk-points/export.xlsx", response_class=Response, responses=answers(404, 422))
def export_sheet(session: SessionDep, user: RiskReader, unit: UnitCut) -> Response:
    """The register (or one unit's points) as the 风险辨识评估清单 workbook."""
    return Response(sheets.export_all(session, unit=unit), media_type=XLSX,
                    headers={"Content-Disposition": 'attachment; filename="risk-register.xlsx"'})


@router.post("/risk-points/import", response_model=ImportResult, responses=answers(404, 409))
async def import_sheet(session: SessionDep, user: StaffUser, file: UploadFile) -> ImportResult:
    """Load a 风险辨识评估清单: new points are added; a known point takes the sheet's identification."""
    content = await file.read(MAX_SHEET_BYTES + 1)
    if len(content) > MAX_SHEET_BYTES:
        raise InvalidInput("the workbook is larger than 5 MB", field="file")
    result = await run_in_threadpool(sheets.import_sheet, session, content=content)
    session.commit()
    return result


@router.get("/risk-points/failed-controls", response_model=list[FailedControl], responses=answers(404))
def failed_controls(session: SessionDep, user: StaffUser,
                    limit: Annotated[int, Query(ge=1, le=200)] = 20) -> list[FailedControl]:
    """The controls that failed most often (hazards naming them), with how many are still open."""
    return queries.failed_controls(session, limit=limit)


@router.get("/risk-points/map.pdf", response_class=Response,
            responses={200: {"content": {"application/pdf": {}}}, **answers(404, 422)})
def map_pdf(session: SessionDep, settings: SettingsDep, user: RiskReader, unit: UnitCut,
            lang: Annotated[Literal["zh-CN", "en"], Query(description="the sheet's language")] = "zh-CN") -> Response:
    """The four-colour risk map (四色安全风险空间分布图) as an A3 landscape PDF to print and post (one unit's points
    with ``unit``)."""
    today = utc_now().astimezone(ZoneInfo(settings.timezone)).date().isoformat()
    pdf = mapsheet.sheet(session, t=Translator(lang), font_path=cjk_font_path(settings.qr_font), printed=today,
                         unit=unit)
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": 'attachment; filename="risk-map-a3.pdf"'})


@router.get("/risk-points/{code}", response_model=RiskPointPublic, responses=answers(404))
def get_point(session: SessionDep, user: RiskReader, point: PointDep) -> RiskPointPublic:
    return queries.risk_point(session, point=point)


@router.post("/risk-points/{code}/risks", response_model=RiskPublic, status_code=201, responses=answers(404, 409))
def add_risk(session: SessionDep, user: StaffUser, point: PointDep, data: RiskCreate) -> RiskPublic:
    """Identify and rate a further risk of the point (the point takes the highest level)."""
    risk = service.add_risk(session, point=point, data=data)
    session.commit()
    return next(r for r in queries.risk_point(session, point=point).risks if r.id == risk.id)


@router.post("/risks/{risk_id}/controls", response_model=ControlPublic, status_code=201, responses=answers(404, 409))
def add_control(session: SessionDep, user: StaffUser, risk_id: PathId, data: ControlCreate) -> ControlPublic:
    """A further control measure of a risk, with its responsible unit and person."""
    control = service.add_control(session, risk=service.get_risk(session, risk_id=risk_id), data=data)
    session.commit()
    return ControlPublic.model_validate(control, from_attributes=True)


@router.post("/risk-points/{code}/reviews", response_model=ReviewPublic, status_code=201, responses=answers(404, 409))
def add_review(session: SessionDep, user: StaffUser, point: PointDep, data: ReviewCreate) -> ReviewPublic:
    """Record the annual (年度) or a special (专项) identification of the point."""
    review = service.record_review(session, point=point, data=data, actor=user)
    session.commit()
    return ReviewPublic.model_validate(review, from_attributes=True)


@router.put("/risk-points/{code}/map", response_model=RiskPointPublic, responses=answers(404, 409))
def place_on_map(session: SessionDep, user: StaffUser, point: PointDep, data: MapPlace) -> RiskPointPublic:
    """Put the point in a cell of the four-colour map's grid."""
    service.place_on_map(session, point=point, data=data)
    session.commit()
    return queries.risk_point(session, point=point)


@router.put("/hazards/{ref}/risk-point", response_model=HazardLink, responses=answers(404, 409))
def link_hazard(session: SessionDep, user: StaffUser, ref: str, data: HazardLink) -> HazardLink:
    """Name the risk point a hazard is at and the control that failed there."""
    service.link_hazard(session, hazard=hazards_service.get_hazard(session, ref=ref), data=data)
    session.commit()
    return data
