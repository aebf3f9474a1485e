"""Per-person choices: which channel (the console inbox, email) reaches them for which event.

Group robots are the mine's groups, not a person's, so they are the admins' to configure. Urgent
events cannot be turned off by dispatchers and chiefs (``service.URGENT_LOCKED_ROLES``).
"""

from typing import Any

from sqlmodel import Session, col, select

from safety_service.database import saved_id
from safety_service.errors import InvalidInput
from safety_service.notifications.models import Preference
from safety_service.notifications.service import URGENT_EVENTS, URGENT_LOCKED_ROLES

__all__ = ["URGENT_EVENTS", "URGENT_LOCKED_ROLES", "muted", "set_preference"]
from safety_service.people.models import User


def muted(session: Session, *, user: User) -> list[dict[str, Any]]:
    """The channel and event pairs the user turned off."""
    query = select(Preference).where(Preference.user_id == user.id, col(Preference.enabled).is_(False))
    return [{"channel": p.channel, "event": p.event} for p in session.exec(query.order_by(col(Preference.id))).all()]


def set_preference(session: Session, *, user: User, channel: str, event: str, enabled: bool) -> None:
    """Turn one channel off (or back on) for one event."""
    if not enabled and event in URGENT_EVENTS and user.role in URGENT_LOCKED_ROLES:
        raise InvalidInput("urgent events always reach dispatchers and chiefs", field="event")
    row = session.exec(select(Preference).where(Preference.user_id == user.id, Preference.channel == channel,
                                                Preference.event == event)).first()
    if row is None:
        row = Preference(user_id=saved_id(user), channel=channel, event=event)
    row.enabled = enabled
    session.add(row)
    session.flush()
