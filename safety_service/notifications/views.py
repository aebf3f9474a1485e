"""The signed-in user's notifications and preferences; the admins' channels."""

from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter
from sqlmodel import Field, SQLModel

from safety_service.api.answers import answers
from safety_service.api.deps import AdminUser, CurrentUser, PathId, SessionDep, SettingsDep
from safety_service.database import saved_id
from safety_service.notifications import configure, outbox, preferences
from safety_service.notifications import service as notifications_service
from safety_service.notifications.configure import ChannelCreate, ChannelPublic
from safety_service.validation import ModelConfig, RowId

router = APIRouter(tags=["notifications"])


class NotificationPublic(SQLModel):
    model_config = ModelConfig(json_schema_extra={"examples": [{"id": 62, "kind": "assigned",
        "data": {"ref": "YH-2026-000047", "by": "officer1"}, "created_at": "2026-12-03T07:53:53Z", "read_at": None}]})

    id: int
    kind: str
    hazard_id: int | None = None
    data: dict[str, Any] | None
    created_at: datetime
    read_at: datetime | None


class MarkRead(SQLModel):
    model_config = ModelConfig(json_schema_extra={"examples": [{"ids": [12, 13]}]})

    ids: list[RowId] = Field(min_length=1, max_length=500)


class AttemptPublic(SQLModel):
    model_config = ModelConfig(json_schema_extra={"examples": [{
        "at": "2026-03-12T08:20:05Z",
        "ok": True,
        "status": 200,
        "detail": None,
    }, {
        "at": "2026-03-12T08:19:35Z",
        "ok": False,
        "status": 502,
        "detail": "HTTP 502",
    }]})

    at: datetime
    ok: bool
    status: int | None
    detail: str | None


class TestMessage(SQLModel):
    model_config = ModelConfig(json_schema_extra={"examples": [{"to": "liuyang@tianchen-mine.example.cn"}]})

    to: str | None = Field(default=None, max_length=254, description="an address, for an email channel")


class PreferenceSet(SQLModel):
    model_config = ModelConfig(json_schema_extra={"examples": [{
        "channel": "email",
        "event": "daily_digest",
        "enabled": True,
    }]})

    channel: Literal["inbox", "email"]
    event: Literal[configure.EVENTS]  # type: ignore[valid-type]
    enabled: bool


@router.get("/notifications", response_model=list[NotificationPublic])
def list_notifications(session: SessionDep, user: CurrentUser, unread: bool = False) -> list[Any]:
    """The newest notifications for the signed-in user."""
    return notifications_service.list_for_user(session, user=user, unread_only=unread)


@router.get("/notifications/unread")
def unread(session: SessionDep, user: CurrentUser) -> dict[str, int]:
    """How many of the user's notifications are unread (the console's bell)."""
    return {"unread": notifications_service.unread_count(session, user=user)}


@router.post("/notifications/read")
def mark_read(session: SessionDep, user: CurrentUser, data: MarkRead) -> dict[str, int]:
    """Mark some of the user's notifications read."""
    changed = notifications_service.mark_read(session, user=user, ids=data.ids)
    session.commit()
    return {"marked": changed}


@router.post("/notifications/read-all")
def mark_all_read(session: SessionDep, user: CurrentUser) -> dict[str, int]:
    """Mark every one of the user's notifications read."""
    changed = notifications_service.mark_read(session, user=user, ids=None)
    session.commit()
    return {"marked": changed}


@router.get("/notifications/preferences")
def read_preferences(session: SessionDep, user: CurrentUser) -> list[dict[str, Any]]:
    """Which channel and event pairs the user turned off (everything else reaches them)."""
    return preferences.muted(session, user=user)


@router.put("/notifications/preferences")
def set_preference(session: SessionDep, user: CurrentUser, data: PreferenceSet) -> list[dict[str, Any]]:
    """Turn one channel off or on for one event (urgent events stay on for dispatchers and chiefs)."""
    preferences.set_preference(session, user=user, channel=data.channel, event=data.event, enabled=data.enabled)
    session.commit()
    return preferences.muted(session, user=user)


@router.get("/notify/channels", response_model=list[ChannelPublic])
def list_channels(session: SessionDep, _: AdminUser) -> list[ChannelPublic]:
    """Every outgoing channel, its URL masked and its secret never shown."""
    return [configure.public(c) for c in configure.list_channels(session)]


@router.post("/notify/channels", response_model=ChannelPublic, status_code=201, responses=answers(409))
def add_channel(session: SessionDep, settings: SettingsDep, _: AdminUser, data: ChannelCreate) -> ChannelPublic:
    """Add a channel: WeCom, DingTalk, Feishu, a signed webhook, or email."""
    channel = configure.add_channel(session, data=data, settings=settings)
    session.commit()
    return configure.public(channel)


@router.post("/notify/channels/{channel_id}/test", response_model=AttemptPublic)
def send_test(session: SessionDep, settings: SettingsDep, _: AdminUser, channel_id: PathId,
              data: TestMessage) -> Any:
    """Send a test message over the channel now; the answer says whether it arrived, and if not, why."""
    channel = configure.get_channel(session, name_or_id=channel_id)
    attempt = configure.send_test(session, channel=channel, settings=settings, to=data.to)
    session.commit()
    return attempt


@router.get("/notify/channels/{channel_id}/attempts", response_model=list[AttemptPublic])
def attempts(session: SessionDep, _: AdminUser, channel_id: PathId) -> list[Any]:
    """The channel's newest sends and their outcomes."""
    return outbox.recent_attempts(session, channel_id=saved_id(configure.get_channel(session, name_or_id=channel_id)))


@router.post("/notify/channels/{channel_id}/{change}", response_model=ChannelPublic)
def change_channel(session: SessionDep, _: AdminUser, channel_id: PathId,
                   change: Literal["enable", "disable"]) -> ChannelPublic:
    """Turn a channel on or off."""
    channel = configure.get_channel(session, name_or_id=channel_id)
    configure.set_enabled(session, channel=channel, enabled=change == "enable")
    session.commit()
    return configure.public(channel)
