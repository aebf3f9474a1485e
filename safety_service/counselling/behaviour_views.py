"""Workers' reports of unsafe behaviour in the API: supervisors and officers list them and record each as a
violation or reject it; the reporter is never in these answers (安委〔2024〕7号, 举报人保密)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from safety_service.api.answers import answers
from safety_service.api.deps import Offset, SessionDep, SettingsDep, require_roles
from safety_service.clock import utc_now
from safety_service.counselling import behaviour, behaviour_schemas, violations
from safety_service.counselling.behaviour import Outcome
from safety_service.counselling.behaviour_schemas import (
    BehaviourReject,
    BehaviourReportPublic,
    BehaviourReportsPublic,
    BehaviourToViolation,
)
from safety_service.counselling.states import VIOLATION_RECORDERS
from safety_service.counselling.violation_schemas import ViolationPublic
from safety_service.database import known, saved_id
from safety_service.locations.models import Location
from safety_service.people.models import User

router = APIRouter(prefix="/behaviour-reports", tags=["counselling"])
Decider = Annotated[User, Depends(require_roles(*VIOLATION_RECORDERS))]


@router.get("", response_model=BehaviourReportsPublic)
def list_reports(session: SessionDep, user: Decider, outcome: Outcome | None = None,
                 limit: Annotated[int, Query(ge=1, le=200)] = 50, offset: Offset = 0) -> BehaviourReportsPublic:
    """Behaviour reports, newest first, optionally by outcome (pending, violation, rejected)."""
    rows, count = behaviour.list_reports(session, user=user, outcome=outcome, limit=limit, offset=offset)
    return BehaviourReportsPublic(data=[behaviour_schemas.public(*row) for row in rows], count=count)


@router.post("/{ref}/violation", response_model=ViolationPublic, status_code=201, responses=answers(404, 409))
def to_violation(session: SessionDep, settings: SettingsDep, user: Decider, ref: str,
                 data: BehaviourToViolation) -> ViolationPublic:
    """Record the report as a violation (三违) of the identified worker; the violation never names the report."""
    hazard = behaviour.get_report(session, ref=ref)
    violation = behaviour.to_violation(session, hazard=hazard, data=data, actor=user, settings=settings,
                                       now=utc_now())
    public = violations.get_violation(session, violation_id=saved_id(violation), user=user)
    session.commit()
    return public


@router.post("/{ref}/reject", response_model=BehaviourReportPublic, responses=answers(404, 409))
def reject(session: SessionDep, user: Decider, ref: str, data: BehaviourReject) -> BehaviourReportPublic:
    """Reject the report with a reason."""
    hazard = behaviour.get_report(session, ref=ref)
    decision = behaviour.reject(session, hazard=hazard, reason=data.reason, actor=user, now=utc_now())
    session.commit()
    return behaviour_schemas.public(hazard, known(session.get(Location, hazard.location_id)), decision)
