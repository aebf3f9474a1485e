"""Notifications, written in the same transaction as the change they tell of."""

from collections.abc import Iterable
from typing import Any

from sqlmodel import Session, col, select, update

from safety_service.clock import utc_now
from safety_service.notifications.models import Notification
from safety_service.people.models import User


def notify(session: Session, *, users: Iterable[User], hazard_id: int | None, kind: str,
           data: dict[str, Any] | None = None) -> list[Notification]:
    """One notification to each distinct user."""
    unique = {user.id: user for user in users if user.id is not None}
    rows = [Notification(user_id=uid, hazard_id=hazard_id, kind=kind, data=data) for uid in unique]
    session.add_all(rows)
    session.flush()
    return rows


def list_for_user(session: Session, *, user: User, unread_only: bool = False, limit: int = 50) -> list[Notification]:
    """The user's newest notifications."""
    query = select(Notification).where(Notification.user_id == user.id)
    if unread_only:
        query = query.where(col(Notification.read_at).is_(None))
    return list(session.exec(query.order_by(col(Notification.id).desc()).limit(limit)).all())


def mark_read(session: Session, *, user: User, ids: list[int]) -> int:
    """Mark the user's own notifications read; returns how many changed."""
    statement = (
        update(Notification)
        .where(col(Notification.user_id) == user.id, col(Notification.id).in_(ids), col(Notification.read_at).is_(None))
        .values(read_at=utc_now())
    )
    return session.exec(statement).rowcount
