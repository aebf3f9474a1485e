"""The signed-in user's notifications."""

from datetime import datetime
from typing import Any

from fastapi import APIRouter
from sqlmodel import Field, SQLModel

from safety_service.api.deps import CurrentUser, SessionDep
from safety_service.notifications import service as notifications_service
from safety_service.validation import RowId

router = APIRouter(tags=["notifications"])


class NotificationPublic(SQLModel):
    id: int
    kind: str
    data: dict[str, Any] | None
    created_at: datetime
    read_at: datetime | None


class MarkRead(SQLModel):
    ids: list[RowId] = Field(min_length=1, max_length=500)


@router.get("/notifications", response_model=list[NotificationPublic])
def list_notifications(session: SessionDep, user: CurrentUser, unread: bool = False) -> list[Any]:
    """The newest notifications for the signed-in user."""
    return notifications_service.list_for_user(session, user=user, unread_only=unread)


@router.post("/notifications/read")
def mark_read(session: SessionDep, user: CurrentUser, data: MarkRead) -> dict[str, int]:
    """Mark some of the user's notifications read."""
    changed = notifications_service.mark_read(session, user=user, ids=data.ids)
    session.commit()
    return {"marked": changed}
