"""The one writer of a hazard's history (hazard_event): an event at a time through the session, or many at
once through the driver (the intake's batch, the escalation sweep's steps, a run's deadline warnings and
urgent escalations, the step breaches), so a batch is one statement. Events are never edited."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection
from sqlmodel import Session

from safety_service.database import saved_id, table_of
from safety_service.driver import insert_rows
from safety_service.hazards.models import Hazard, HazardEvent
from safety_service.people.models import User


def append_event(session: Session, hazard: Hazard, *, action: str, actor: User | None, now: datetime,
                 from_state: str | None = None, to_state: str | None = None, note: str | None = None,
                 data: dict[str, Any] | None = None) -> HazardEvent:
    """Add one entry to the hazard's history."""
    event = HazardEvent(hazard_id=saved_id(hazard), at=now, actor_id=actor.id if actor else None, action=action,
                        from_state=from_state, to_state=to_state, note=note, data=data)
    session.add(event)
    session.flush()
    return event


def append_many(connection: Connection, columns: Sequence[str], rows: Sequence[Sequence[Any]], *,
                json_text: Sequence[str] = ()) -> None:
    """Many entries in one executemany, each row a tuple in the order of ``columns`` (hazard_id, at, …);
    ``json_text`` names columns whose values are JSON text already (``driver.insert_rows``)."""
    insert_rows(connection, table_of(HazardEvent), columns, rows, json_text=json_text)
