"""The schedule job: due rounds made, rounds past their window marked missed and escalated (idempotent)."""

from datetime import datetime

from sqlmodel import Session

from safety_service.config import Settings
from safety_service.inspections import ladder, service


def schedule_rounds(session: Session, *, now: datetime, settings: Settings) -> int:
    """Rounds made plus rounds marked missed in this run."""
    hours = ladder.Hours(officer=settings.escalate_officer_after_hours, chief=settings.escalate_chief_after_hours,
                         major_officer=settings.escalate_major_officer_after_hours,
                         major_chief=settings.escalate_major_chief_after_hours)
    return service.schedule(session, now=now, timezone=settings.timezone, hours=hours)
