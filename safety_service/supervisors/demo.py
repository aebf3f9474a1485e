"""Demo roster: the demo supervisor and a miner in office, a past term; and a payout and a reversal in the
reward ledger the demo's confirmed reports have filled."""

from datetime import date, datetime, timedelta

from sqlmodel import Session, col, select

from safety_service.database import known
from safety_service.hazards.models import Hazard
from safety_service.people.models import User
from safety_service.rewards import service as rewards_service
from safety_service.rewards.models import EntryKind, RewardEntry
from safety_service.supervisors import service as supervisors_service
from safety_service.supervisors.schemas import SupervisorCreate

# (employee no, area code, term from, term to)
TERMS = (("2001", "north", -400, None), ("1002", "south", -700, -400), ("1002", "south", -90, 275))


def load(session: Session, *, officer: User, today: date, now: datetime) -> str:
    """Appoint the demo supervisors; pay out and withdraw a little of what the demo reports earned."""
    for number, area, start, end in TERMS:
        supervisors_service.appoint(session, actor=officer, data=SupervisorCreate(
            employee_no=number, area_code=area, term_from=today + timedelta(days=start),
            term_to=today + timedelta(days=end) if end is not None else None))
    awarded = session.exec(select(RewardEntry).where(RewardEntry.kind == EntryKind.award)
                           .order_by(col(RewardEntry.id))).all()
    if awarded:
        rewards_service.reverse(session, hazard=known(session.get(Hazard, awarded[0].hazard_id)), actor=officer,
                                now=now, reason="复查发现与先前举报重复")
    for number in ("1001", "2001"):
        available = rewards_service.balance(session, employee_no=number)
        if available > 0:
            rewards_service.payout(session, employee_no=number, points=available // 2, actor=officer, now=now,
                                   reason="兑换劳保用品（演示）")
    return f"{len(TERMS)} supervisor terms, a reversal and payouts in the reward ledger"
