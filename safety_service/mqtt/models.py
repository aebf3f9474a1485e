"""The dead letters: kiosk messages the intake could not apply, kept with the reason."""

from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from safety_service.clock import utc_now
from safety_service.database import UTCDateTime


class DeadLetter(SQLModel, table=True):
    """A kiosk message the intake could not apply, kept with the reason."""

    __tablename__ = "mqtt_dead_letter"

    id: int | None = Field(default=None, primary_key=True)
    topic: str = Field(max_length=255)
    payload: str = Field(sa_column=Column(Text, nullable=False))
    reason: str = Field(sa_column=Column(Text, nullable=False))
    kiosk_id: str | None = Field(default=None, max_length=64, index=True)
    received_at: datetime = Field(default_factory=utc_now, sa_column=Column(UTCDateTime, nullable=False))
