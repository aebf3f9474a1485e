"""Builders that take a hazard through the real workflow to the state a test needs."""

import itertools
from datetime import datetime, timedelta
from decimal import Decimal

from sqlmodel import Session

from safety_service.clock import utc_now
from safety_service.hazards import intake as hazards_intake
from safety_service.hazards import service as hazards_service
from safety_service.hazards.models import Hazard
from safety_service.hazards.schemas import (
    HazardAssign,
    HazardConfirm,
    HazardRectified,
    HazardReject,
    HazardReport,
    HazardVerify,
)
from safety_service.hazards.states import Channel, Grade, HazardState
from safety_service.locations.models import Location
from safety_service.people.models import Role, User
from tests.locations.builders import make_location
from tests.people.builders import make_user

_numbers = itertools.count(1)
PATH = (HazardState.reported, HazardState.confirmed, HazardState.rectifying,
        HazardState.awaiting_verification, HazardState.closed)


def make_hazard(session: Session, *, state: HazardState = HazardState.reported, grade: Grade = Grade.general,
                location: Location | None = None, owner: User | None = None, officer: User | None = None,
                description: str = "顶板有裂缝，锚杆松动", deadline: datetime | None = None,
                source: Channel = Channel.qr, reporter_employee_no: str | None = None,
                category_code: str | None = "roof", now: datetime | None = None) -> Hazard:
    """A hazard in the given state, reached through the service functions, with its history."""
    now = now or utc_now()
    location = location or make_location(session)
    report = HazardReport(location_code=location.code, description=description, source=source,
                          category_code=category_code, reporter_employee_no=reporter_employee_no,
                          client_report_id=f"test-report-{next(_numbers):08d}")
    hazard, _ = hazards_intake.report_hazard(session, data=report, now=now)
    if state == HazardState.reported:
        return hazard
    officer = officer or make_user(session, role=Role.officer)
    if state == HazardState.rejected:
        hazards_service.reject(session, hazard=hazard, data=HazardReject(reason="不属实"), actor=officer, now=now)
        return hazard
    hazards_service.confirm(session, hazard=hazard, data=HazardConfirm(grade=grade, category_code="roof"),
                            actor=officer, now=now)
    if state == HazardState.confirmed:
        return hazard
    owner = owner or make_user(session, role=Role.owner)
    hazards_service.assign(session, hazard=hazard, actor=officer, now=now, data=HazardAssign(
        owner=owner.username, measures="补打锚杆", funds=Decimal("1200.50"),
        deadline=deadline or now + timedelta(days=3), contingency_plan="设警戒"))
    if state == HazardState.rectifying:
        return hazard
    hazards_service.mark_rectified(session, hazard=hazard, data=HazardRectified(note="已整改"), actor=owner, now=now)
    if state == HazardState.awaiting_verification:
        return hazard
    verifier = make_user(session, role=Role.chief) if grade == Grade.major else officer
    hazards_service.verify(session, hazard=hazard, data=HazardVerify(passed=True, note="验收合格"),
                           actor=verifier, now=now)
    return hazard
