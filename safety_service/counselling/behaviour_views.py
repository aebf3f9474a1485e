"""Workers' reports of unsafe behaviour in the API: supervisors and officers list them and record each as a
violation or reject it; the reporter is never in these answers (安委〔2024〕7号, 举报人保密)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from safety_service.api.answers import answers
from safety_service.api.deps import Offset, SessionDep, SettingsDep, require_roles
from safety_service.clock import utc_now
from safety_service.counselling import behaviour, violations
from safety_service.counselling.behaviour import BehaviourDecision, Outcome
from safety_service.counselling.behaviour_schemas import (
    BehaviourReject,
    BehaviourReportPublic,
    BehaviourReportsPublic,
    BehaviourToViolation,
)
from safety_service.counselling.schemas import ViolationCreate, ViolationPublic
from safety_service.counselling.states import VIOLATION_RECORDERS
from safety_service.hazards.models import Hazard
from safety_service.locations.models import Location
from safety_service.people.models import User

router = APIRouter(prefix="/behaviour-reports", tags=["counselling"])
Decider = Annotated[User, Depends(require_roles(*VIOLATION_RECORDERS))]


def to_public(hazard: Hazard, location: Location, decision: BehaviourDecision | None) -> BehaviourReportPublic:
    """What a decider sees of a behaviour report."""
    return BehaviourReportPublic(
        ref=hazard.ref, location=location.code, location_name=location.name_zh, description=hazard.description,
        person_name=hazard.behaviour_person, occurred_at=hazard.behaviour_at, reported_at=hazard.reported_at,
        outcome=decision.outcome if decision else Outcome.pending,
        violation_id=decision.violation_id if decision else None, reason=decision.reason if decision else None,
        decided_at=decision.decided_at if decision else None)


@router.get("", response_model=BehaviourReportsPublic)
def list_reports(session: SessionDep, user: Decider, outcome: Outcome | None = None,
                 limit: Annotated[int, Query(ge=1, le=200)] = 50, offset: Offset = 0) -> BehaviourReportsPublic:
    """Behaviour reports, newest first, optionally by outcome (pending, violation, rejected)."""
    rows, count = behaviour.list_reports(session, user=user, outcome=outcome, limit=limit, offset=offset)
    return BehaviourReportsPublic(data=[to_public(*row) for row in rows], count=count)


@router.post("/{ref}/violation", response_model=ViolationPublic, status_code=201, responses=answers(404, 409))
def to_violation(session: SessionDep, settings: SettingsDep, user: Decider, ref: str,
                 data: BehaviourToViolation) -> ViolationPublic:
    """Record the report as a violation (三违) of the identified worker; the violation never names the report."""
    hazard = behaviour.get_report(session, ref=ref)
    location = session.get(Location, hazard.location_id)
    record = ViolationCreate(employee_no=data.employee_no, kind=data.kind, severity=data.severity,
                             item_id=data.item_id, measures=data.measures, location_code=location.code,
                             occurred_at=data.occurred_at or hazard.behaviour_at,
                             description=data.description or hazard.description)
    violation = behaviour.to_violation(session, hazard=hazard, data=record, actor=user, settings=settings,
                                       now=utc_now())
    public = violations.get_violation(session, violation_id=violation.id, user=user)
    session.commit()
    return public


@router.post("/{ref}/reject", response_model=BehaviourReportPublic, responses=answers(404, 409))
def reject(session: SessionDep, user: Decider, ref: str, data: BehaviourReject) -> BehaviourReportPublic:
    """Reject the report with a reason."""
    hazard = behaviour.get_report(session, ref=ref)
    decision = behaviour.reject(session, hazard=hazard, reason=data.reason, actor=user, now=utc_now())
    session.commit()
    return to_public(hazard, session.get(Location, hazard.location_id), decision)
