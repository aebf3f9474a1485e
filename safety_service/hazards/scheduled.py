"""The overdue job: open hazards past their deadline climb the escalation ladder.

Each step is due at a fixed time after the deadline, so the outcome does not depend on how
often the job runs; the stored level makes every step happen once.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from safety_service.clock import as_utc
from safety_service.config import Settings
from safety_service.hazards import service as hazards_service
from safety_service.hazards.models import Hazard
from safety_service.notifications import service as notifications_service
from safety_service.people import service as people_service
from safety_service.people.models import Role, User

logger = logging.getLogger(__name__)
BATCH = 500


@dataclass(frozen=True)
class Step:
    level: int
    role: Role
    after: timedelta


def ladder(settings: Settings) -> tuple[Step, ...]:
    """The escalation ladder: owner at the deadline, then officer, then chief."""
    return (
        Step(1, Role.owner, timedelta(0)),
        Step(2, Role.officer, timedelta(hours=settings.escalate_officer_after_hours)),
        Step(3, Role.chief, timedelta(hours=settings.escalate_chief_after_hours)),
    )


def escalate_overdue(session: Session, *, now: datetime, settings: Settings) -> int:
    """Take every step now due for open hazards past their deadline; returns the steps taken."""
    steps = ladder(settings)
    query = (
        select(Hazard)
        .where(col(Hazard.is_open), col(Hazard.deadline) < now, col(Hazard.escalation_level) < len(steps))
        .order_by(col(Hazard.deadline))
        .limit(BATCH)
    )
    taken = 0
    for hazard in session.exec(query).all():
        for step in steps[hazard.escalation_level:]:
            if now < as_utc(hazard.deadline) + step.after:
                break
            _take(session, hazard, step, now=now)
            taken += 1
    session.flush()
    return taken


def _take(session: Session, hazard: Hazard, step: Step, *, now: datetime) -> None:
    recipients = _recipients(session, hazard, step)
    data = {"level": step.level, "to": str(step.role), "deadline": as_utc(hazard.deadline).isoformat(),
            "notified": sorted(u.username for u in recipients)}
    hazards_service.record_escalation(session, hazard=hazard, level=step.level, now=now, data=data)
    notifications_service.notify(session, users=recipients, hazard_id=hazard.id, kind="overdue",
                                 data={"ref": hazard.ref, "level": step.level})
    logger.info("hazard escalated", extra={"ref": hazard.ref, "level": step.level, "to": str(step.role)})


def _recipients(session: Session, hazard: Hazard, step: Step) -> list[User]:
    if step.role == Role.owner:
        owner = session.get(User, hazard.owner_id) if hazard.owner_id else None
        return [owner] if owner is not None and owner.is_active else []
    return people_service.active_users_with_roles(session, roles=[step.role])
