"""The MQTT outbox (messages written with the change they tell of, published after commit)
and the dead letters (kiosk messages that could not be applied, with the reason)."""

from datetime import datetime
from uuid import uuid4

from sqlalchemy import Column, Index, Text
from sqlmodel import Field, SQLModel

from safety_service.clock import utc_now
from safety_service.database import UTCDateTime


class OutboxMessage(SQLModel, table=True):
    """A message to publish; ``published_at`` is set once the broker has taken it."""

    __tablename__ = "mqtt_outbox"
    __table_args__ = (Index("ix_mqtt_outbox_pending", "published_at", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    # Made by the writer, so a batch of rows is inserted in one statement and tracked without ids.
    key: str = Field(default_factory=lambda: uuid4().hex, max_length=32, unique=True)
    topic: str = Field(max_length=255)
    payload: str = Field(sa_column=Column(Text, nullable=False))
    qos: int = 1
    retain: bool = False
    created_at: datetime = Field(default_factory=utc_now, sa_column=Column(UTCDateTime, nullable=False))
    published_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))


class DeadLetter(SQLModel, table=True):
    """A kiosk message the intake could not apply, kept with the reason."""

    __tablename__ = "mqtt_dead_letter"

    id: int | None = Field(default=None, primary_key=True)
    topic: str = Field(max_length=255)
    payload: str = Field(sa_column=Column(Text, nullable=False))
    reason: str = Field(sa_column=Column(Text, nullable=False))
    kiosk_id: str | None = Field(default=None, max_length=64, index=True)
    received_at: datetime = Field(default_factory=utc_now, sa_column=Column(UTCDateTime, nullable=False))
