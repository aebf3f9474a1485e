"""The supervisors API: officers keep the roster; monthly figures per supervisor and per area."""

from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query

from safety_service.api.answers import answers
from safety_service.api.deps import OfficerUser, PathId, SessionDep, SettingsDep
from safety_service.clock import utc_now
from safety_service.supervisors import service as supervisors_service
from safety_service.supervisors.models import Supervisor
from safety_service.supervisors.schemas import (
    MonthlyFigures,
    SupervisorCreate,
    SupervisorEnd,
    SupervisorPublic,
    SupervisorsPublic,
)
from safety_service.validation import Day

router = APIRouter(prefix="/supervisors", tags=["supervisors"])


def load_supervisor(session: SessionDep, supervisor_id: PathId) -> Supervisor:
    """The roster entry named in the path, or 404."""
    return supervisors_service.get_supervisor(session, supervisor_id=supervisor_id)


SupervisorDep = Annotated[Supervisor, Depends(load_supervisor)]


def _one(session: SessionDep, entry: Supervisor) -> SupervisorPublic:
    return next(s for s in supervisors_service.roster(session) if s.id == entry.id)


@router.get("", response_model=SupervisorsPublic)
def list_supervisors(session: SessionDep, user: OfficerUser, on: Day | None = None) -> SupervisorsPublic:
    """The roster, or those in office on a date."""
    data = supervisors_service.roster(session, on=on)
    return SupervisorsPublic(data=data, count=len(data))


@router.post("", response_model=SupervisorPublic, status_code=201)
def appoint(session: SessionDep, user: OfficerUser, data: SupervisorCreate) -> SupervisorPublic:
    """Appoint a mass safety supervisor (群众安全监督员) for a term of office."""
    entry = supervisors_service.appoint(session, data=data, actor=user)
    session.commit()
    return _one(session, entry)


@router.post("/{supervisor_id}/end", response_model=SupervisorPublic, responses=answers(409))
def end_term(session: SessionDep, settings: SettingsDep, user: OfficerUser, entry: SupervisorDep,
             data: SupervisorEnd) -> SupervisorPublic:
    """End a term of office (409 when it is already over)."""
    today = utc_now().astimezone(ZoneInfo(settings.timezone)).date()
    supervisors_service.end_term(session, entry=entry, term_to=data.term_to, today=today)
    session.commit()
    return _one(session, entry)


@router.get("/figures", response_model=MonthlyFigures, responses=answers(422))
def figures(session: SessionDep, settings: SettingsDep, user: OfficerUser,
            month: Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}$")] = None,
            unit: Annotated[str | None, Query(max_length=32, examples=["ZC1"])] = None) -> MonthlyFigures:
    """A month's figures (this month by default): reports made, confirmed, major, closed in time; with ``unit``,
    only the hazards about that unit and the units under it (422 naming ``unit`` when there is no such unit)."""
    month = month or utc_now().astimezone(ZoneInfo(settings.timezone)).strftime("%Y-%m")
    return supervisors_service.monthly_figures(session, month=month, timezone=settings.timezone, unit=unit)
