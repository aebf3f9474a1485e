"""Ended observation periods are marked for review, and sessions due are reminded, each once."""

from datetime import timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from safety_service.clock import utc_now
from safety_service.config import Settings
from safety_service.counselling.models import CaseEvent, CounsellingCase
from safety_service.counselling.scheduled import mark_review_due, remind_sessions_due
from safety_service.counselling.states import CaseState
from safety_service.notifications.models import Notification
from safety_service.people.models import Person, Role
from safety_service.scheduler import Scheduler
from tests.counselling.builders import SETTINGS, make_case, make_violation, record_session
from tests.people.builders import make_user

S = CaseState


def _events(session: Session, case_id: int, action: str) -> list[CaseEvent]:
    return list(session.exec(select(CaseEvent).where(CaseEvent.case_id == case_id, CaseEvent.action == action)).all())


def _notified(session: Session, case_id: int, kind: str) -> list[int]:
    rows = session.exec(select(Notification).where(Notification.kind == kind)).all()
    return [n.user_id for n in rows if n.data["case_id"] == case_id]


def test_an_ended_observation_is_marked_for_review_once(session: Session) -> None:
    start = utc_now()
    counsellor = make_user(session, role=Role.counsellor)
    case = make_case(session, state=S.observation, counsellor=counsellor, now=start)
    ends = case.observation_ends_at
    assert mark_review_due(session, now=ends - timedelta(minutes=1), settings=SETTINGS) == 0
    assert mark_review_due(session, now=ends + timedelta(minutes=1), settings=SETTINGS) >= 1
    for _ in range(3):
        mark_review_due(session, now=ends + timedelta(days=3), settings=SETTINGS)
    assert case.review_due_at == ends + timedelta(minutes=1) and case.state == S.observation
    assert len(_events(session, case.id, "review_due")) == 1
    assert _notified(session, case.id, "case_review_due") == [counsellor.id]


def test_a_repeat_violation_means_no_review(session: Session) -> None:
    start = utc_now()
    case = make_case(session, state=S.observation, now=start)
    make_violation(session, person=_person(session, case), now=start + timedelta(days=3))
    mark_review_due(session, now=start + timedelta(days=40), settings=SETTINGS)
    assert case.state == S.counselling and case.review_due_at is None
    assert _events(session, case.id, "review_due") == []


def test_a_session_due_is_reminded_once_and_the_next_one_again(session: Session) -> None:
    start = utc_now()
    counsellor = make_user(session, role=Role.counsellor)
    case = make_case(session, state=S.counselling, counsellor=counsellor, now=start)
    due = case.next_session_due_at
    assert due == start + timedelta(days=14)
    remind_sessions_due(session, now=due - timedelta(minutes=1), settings=SETTINGS)
    assert _events(session, case.id, "session_due") == []
    for _ in range(3):
        remind_sessions_due(session, now=due + timedelta(hours=1), settings=SETTINGS)
    assert [e.data["due"] for e in _events(session, case.id, "session_due")] == [due.isoformat()]
    record_session(session, case, counsellor, now=due + timedelta(days=1))
    remind_sessions_due(session, now=due + timedelta(days=16), settings=SETTINGS)
    assert len(_events(session, case.id, "session_due")) == 2
    assert _notified(session, case.id, "case_session_due") == [counsellor.id, counsellor.id]


def test_no_reminders_in_observation_or_after_closing(session: Session) -> None:
    start = utc_now()
    observed, closed = make_case(session, state=S.observation, now=start), make_case(session, state=S.closed, now=start)
    remind_sessions_due(session, now=start + timedelta(days=60), settings=SETTINGS)
    assert _events(session, observed.id, "session_due") == _events(session, closed.id, "session_due") == []


def test_the_scheduler_runs_both_jobs(engine: Engine, settings: Settings) -> None:
    jobs = dict(Scheduler(engine, settings).jobs())
    assert jobs["mark_cases_for_review"] is mark_review_due
    assert jobs["remind_counselling_sessions"] is remind_sessions_due


def _person(session: Session, case: CounsellingCase) -> Person:
    return session.get(Person, case.person_id)
