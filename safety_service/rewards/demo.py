"""Demo cash awards (安委〔2024〕7号) and workers' reports of unsafe behaviour, on the demo's confirmed reports."""

import uuid
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from safety_service.config import Settings
from safety_service.counselling import behaviour
from safety_service.counselling.behaviour_schemas import BehaviourToViolation
from safety_service.counselling.states import ViolationKind, ViolationSeverity
from safety_service.hazards import intake as hazards_intake
from safety_service.hazards.models import Hazard
from safety_service.hazards.schemas import HazardReport
from safety_service.hazards.states import Channel, HazardState, ReportType
from safety_service.people.models import User
from safety_service.rewards import awards
from safety_service.rewards.models import PayMethod

# what, where, when (hours ago), who (as the reporter wrote it), reporter's employee number (None: anonymous)
BEHAVIOUR = (
    ("带班班长安排两人在未支护的顶板下清煤，说“快干完就撤”", "RW-3105", 30, "王班长", "1001"),
    ("检修时未停电闭锁就打开开关箱", "RW-S12", 52, None, None),
    ("有人在斜巷行车时行人，未走人行道", "PH-AUX", 75, None, "1002"),
)


def _rewardable(session: Session) -> list[Hazard]:
    """The demo's confirmed, not rejected reports from workers, oldest first."""
    staff = select(User.id).where(col(User.role).in_(("officer", "chief", "admin", "dispatcher")))
    query = (select(Hazard).where(col(Hazard.confirmed_at).is_not(None), Hazard.state != HazardState.rejected,
                                  col(Hazard.behaviour_at).is_(None))
             .where(col(Hazard.recorded_by_id).is_(None) | col(Hazard.recorded_by_id).not_in(staff))
             .order_by(col(Hazard.confirmed_at)))
    return [h for h in session.exec(query).all() if awards.eligible(session, h)]


def _awards(session: Session, users: dict[str, User], now: datetime) -> int:
    officer, chief, union = users["officer1"], users["chief"], users["counsellor1"]
    named = [h for h in _rewardable(session) if h.reporter_employee_no][:6]
    anonymous = [h for h in _rewardable(session) if not h.reporter_employee_no][:1]
    plans = ("paid_shown", "paid", "approved", "refused", "proposed", "proposed")
    for hazard, plan in zip(named + anonymous, (*plans[:len(named)], "approved_anonymous"), strict=False):
        kind = hazard.report_type or ReportType.unsafe_condition
        award = awards.propose(session, hazard=hazard, actor=officer, now=now - timedelta(days=5), report_type=kind)
        if plan == "proposed":
            continue
        if plan == "refused":
            awards.decide(session, award=award, approved=False, reason="该隐患已由班组当班自查登记，不属首次报告",
                          actor=union, now=now - timedelta(days=4))
            continue
        awards.decide(session, award=award, approved=True, reason=None, actor=chief if plan != "paid" else union,
                      now=now - timedelta(days=4))
        if plan.startswith("paid"):
            awards.pay(session, award=award, actor=officer, now=now - timedelta(days=2), payment=awards.Payment(
                PayMethod.cash if plan == "paid" else PayMethod.wages, note="财务凭证 2026-12-0153",
                shown_name=plan == "paid_shown"))
    return len(named) + len(anonymous)


def _behaviour(session: Session, users: dict[str, User], settings: Settings, now: datetime) -> int:
    reports = []
    for what, where, hours, who, reporter in BEHAVIOUR:
        hazard, _ = hazards_intake.report_hazard(session, data=HazardReport(
            location_code=where, description=what, source=Channel.qr, reporter_employee_no=reporter,
            behaviour_at=now - timedelta(hours=hours), behaviour_person=who, client_report_id=f"demo-b-{uuid.uuid4()}"),
            now=now - timedelta(hours=hours - 1), timezone=settings.timezone)
        reports.append(hazard)
    behaviour.to_violation(session, hazard=reports[0], actor=users["supervisor1"], settings=settings, now=now,
                           data=BehaviourToViolation(employee_no="4001", kind=ViolationKind.illegal_command,
                                                     severity=ViolationSeverity.serious,
                                                     occurred_at=reports[0].behaviour_at,
                                                     description=reports[0].description))
    behaviour.reject(session, hazard=reports[2], reason="调取监控核实，当时架空乘人装置已停运，行人走人行道",
                     actor=users["officer2"], now=now)
    return len(reports)


def load(session: Session, *, users: dict[str, User], settings: Settings, now: datetime) -> str:
    """Awards in every state (one anonymous, collected by tracking code) and three behaviour reports."""
    count = _awards(session, users, now)
    reports = _behaviour(session, users, settings, now)
    return f"report rewards: {count} awards (scale per 安委〔2024〕7号), {reports} unsafe-behaviour reports"
