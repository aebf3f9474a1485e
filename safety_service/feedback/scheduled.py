"""The step time-limit job: a report not triaged within SAFETY_TRIAGE_HOURS, or a fix not verified within
SAFETY_VERIFICATION_HOURS, is an overdue event in its history and a reminder to the officers, once per breach.

A rectification past its deadline is the escalation ladder's business (``hazards.scheduled``).
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import exists
from sqlmodel import Session, col, select

from safety_service.clock import as_utc
from safety_service.config import Settings
from safety_service.database import saved_id
from safety_service.feedback.models import StepBreach
from safety_service.hazards import events
from safety_service.hazards.models import Hazard
from safety_service.hazards.states import Grade, HazardState
from safety_service.notifications import service as notifications_service
from safety_service.people import service as people_service
from safety_service.people.models import OFFICER_ROLES, Role

logger = logging.getLogger(__name__)
BATCH = 500
STEP_OVERDUE_ACTION = "step_overdue"  # a run's events, written in bulk (the kind named for the timeline's messages)
_Event = tuple[int, datetime, str, dict[str, str]]  # a breach's history event: hazard_id, at, action, data


@dataclass(frozen=True)
class Step:
    name: str
    state: HazardState
    started: str  # the hazard column the step's clock starts from
    hours: float


def steps(settings: Settings) -> tuple[Step, ...]:
    """The time-limited steps besides rectification."""
    return (Step("triage", HazardState.reported, "reported_at", settings.triage_hours),
            Step("verification", HazardState.awaiting_verification, "rectified_at", settings.verification_hours))


def flag_overdue_steps(session: Session, *, now: datetime, settings: Settings) -> int:
    """Record every breach not yet recorded; returns how many were. The breaches' events are written
    together, in one statement."""
    found: list[_Event] = []
    for step in steps(settings):
        found += [_record(session, hazard, step, now=now) for hazard in _breached(session, step, now)]
    session.flush()
    events.append_many(session.connection(), ("hazard_id", "at", "action", "data"), found)
    return len(found)


def _breached(session: Session, step: Step, now: datetime) -> list[Hazard]:
    started = getattr(Hazard, step.started)
    recorded = exists().where(col(StepBreach.hazard_id) == Hazard.id, col(StepBreach.step) == step.name,
                              StepBreach.started_at == started)
    query = (select(Hazard).where(Hazard.state == step.state, col(started) < now - timedelta(hours=step.hours),
                                  ~recorded).order_by(col(started)).limit(BATCH))
    return list(session.exec(query).all())


def _record(session: Session, hazard: Hazard, step: Step, *, now: datetime) -> _Event:
    """The breach and its reminder; its history event is returned for the run to write with the others."""
    started = as_utc(getattr(hazard, step.started))
    due = started + timedelta(hours=step.hours)
    session.add(StepBreach(hazard_id=saved_id(hazard), step=step.name, started_at=started, due_at=due, recorded_at=now))
    major = step.name == "verification" and hazard.grade == Grade.major
    roles = [Role.chief] if major else list(OFFICER_ROLES)
    notifications_service.notify(session, users=people_service.active_users_with_roles(session, roles=roles),
                                 hazard_id=hazard.id, kind="step_overdue", data={"ref": hazard.ref, "step": step.name})
    logger.info("step overdue", extra={"ref": hazard.ref, "step": step.name, "due": due.isoformat()})
    return saved_id(hazard), now, STEP_OVERDUE_ACTION, {"step": step.name, "due": due.isoformat()}


def breached_steps(session: Session, *, hazard: Hazard) -> list[str]:
    """The steps of this hazard that ran past their time limit, oldest first."""
    return list(session.exec(select(StepBreach.step).where(StepBreach.hazard_id == hazard.id)
                             .order_by(col(StepBreach.id))).all())
