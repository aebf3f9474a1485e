"""Channels as admins configure them: add, list, disable, send a test message."""

from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import ValidationInfo, field_validator
from sqlmodel import Field, Session, SQLModel, col, select

from safety_service.config import Settings
from safety_service.database import saved_id
from safety_service.errors import AlreadyExists, DomainError, InvalidInput, NotFound
from safety_service.notifications import channels, messages, outbox, sealing
from safety_service.notifications.models import Attempt, Channel, ChannelKind
from safety_service.validation import Line, ModelConfig, broken_rules

EVENTS = ("urgent", "urgent_unacknowledged", "urgent_acknowledged", "reported", "major_listed", "assigned",
          "awaiting_verification", "verification_failed", "closed", "overdue", "deadline_warning", "step_overdue",
          "daily_digest", "ten_day_summary", "self_check_due", "self_checked")


class ChannelCreate(SQLModel):
    """A new channel: kind, where to send (URL, or smtp://… for email), optional signing secret, filters."""

    model_config = ModelConfig(json_schema_extra={"examples": [{
        "name": "调度室企业微信群",
        "kind": "wecom",
        "target": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7b1c-4f0e-9c55-2d8e1a4b3f2e",
        "events": ["urgent", "major_listed", "overdue"],
        "areas": ["north", "south"],
        "grades": ["major"],
    }]})

    name: Line = Field(min_length=1, max_length=64)
    kind: ChannelKind
    target: str = Field(min_length=8, max_length=2000)
    secret: str | None = Field(default=None, max_length=500)
    events: list[Literal[EVENTS]] = Field(default_factory=list, max_length=len(EVENTS))  # type: ignore[valid-type]
    areas: list[str] = Field(default_factory=list, max_length=200)
    grades: list[Literal["general", "major"]] = Field(default_factory=list, max_length=2)

    @field_validator("secret")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None

    @field_validator("target")
    @classmethod
    def _target_fits_kind(cls, value: str, info: ValidationInfo) -> str:
        if info.data.get("kind") == ChannelKind.email:
            channels.smtp_target(value)  # a ValueError names what is missing
        elif urlsplit(value).scheme not in ("http", "https") or not urlsplit(value).hostname:
            raise ValueError("a robot or webhook channel's target is its http(s) URL")
        return value


class ChannelPublic(SQLModel):
    """A channel as shown back: never its URL's token or its secret in full."""

    model_config = ModelConfig(json_schema_extra={"examples": [{
        "id": 2,
        "name": "调度室企业微信群",
        "kind": "wecom",
        "target_hint": "https://qyapi.weixin.qq.com/…3f2e",
        "signed": False,
        "events": ["urgent", "major_listed", "overdue"],
        "areas": ["north", "south"],
        "grades": ["major"],
        "enabled": True,
    }]})

    id: int
    name: str
    kind: ChannelKind
    target_hint: str
    signed: bool
    events: list[str]
    areas: list[str]
    grades: list[str]
    enabled: bool


def public(channel: Channel) -> ChannelPublic:
    return ChannelPublic(id=saved_id(channel), name=channel.name, kind=channel.kind, target_hint=channel.target_hint,
                         signed=channel.secret is not None, events=channel.events, areas=channel.areas,
                         grades=channel.grades, enabled=channel.enabled)


def input_problems(session: Session, *, values: dict[str, Any]) -> list[DomainError]:
    """The rule of a new channel the typed values break (its name taken), beside the form's other errors."""
    return broken_rules({"name": lambda name: _free_name(session, name)}, values)


def _free_name(session: Session, name: str) -> None:
    if session.exec(select(Channel).where(Channel.name == name)).first() is not None:
        raise AlreadyExists(f"a channel named {name!r} exists", field="name")


def add_channel(session: Session, *, data: ChannelCreate, settings: Settings) -> Channel:
    """Store a channel with its URL and secret sealed."""
    _free_name(session, data.name)
    channel = Channel(name=data.name, kind=data.kind, target=sealing.seal(settings.data_dir, data.target),
                      target_hint=sealing.mask(data.target),
                      secret=sealing.seal(settings.data_dir, data.secret) if data.secret else None,
                      events=list(data.events), areas=list(data.areas), grades=list(data.grades))
    session.add(channel)
    session.flush()
    return channel


def list_channels(session: Session) -> list[Channel]:
    """Every channel, by name."""
    return list(session.exec(select(Channel).order_by(col(Channel.name))).all())


def get_channel(session: Session, *, name_or_id: str | int) -> Channel:
    """The channel by id or name; NotFound otherwise."""
    query = select(Channel).where(Channel.id == name_or_id if isinstance(name_or_id, int)
                                  else Channel.name == name_or_id)
    channel = session.exec(query).first()
    if channel is None:
        raise NotFound(f"no channel {name_or_id!r}", field="channel")
    return channel


def set_enabled(session: Session, *, channel: Channel, enabled: bool) -> Channel:
    """Turn a channel on or off (off: its waiting deliveries fail at their next attempt)."""
    channel.enabled = enabled
    session.add(channel)
    session.flush()
    return channel


def send_test(session: Session, *, channel: Channel, settings: Settings, to: str | None = None) -> Attempt:
    """Send a test message over the channel now and record the attempt (its outcome says what went wrong)."""
    if channel.kind == ChannelKind.email and not to:
        raise InvalidInput("a test email needs an address to go to", field="to")
    message = messages.render([{"kind": "test"}], kind="test", urgent=False, base_url=settings.base_url)
    outcome = outbox.send(channel, message, settings=settings, to=to, delivery="test")
    attempt = Attempt(channel_id=saved_id(channel), ok=outcome.ok, status=outcome.status, detail=outcome.detail or None,
                      deliveries=0)
    session.add(attempt)
    session.flush()
    return attempt
