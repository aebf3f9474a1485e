"""Take an existing hazard along the workflow (tests/hazards/builders makes new ones)."""

from datetime import timedelta
from decimal import Decimal

from sqlmodel import Session

from safety_service.clock import utc_now
from safety_service.hazards import service as hazards_service
from safety_service.hazards.models import Hazard
from safety_service.hazards.schemas import HazardAssign, HazardConfirm, HazardRectified, HazardReject, HazardVerify
from safety_service.hazards.states import Grade, HazardState
from safety_service.people.models import Role
from tests.hazards.builders import a_criterion, approve_plan
from tests.people.builders import make_user

PATH = (HazardState.confirmed, HazardState.rectifying, HazardState.awaiting_verification, HazardState.closed)


def _assign(session: Session, hazard: Hazard, officer, owner, *, now) -> None:
    hazards_service.assign(session, hazard=hazard, actor=officer, now=now, data=HazardAssign(
        owner=owner.username, measures="补打锚杆", funds=Decimal(100), deadline=now + timedelta(days=3),
        contingency_plan="设警戒"))
    if hazard.grade == Grade.major:  # a major hazard's fix waits for an approved treatment plan
        approve_plan(session, hazard, officer, now=now)


def advance(session: Session, hazard: Hazard, state: HazardState, *, grade: Grade = Grade.general) -> Hazard:
    """Move a reported hazard to ``state`` through the service functions."""
    officer = make_user(session, role=Role.chief if grade == Grade.major else Role.officer)
    owner = make_user(session, role=Role.owner)
    now = utc_now()
    if state == HazardState.rejected:
        hazards_service.reject(session, hazard=hazard, data=HazardReject(reason="不属实"), actor=officer, now=now)
        return hazard
    steps = {
        HazardState.confirmed: lambda: hazards_service.confirm(
            session, hazard=hazard, actor=officer, now=now, data=HazardConfirm(
                grade=grade, category_code="roof", major_criterion=a_criterion(session) if grade == Grade.major else None)),
        HazardState.rectifying: lambda: _assign(session, hazard, officer, owner, now=now),
        HazardState.awaiting_verification: lambda: hazards_service.mark_rectified(
            session, hazard=hazard, data=HazardRectified(note="已整改"), actor=owner, now=now),
        HazardState.closed: lambda: hazards_service.verify(
            session, hazard=hazard, data=HazardVerify(passed=True, note="验收合格"), actor=officer, now=now),
    }
    for step in PATH[:PATH.index(state) + 1]:
        steps[step]()
    return hazard
