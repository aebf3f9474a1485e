"""The ladder of a missed round, like an overdue hazard's: at the window's end the inspector, then the
leader of the unit in charge of the place and the officers, then the chief (煤矿安全生产标准化管理体系,
事故隐患排查治理: rounds the plan calls for are done and proved). A leader's 带班/跟班 round or one at a major
risk point climbs at the major-hazard hours. Each step is stamped on the round (``escalation_level``) by a
conditional update, so it is taken once however often, and on however many instances, the job runs.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from safety_service.clock import as_utc
from safety_service.inspections.models import InspectionPlan, InspectionRound
from safety_service.inspections.states import RoundState
from safety_service.notifications import service as notifications_service
from safety_service.people import service as people_service
from safety_service.people.models import Role, User
from safety_service.risks.models import RiskPoint, RiskPointLocation
from safety_service.risks.rating import RiskLevel
from safety_service.units import service as units_service

logger = logging.getLogger(__name__)
TOP = 3


@dataclass(frozen=True)
class Hours:
    """When steps 2 and 3 come after the window's end (the hazard ladder's settings by default)."""

    officer: float = 24.0
    chief: float = 72.0
    major_officer: float = 4.0
    major_chief: float = 12.0

    def due(self, *, weighty: bool, since: timedelta) -> int:
        """The highest step due this long after the window ended."""
        officer, chief = (self.major_officer, self.major_chief) if weighty else (self.officer, self.chief)
        return 3 if since >= timedelta(hours=chief) else 2 if since >= timedelta(hours=officer) else 1


def escalate(session: Session, *, now: datetime, hours: Hours) -> int:
    """Take every step now due of every missed round; the number of steps taken."""
    query = select(InspectionRound).where(InspectionRound.state == RoundState.missed,
                                          col(InspectionRound.escalation_level) < TOP)
    taken = 0
    for one in session.exec(query).all():
        level = hours.due(weighty=_weighty(session, one), since=now - as_utc(one.window_end))
        if level > one.escalation_level and _claim(session, one, level, now):
            for step in range(one.escalation_level + 1, level + 1):
                _tell(session, one, step)
                taken += 1
            one.escalation_level, one.escalated_at = level, now
    session.flush()
    return taken


def _claim(session: Session, one: InspectionRound, level: int, now: datetime) -> bool:
    """Move the round up the ladder unless another run just did."""
    moved = session.exec(update(InspectionRound).where(
        col(InspectionRound.id) == one.id, col(InspectionRound.escalation_level) == one.escalation_level,
        col(InspectionRound.state) == RoundState.missed).values(escalation_level=level, escalated_at=now)
        .execution_options(synchronize_session=False))
    return moved.rowcount == 1


def _tell(session: Session, one: InspectionRound, step: int) -> None:
    recipients = _recipients(session, one, step)
    notifications_service.notify(session, users=recipients, hazard_id=None, kind="round_missed",
                                 data={"round_id": one.id, "step": step, "window_start": one.window_start.isoformat(),
                                       "risk_point": _point(session, one).code})
    logger.info("missed round escalated", extra={"round": one.id, "step": step, "recipients": len(recipients)})


def _recipients(session: Session, one: InspectionRound, step: int) -> list[User]:
    if step == 1:
        inspector = session.get(User, one.inspector_id)
        return [inspector] if inspector and inspector.is_active else []
    if step == 2:
        return _leaders(session, one) + people_service.active_users_with_roles(session, roles=[Role.officer])
    return people_service.active_users_with_roles(session, roles=[Role.chief])


def _leaders(session: Session, one: InspectionRound) -> list[User]:
    """The leaders of the units in charge of the risk point's places (区队长/科长), the inspector aside."""
    places = session.exec(select(RiskPointLocation.location_id).where(
        RiskPointLocation.risk_point_id == one.risk_point_id)).all()
    leaders = []
    for location_id in places:
        unit = units_service.responsible_unit(session, location_id=location_id)
        leader = session.get(User, unit.leader_id) if unit and unit.leader_id else None
        if leader and leader.is_active and leader.id != one.inspector_id and leader not in leaders:
            leaders.append(leader)
    return leaders


def _point(session: Session, one: InspectionRound) -> RiskPoint:
    point = session.get(RiskPoint, one.risk_point_id)
    assert point is not None
    return point


def _weighty(session: Session, one: InspectionRound) -> bool:
    plan = session.get(InspectionPlan, one.plan_id)
    return bool((plan and plan.leader_round) or _point(session, one).level == RiskLevel.major)
