"""Overdue hazards climb the escalation ladder owner -> officer -> chief, each step once."""

import uuid
from datetime import datetime, timedelta

from sqlmodel import Session, select

from safety_service.clock import utc_now
from safety_service.config import Settings
from safety_service.hazards.models import HazardEvent
from safety_service.hazards.scheduled import escalate_overdue
from safety_service.hazards.states import HazardState
from safety_service.notifications.models import Notification
from safety_service.people.models import Role
from tests.conftest import make_settings
from tests.hazards.builders import make_hazard
from tests.people.builders import make_user

SETTINGS: Settings = make_settings("sqlite://", escalate_officer_after_hours=24, escalate_chief_after_hours=72)


def _escalations(session: Session, hazard_id: int) -> list[HazardEvent]:
    query = select(HazardEvent).where(HazardEvent.hazard_id == hazard_id, HazardEvent.action == "escalated")
    return list(session.exec(query.order_by(HazardEvent.id)).all())


def _notified(session: Session, hazard_id: int) -> set[int]:
    query = select(Notification.user_id).where(Notification.hazard_id == hazard_id, Notification.kind == "overdue")
    return set(session.exec(query).all())


def _steps(session: Session, hazard_id: int, now: datetime) -> int:
    """Runs the job and counts the steps it took for this hazard (the shared database holds others)."""
    before = len(_escalations(session, hazard_id))
    escalate_overdue(session, now=now, settings=SETTINGS)
    return len(_escalations(session, hazard_id)) - before


def test_the_ladder_climbs_at_the_set_intervals_and_each_step_once(session: Session) -> None:
    start = utc_now()
    owner = make_user(session, role=Role.owner, username=f'杨"军\\{uuid.uuid4().hex[:8]}')  # JSON must escape these
    chief = make_user(session, role=Role.chief)
    hazard = make_hazard(session, state=HazardState.rectifying, owner=owner, now=start,
                         deadline=start + timedelta(days=1))
    deadline = hazard.deadline

    assert _steps(session, hazard.id, deadline - timedelta(minutes=1)) == 0
    assert _steps(session, hazard.id, deadline + timedelta(minutes=1)) == 1
    assert hazard.escalation_level == 1 and hazard.overdue_since == deadline
    assert owner.id in _notified(session, hazard.id) and chief.id not in _notified(session, hazard.id)

    for _ in range(3):  # the job runs again and again: nothing new
        assert _steps(session, hazard.id, deadline + timedelta(hours=2)) == 0
    assert _steps(session, hazard.id, deadline + timedelta(hours=25)) == 1
    assert hazard.escalation_level == 2
    assert _steps(session, hazard.id, deadline + timedelta(hours=73)) == 1
    assert chief.id in _notified(session, hazard.id)
    assert _steps(session, hazard.id, deadline + timedelta(days=30)) == 0

    steps = _escalations(session, hazard.id)
    assert [(e.data["level"], e.data["to"]) for e in steps] == [(1, "owner"), (2, "officer"), (3, "chief")]
    assert steps[0].data == {"level": 1, "to": "owner", "deadline": deadline.isoformat(), "notified": [owner.username]}
    assert chief.username in steps[2].data["notified"] and owner.username not in steps[2].data["notified"]
    assert hazard.state == HazardState.rectifying  # escalation never moves the state


def test_a_job_that_did_not_run_for_days_takes_every_owed_step_as_its_own_event(session: Session) -> None:
    start = utc_now()
    hazard = make_hazard(session, state=HazardState.rectifying, now=start, deadline=start + timedelta(hours=1))
    assert _steps(session, hazard.id, start + timedelta(days=10)) == 3
    assert [e.data["level"] for e in _escalations(session, hazard.id)] == [1, 2, 3]


def test_closed_and_not_yet_due_hazards_are_left_alone(session: Session) -> None:
    start = utc_now()
    closed = make_hazard(session, state=HazardState.closed, now=start, deadline=start + timedelta(hours=1))
    future = make_hazard(session, state=HazardState.rectifying, now=start, deadline=start + timedelta(days=9))
    escalate_overdue(session, now=start + timedelta(days=2), settings=SETTINGS)
    assert _escalations(session, closed.id) == [] and _escalations(session, future.id) == []


def test_a_hazard_awaiting_verification_past_its_deadline_is_still_overdue(session: Session) -> None:
    start = utc_now()
    hazard = make_hazard(session, state=HazardState.awaiting_verification, now=start,
                         deadline=start + timedelta(hours=1))
    assert _steps(session, hazard.id, start + timedelta(hours=2)) == 1
    assert hazard.escalation_level == 1
