"""The append-only history of a case."""

from datetime import datetime
from typing import Any

from sqlmodel import Session

from safety_service.counselling.models import CaseEvent, CounsellingCase
from safety_service.database import saved_id
from safety_service.people.models import User


def append_event(session: Session, case: CounsellingCase, *, action: str, actor: User | None, now: datetime,
                 from_state: str | None = None, to_state: str | None = None, note: str | None = None,
                 data: dict[str, Any] | None = None) -> CaseEvent:
    """Add one entry to the case's history (never edited afterwards)."""
    event = CaseEvent(case_id=saved_id(case), at=now, actor_id=actor.id if actor else None, action=action,
                      from_state=from_state, to_state=to_state, note=note, data=data)
    session.add(event)
    session.flush()
    return event
