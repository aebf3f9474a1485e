"""The daily morning digest (每日简报): at ``daily_digest_time`` (the mine's local time) each officer and
chief gets the register's open items, what is due today and what is overdue; each owner the same for
their own hazards. Once a day: the day's ``notify_digest_run`` row is the proof it went out.
"""

import logging
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, col, select

from safety_service.config import Settings
from safety_service.hazards.models import Hazard
from safety_service.notifications import service as notifications_service
from safety_service.notifications.models import DigestRun
from safety_service.notifications.service import Notice
from safety_service.people import service as people_service
from safety_service.people.models import Role, User

logger = logging.getLogger(__name__)


def _due_time(settings: Settings, now: datetime) -> tuple[datetime, datetime] | None:
    if not settings.daily_digest_time:
        return None
    zone = ZoneInfo(settings.timezone)
    local = now.astimezone(zone)
    hour, minute = (int(part) for part in settings.daily_digest_time.split(":"))
    at = datetime.combine(local.date(), time(hour, minute), tzinfo=zone)
    return (at, datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=zone)) if local >= at else None


def _figures(session: Session, *, now: datetime, day_end: datetime, owner_id: int | None = None) -> dict[str, int]:
    base = select(func.count()).select_from(Hazard).where(col(Hazard.is_open))
    if owner_id is not None:
        base = base.where(Hazard.owner_id == owner_id)
    return {"open": session.exec(base).one(),
            "due_today": session.exec(base.where(col(Hazard.deadline) >= now, col(Hazard.deadline) < day_end)).one(),
            "overdue": session.exec(base.where(col(Hazard.deadline) < now)).one(),
            "urgent": session.exec(base.where(col(Hazard.urgent),
                                              col(Hazard.urgent_acknowledged_at).is_(None))).one()}


def send_daily(session: Session, *, now: datetime, settings: Settings) -> int:
    """Send today's digest if its time has come and it has not gone out; returns the people told."""
    window = _due_time(settings, now)
    if window is None:
        return 0
    day = window[0].date()
    if session.get(DigestRun, day) is not None:
        return 0
    session.add(DigestRun(day=day, at=now))
    session.flush()  # a second instance's insert fails here and its run rolls back
    everyone = _figures(session, now=now, day_end=window[1])
    notices: list[tuple[User, list[Notice]]] = []
    for user in people_service.active_users_with_roles(session, roles=[Role.officer, Role.chief, Role.owner]):
        figures = everyone if user.role != Role.owner else _figures(session, now=now, day_end=window[1],
                                                                     owner_id=user.id)
        if user.role == Role.owner and not figures["open"]:
            continue
        notices.append((user, [Notice(kind="daily_digest", data={"day": day.isoformat(), **figures})]))
    notifications_service.send(session, notices)
    logger.info("daily digest sent", extra={"day": day.isoformat(), "people": len(notices)})
    return len(notices)
