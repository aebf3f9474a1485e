"""Notifications to people: the console inbox, the channels that carry them out, and the delivery outbox."""

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Column, Index, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from safety_service.clock import utc_now
from safety_service.database import UTCDateTime


class Notification(SQLModel, table=True):
    """A message to one user about one hazard; ``kind`` names the catalogue message."""

    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_user_unread", "user_id", "read_at", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id")
    hazard_id: int | None = Field(default=None, foreign_key="hazard.id", index=True)
    kind: str = Field(max_length=32)
    data: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    created_at: datetime = Field(default_factory=utc_now, sa_column=Column(UTCDateTime, nullable=False))
    read_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))


class ChannelKind(StrEnum):
    wecom = "wecom"  # 企业微信群机器人
    dingtalk = "dingtalk"  # 钉钉自定义机器人
    feishu = "feishu"  # 飞书自定义机器人
    webhook = "webhook"  # generic JSON, HMAC-SHA256 signed
    email = "email"  # SMTP, to the recipients' own addresses


GROUP_KINDS = frozenset({ChannelKind.wecom, ChannelKind.dingtalk, ChannelKind.feishu, ChannelKind.webhook})


class Channel(SQLModel, table=True):
    """An outgoing channel an admin configured: where to send, and which events, areas and grades it takes.

    ``secret`` is encrypted with the key in SAFETY_DATA_DIR (``notifications/secrets.py``); so is
    ``target``, which for the robots holds the access token in its query string.
    """

    __tablename__ = "notify_channel"
    __table_args__ = (
        CheckConstraint("kind IN ('wecom','dingtalk','feishu','webhook','email')", name="kind"),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=64, unique=True)
    kind: ChannelKind = Field(sa_type=String(16))
    target: str = Field(sa_column=Column(Text, nullable=False))  # encrypted URL, or smtp://… for email
    target_hint: str = Field(max_length=120)  # what may be shown back: scheme, host and a masked tail
    secret: str | None = Field(default=None, sa_column=Column(Text))  # encrypted signing secret
    events: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))  # empty: every event
    areas: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))  # area codes; empty: all
    grades: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))  # empty: all
    enabled: bool = True
    created_at: datetime = Field(default_factory=utc_now, sa_column=Column(UTCDateTime, nullable=False))


class Delivery(SQLModel, table=True):
    """One message waiting for, or past, delivery over one channel (to one person for email).

    Written in the transaction of the change it tells of; a worker claims due rows (``claimed_until``
    is its lease), sends them after that commit and records each attempt.
    """

    __tablename__ = "notify_delivery"
    __table_args__ = (
        Index("ix_notify_delivery_due", "state", "next_attempt_at"),
        CheckConstraint("state IN ('pending','sent','failed')", name="state"),
    )

    id: int | None = Field(default=None, primary_key=True)
    channel_id: int = Field(foreign_key="notify_channel.id", index=True)
    user_id: int | None = Field(default=None, foreign_key="user_account.id")
    hazard_id: int | None = Field(default=None, foreign_key="hazard.id")
    kind: str = Field(max_length=32)
    urgent: bool = False
    data: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    state: str = Field(default="pending", max_length=16)
    attempts: int = 0
    created_at: datetime = Field(default_factory=utc_now, sa_column=Column(UTCDateTime, nullable=False))
    next_attempt_at: datetime = Field(default_factory=utc_now, sa_column=Column(UTCDateTime, nullable=False))
    claimed_until: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    claim: str | None = Field(default=None, max_length=32)
    sent_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    attempt_id: int | None = Field(default=None, foreign_key="notify_attempt.id")


class Attempt(SQLModel, table=True):
    """One send over a channel (one message, possibly a digest of several deliveries) and its outcome."""

    __tablename__ = "notify_attempt"

    id: int | None = Field(default=None, primary_key=True)
    channel_id: int = Field(foreign_key="notify_channel.id", index=True)
    at: datetime = Field(default_factory=utc_now, sa_column=Column(UTCDateTime, nullable=False))
    deliveries: int = 1
    ok: bool = False
    status: int | None = None
    detail: str | None = Field(default=None, max_length=500)


class Preference(SQLModel, table=True):
    """A person's choice to leave out one channel kind (``inbox`` too) for one event kind."""

    __tablename__ = "notify_preference"
    __table_args__ = (UniqueConstraint("user_id", "channel", "event", name="uq_notify_preference"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    channel: str = Field(max_length=16)
    event: str = Field(max_length=32)
    enabled: bool = False


class DigestRun(SQLModel, table=True):
    """The day (the mine's local date) a daily digest went out; its key makes it once a day."""

    __tablename__ = "notify_digest_run"

    day: date = Field(primary_key=True)
    at: datetime = Field(default_factory=utc_now, sa_column=Column(UTCDateTime, nullable=False))
