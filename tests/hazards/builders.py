"""Builders that take a hazard through the real workflow to the state a test needs."""

import itertools
from datetime import datetime, timedelta
from decimal import Decimal

from sqlmodel import Session, select

from safety_service.clock import utc_now
from safety_service.hazards import criteria, major_service
from safety_service.hazards import intake as hazards_intake
from safety_service.hazards import service as hazards_service
from safety_service.hazards.major_schemas import PlanDecision, PlanSubmit
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
                category_code: str | None = "roof", now: datetime | None = None, plan: bool = True,
                kiosk: str | None = None) -> Hazard:
    """A hazard in the given state, reached through the service functions, with its history (a major one with an
    approved treatment plan from rectification on, unless ``plan`` is false); ``kiosk``: reported at that kiosk."""
    now = now or utc_now()
    location = location or make_location(session)
    report = HazardReport(location_code=location.code, description=description,
                          source=Channel.kiosk if kiosk else source, kiosk=kiosk,
                          category_code=category_code, reporter_employee_no=reporter_employee_no,
                          client_report_id=f"test-report-{next(_numbers):08d}")
    hazard, _ = hazards_intake.report_hazard(session, data=report, now=now)
    if state == HazardState.reported:
        return hazard
    officer = officer or make_user(session, role=Role.officer)
    if state == HazardState.rejected:
        hazards_service.reject(session, hazard=hazard, data=HazardReject(reason="不属实"), actor=officer, now=now)
        return hazard
    hazards_service.confirm(session, hazard=hazard, actor=officer, now=now, data=HazardConfirm(
        grade=grade, category_code="roof", major_criterion=a_criterion(session) if grade == Grade.major else None))
    if state == HazardState.confirmed:
        return hazard
    owner = owner or make_user(session, role=Role.owner)
    hazards_service.assign(session, hazard=hazard, actor=officer, now=now, data=HazardAssign(
        owner=owner.username, measures="补打锚杆", funds=Decimal("1200.50"),
        deadline=deadline or now + timedelta(days=3), contingency_plan="设警戒"))
    if grade == Grade.major and (plan or state != HazardState.rectifying):
        approve_plan(session, hazard, officer, now=now)
    if state == HazardState.rectifying:
        return hazard
    hazards_service.mark_rectified(session, hazard=hazard, data=HazardRectified(note="已整改"), actor=owner, now=now)
    if state == HazardState.awaiting_verification:
        return hazard
    verifier = make_user(session, role=Role.chief) if grade == Grade.major else officer
    hazards_service.verify(session, hazard=hazard, data=HazardVerify(passed=True, note="验收合格"),
                           actor=verifier, now=now)
    return hazard


def a_criterion(session: Session, code: str = "8.1") -> int:
    """The id of a situation of 煤矿重大事故隐患判定标准 (8.1: 主要用风地点风量不足)."""
    return session.exec(select(criteria.MajorCriterion.id).where(criteria.MajorCriterion.code == code)).one()


PLAN = PlanSubmit(situation_and_cause="工作面风量不足，风筒漏风", harm_and_difficulty="易致瓦斯积聚，整改难度一般",
                  goal_and_tasks="恢复工作面风量", methods_and_measures="更换局部通风机，重新吊挂风筒",
                  funds_and_materials="安全费用8万元，风机2台", organisation_and_people="通风科科长负责",
                  time_limit_and_requirements="5日内完成并报验", safety_and_emergency="停止掘进，执行瓦斯事故应急预案")


def approve_plan(session: Session, hazard: Hazard, submitter: User, *, now: datetime | None = None) -> None:
    """A treatment plan submitted and approved by a chief, through the service."""
    major_service.submit_plan(session, hazard=hazard, data=PLAN, actor=submitter, now=now)
    major_service.decide_plan(session, hazard=hazard, data=PlanDecision(approved=True, note="同意"),
                              actor=make_user(session, role=Role.chief), now=now)
