"""The public hazard board (隐患公示, 安全生产法 §41) of an area, retained on ``safety/{site}/board/{area}``.

It shows the area's open major hazards under listed supervision (挂牌督办) with owner and deadline,
this month's reports, closures and the hazards overdue now, and the month's top reporters by
points. No reporter has consented to show a name (the register records no such consent yet), so
every reporter is shown by the last digits of the employee number (工号尾号).
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func
from sqlmodel import Session, col, select

from safety_service.board import riskpoints
from safety_service.clock import as_utc
from safety_service.hazards import overdue as overdue_rule
from safety_service.hazards.models import Hazard
from safety_service.hazards.states import Grade
from safety_service.locations.models import Area, Location, Site
from safety_service.outbox import service as outbox
from safety_service.outbox.models import OutboxMessage
from safety_service.people.models import User
from safety_service.protocol import messages, retained
from safety_service.protocol.topics import board_topic
from safety_service.rewards.models import RewardEntry

TOP_REPORTERS = 5
TAIL_DIGITS = 4


def month_start(now: datetime, timezone: str) -> datetime:
    """The first instant of ``now``'s local month."""
    local = now.astimezone(ZoneInfo(timezone))
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def build(session: Session, *, site: str, area: Area, now: datetime, timezone: str) -> retained.BoardV2:
    """The ``board/2`` message of one area at ``now``: board/1 and the area's risk points."""
    start = month_start(now, timezone)
    in_area = select(Location.id).where(Location.area_id == area.id)
    of_area = col(Hazard.location_id).in_(in_area)
    return messages.board(
        site=site, area=area, month=start.strftime("%Y-%m"), now=now, major=_major(session, of_area),
        reported=_count(session, of_area, col(Hazard.reported_at) >= start),
        closed=_count(session, of_area, col(Hazard.closed_at) >= start),
        overdue=_count(session, of_area, overdue_rule.condition(now)),
        top_reporters=_top_reporters(session, of_area, start),
        risk_points=riskpoints.of_area(session, area=area),
    )


def _count(session: Session, *conditions: ColumnElement[bool]) -> int:
    return session.exec(select(func.count()).select_from(Hazard).where(*conditions)).one()


def _major(session: Session, of_area: ColumnElement[bool]) -> list[retained.BoardHazard]:
    query = (select(Hazard, Location.name_zh, User.username)
             .join(Location, col(Location.id) == Hazard.location_id)
             .join(User, col(User.id) == Hazard.owner_id, isouter=True)
             .where(of_area, col(Hazard.is_open), Hazard.grade == Grade.major)
             .order_by(col(Hazard.deadline).is_(None), col(Hazard.deadline), col(Hazard.id)))
    return [retained.BoardHazard(ref=h.ref, description=h.description[:200], location=place, owner=owner,
                                 deadline=h.deadline and as_utc(h.deadline), state=h.state)
            for h, place, owner in session.exec(query).all()]


def _top_reporters(session: Session, of_area: ColumnElement[bool], start: datetime) -> list[retained.BoardReporter]:
    total = func.sum(RewardEntry.points)
    query = (select(RewardEntry.employee_no, total).join(Hazard, col(Hazard.id) == RewardEntry.hazard_id)
             .where(of_area, col(RewardEntry.employee_no).is_not(None), col(RewardEntry.created_at) >= start)
             .group_by(col(RewardEntry.employee_no)).having(total > 0)
             .order_by(total.desc(), col(RewardEntry.employee_no)).limit(TOP_REPORTERS))
    return [retained.BoardReporter(name=None, employee_no_tail=(number or "")[-TAIL_DIGITS:], points=int(points))
            for number, points in session.exec(query).all()]


def write_retained(session: Session, *, site: str, area: Area, now: datetime, timezone: str) -> OutboxMessage:
    """Queue the area's board as the retained message on its topic (published after commit)."""
    board = build(session, site=site, area=area, now=now, timezone=timezone)
    return outbox.enqueue(session, board_topic(site, area.code), board, now=now)


def refresh_for(session: Session, *, hazard: Hazard, now: datetime, timezone: str) -> OutboxMessage | None:
    """After a hazard moved: its area's board again (none when its location has no area)."""
    found = session.exec(select(Area, Site.code).join(Location, col(Location.area_id) == Area.id)
                         .join(Site, col(Site.id) == Area.site_id).where(Location.id == hazard.location_id)).first()
    if found is None:
        return None
    area, site = found
    return write_retained(session, site=site, area=area, now=now, timezone=timezone)
