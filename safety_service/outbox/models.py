"""The outbox: messages to kiosks written with the change they tell of, in the same transaction,
and published by the MQTT client after commit (table ``mqtt_outbox``)."""

from datetime import datetime
from uuid import uuid4

from sqlalchemy import Column, Index, Text
from sqlmodel import Field, SQLModel

from safety_service.clock import utc_now
from safety_service.database import UTCDateTime


class OutboxMessage(SQLModel, table=True):
    """A message to publish; ``published_at`` is set once the broker has taken it."""

    __tablename__ = "mqtt_outbox"
    __table_args__ = (Index("ix_mqtt_outbox_pending", "published_at", "id"),
                      Index("ix_mqtt_outbox_topic_id", "topic", "id"))

    id: int | None = Field(default=None, primary_key=True)
    # Made by the writer, so a batch of rows is inserted in one statement and tracked without ids.
    key: str = Field(default_factory=lambda: uuid4().hex, max_length=32, unique=True)
    topic: str = Field(max_length=255)
    payload: str = Field(sa_column=Column(Text, nullable=False))
    qos: int = 1
    retain: bool = False
    created_at: datetime = Field(default_factory=utc_now, sa_column=Column(UTCDateTime, nullable=False))
    published_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))

