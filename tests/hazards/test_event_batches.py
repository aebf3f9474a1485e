"""The deadline jobs write a run's hazard events together: a batch of warnings, urgent escalations or step
breaches is one INSERT into hazard_event (an executemany), not one statement and one flush per event."""

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import event
from sqlmodel import Session, col, select

from safety_service.clock import utc_now
from safety_service.config import Settings
from safety_service.feedback import scheduled as feedback_scheduled
from safety_service.hazards import urgent
from safety_service.hazards.models import Hazard, HazardEvent
from safety_service.hazards.scheduled import warn_before_deadline
from safety_service.hazards.states import HazardState
from safety_service.people.models import Role
from tests.conftest import make_settings
from tests.hazards.builders import make_hazard
from tests.people.builders import make_user

N = 4
_EVENT_INSERT = re.compile(r'^\s*INSERT INTO "?hazard_event"?\b', re.IGNORECASE)
_EVENT_COPY = re.compile(r'^\s*COPY "?hazard_event"?\b', re.IGNORECASE)


@contextmanager
def _event_inserts(session: Session) -> Iterator[list[int]]:
    """The statements writing hazard_event rows the session's connection sends meanwhile, each by its row count:
    INSERTs through SQLAlchemy, and on PostgreSQL the COPYs the driver runs (``driver.insert_rows``)."""
    connection, seen = session.connection(), []

    def count(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        if _EVENT_INSERT.match(statement):
            seen.append(len(parameters) if executemany else 1)

    driver = connection.connection.driver_connection
    factory = getattr(driver, "cursor_factory", None)
    if factory is not None:
        driver.cursor_factory = _copies_counted(factory, seen)
    event.listen(connection, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(connection, "before_cursor_execute", count)
        if factory is not None:
            driver.cursor_factory = factory


def _copies_counted(factory: type, seen: list[int]) -> type:
    """A psycopg cursor class that tells ``seen`` the rows of each COPY into hazard_event."""

    class Counted(factory):  # type: ignore[misc, valid-type]
        @contextmanager
        def copy(self, statement: Any, *args: Any, **kwargs: Any) -> Iterator[Any]:
            with super().copy(statement, *args, **kwargs) as copy:
                rows, write = [0], copy.write_row

                def write_row(row: Any) -> None:
                    rows[0] += 1
                    write(row)

                copy.write_row = write_row
                yield copy
            if _EVENT_COPY.match(str(statement)):
                seen.append(rows[0])

    return Counted


def _events(session: Session, hazards: list[Hazard], action: str) -> list[HazardEvent]:
    query = select(HazardEvent).where(col(HazardEvent.hazard_id).in_([h.id for h in hazards]),
                                      HazardEvent.action == action)
    return list(session.exec(query.order_by(col(HazardEvent.hazard_id))).all())


def _one_statement(session: Session, run: Callable[[], int]) -> int:
    """Runs the job, checks its events went in one statement, and returns what the job says it did."""
    with _event_inserts(session) as inserts:
        done = run()
    assert len(inserts) == 1, inserts  # the shared database may add its own hazards to the batch, never a statement
    assert inserts[0] == done >= N
    return done


def test_a_run_of_deadline_warnings_writes_its_events_in_one_statement(session: Session) -> None:
    now, owner = utc_now(), make_user(session, role=Role.owner)
    deadline = now + timedelta(hours=12)
    hazards = [make_hazard(session, state=HazardState.rectifying, owner=owner, now=now, deadline=deadline)
               for _ in range(N)]
    settings = make_settings("sqlite://", warn_general_before_hours=24)
    _one_statement(session, lambda: warn_before_deadline(session, now=now, settings=settings))
    events = _events(session, hazards, "deadline_warning")
    assert [(e.hazard_id, e.at, e.actor_id, e.data) for e in events] == [
        (h.id, now, None, {"deadline": deadline.isoformat()}) for h in hazards]
    assert all(h.warned_at == now for h in hazards)


def test_a_run_of_urgent_escalations_writes_its_events_in_one_statement(session: Session, settings: Settings) -> None:
    chief, start = make_user(session, role=Role.chief), utc_now()
    hazards = [make_hazard(session, now=start) for _ in range(N)]
    for hazard in hazards:
        hazard.urgent, hazard.urgent_at = True, start
    session.flush()
    later = start + timedelta(minutes=settings.urgent_ack_minutes)
    _one_statement(session, lambda: urgent.escalate_unacknowledged(session, now=later, settings=settings))
    events = _events(session, hazards, "urgent_escalated")
    assert [e.hazard_id for e in events] == [h.id for h in hazards]
    assert all(e.at == later and e.data is not None and chief.username in e.data["notified"] for e in events)
    assert all(h.urgent_escalated_at == later for h in hazards)


def test_a_run_of_step_breaches_writes_its_events_in_one_statement(session: Session, settings: Settings) -> None:
    start = utc_now() - timedelta(days=400)  # older than anything else in the test database
    hazards = [make_hazard(session, now=start) for _ in range(N)]
    later: datetime = start + timedelta(hours=settings.triage_hours, minutes=1)
    _one_statement(session, lambda: feedback_scheduled.flag_overdue_steps(session, now=later, settings=settings))
    events = _events(session, hazards, "step_overdue")
    due = (start + timedelta(hours=settings.triage_hours)).isoformat()
    assert [(e.hazard_id, e.at, e.data) for e in events] == [(h.id, later, {"step": "triage", "due": due})
                                                             for h in hazards]
