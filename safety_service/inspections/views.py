"""The inspection API (隐患排查): staff keep the plans and read coverage; inspectors record their rounds."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from safety_service.api.answers import answers
from safety_service.api.deps import PathId, SessionDep, SettingsDep, StaffUser, UnitCut, require_roles
from safety_service.clock import utc_now
from safety_service.errors import PermissionDenied
from safety_service.inspections import queries, service, sheets
from safety_service.inspections.models import InspectionRound
from safety_service.inspections.schemas import Coverage, PlanCreate, PlanPublic, RoundPublic, RoundRecord, RoundsPublic
from safety_service.inspections.states import RoundState, period
from safety_service.locations import service as locations_service
from safety_service.people.models import STAFF_ROLES, User
from safety_service.validation import Day

router = APIRouter(tags=["inspections"])
Inspector = Annotated[User, Depends(require_roles(*service.INSPECTOR_ROLES))]
RoundViewer = Annotated[User, Depends(require_roles(*service.INSPECTOR_ROLES, *STAFF_ROLES))]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_SHEET_ROUNDS = 50_000


def load_round(session: SessionDep, round_id: PathId) -> InspectionRound:
    return service.get_round(session, round_id=round_id)


RoundDep = Annotated[InspectionRound, Depends(load_round)]


@router.get("/inspection-plans", response_model=list[PlanPublic], responses=answers(404))
def list_plans(session: SessionDep, user: StaffUser) -> list[PlanPublic]:
    """Every inspection plan (排查计划)."""
    return queries.plans(session)


@router.post("/inspection-plans", response_model=PlanPublic, status_code=201, responses=answers(404, 409))
def add_plan(session: SessionDep, settings: SettingsDep, user: StaffUser, data: PlanCreate) -> PlanPublic:
    """A plan: who inspects which risk points how often; the current window's rounds are made at once."""
    plan = service.add_plan(session, data=data, actor=user)
    service.schedule(session, now=utc_now(), timezone=settings.timezone)
    session.commit()
    return next(p for p in queries.plans(session) if p.id == plan.id)


@router.post("/inspection-plans/{plan_id}/end", response_model=PlanPublic, responses=answers(404, 409))
def end_plan(session: SessionDep, user: StaffUser, plan_id: PathId) -> PlanPublic:
    """Stop a plan; its rounds so far stay on record."""
    plan = service.end_plan(session, plan=service.get_plan(session, plan_id=plan_id))
    session.commit()
    return next(p for p in queries.plans(session) if p.id == plan.id)


@router.get("/rounds", response_model=RoundsPublic, responses=answers(404))
def list_rounds(session: SessionDep, user: RoundViewer, state: RoundState | None = None,
                location_code: Annotated[str | None, Query(max_length=32)] = None,
                current: bool = False) -> RoundsPublic:
    """Rounds, newest first: an inspector sees their own, staff everyone's; ``current`` for those open now."""
    location = locations_service.get_location(session, code=location_code, field="location_code") \
        if location_code else None
    inspector = None if user.role in STAFF_ROLES else user
    data = queries.rounds(session, inspector=inspector, state=state, location=location,
                          at=utc_now() if current else None)
    return RoundsPublic(data=data, count=len(data))


@router.get("/rounds/{round_id}", response_model=RoundPublic, responses=answers(404))
def get_round(session: SessionDep, user: RoundViewer, inspection: RoundDep) -> RoundPublic:
    _visible(user, inspection)
    return queries.one(session, inspection=inspection)


@router.post("/rounds/{round_id}/record", response_model=RoundPublic, responses=answers(404, 409))
def record_round(session: SessionDep, settings: SettingsDep, user: Inspector, inspection: RoundDep,
                 data: RoundRecord) -> RoundPublic:
    """Record the round: every checklist item OK or not; a not-OK item becomes a hazard (channel inspection)."""
    service.record_round(session, inspection=inspection, data=data, actor=user, now=utc_now(),
                         timezone=settings.timezone)
    session.commit()
    return queries.one(session, inspection=inspection)


def _visible(user: User, inspection: InspectionRound) -> None:
    if user.role not in STAFF_ROLES and inspection.inspector_id != user.id:
        raise PermissionDenied("this is another inspector's round")


@router.get("/coverage", response_model=Coverage, responses=answers(404, 422))
def coverage(session: SessionDep, settings: SettingsDep, user: StaffUser, unit: UnitCut, start: Day,
             end: Day) -> Coverage:
    """Inspection against the plans over [start, end] (local days): done, missed, by point and inspector; with
    ``unit``, at the risk points in the charge of that unit and the units under it."""
    span = period(start, end, settings.timezone)
    return queries.coverage(session, start=span[0], end=span[1], first=start, last=end, unit=unit)


@router.get("/coverage.xlsx", response_class=Response, responses=answers(404, 422))
def coverage_sheet(session: SessionDep, settings: SettingsDep, user: StaffUser, unit: UnitCut, start: Day,
                   end: Day) -> Response:
    """The period's rounds (at one unit's risk points with ``unit``) as the 排查记录 sheet."""
    found = queries.rounds(session, period=period(start, end, settings.timezone), unit=unit, limit=MAX_SHEET_ROUNDS)
    name = f"inspection-record-{start.isoformat()}-{end.isoformat()}.xlsx"
    return Response(sheets.record_sheet(list(reversed(found)), timezone=settings.timezone), media_type=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
