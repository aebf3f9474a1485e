"""The reporter's feedback loop: notices sent to kiosks, and breaches of a step's time limit."""

from datetime import datetime

from sqlalchemy import Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from safety_service.clock import utc_now
from safety_service.database import UTCDateTime


class KioskNoticeRecord(SQLModel, table=True):
    """A notice sent to a kiosk; its id is the ``notice_id`` the kiosk keeps it by."""

    __tablename__ = "kiosk_notice"

    id: int | None = Field(default=None, primary_key=True)
    kiosk_id: int = Field(foreign_key="kiosk.id", index=True)
    hazard_id: int | None = Field(default=None, foreign_key="hazard.id", index=True)
    kind: str = Field(max_length=32)
    created_at: datetime = Field(default_factory=utc_now, sa_column=Column(UTCDateTime, nullable=False))


class StepBreach(SQLModel, table=True):
    """A step (triage, verification) that ran past its time limit; one row per breach."""

    __tablename__ = "step_breach"
    __table_args__ = (UniqueConstraint("hazard_id", "step", "started_at"),)

    id: int | None = Field(default=None, primary_key=True)
    hazard_id: int = Field(foreign_key="hazard.id", index=True)
    step: str = Field(max_length=32)
    started_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    due_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    recorded_at: datetime = Field(default_factory=utc_now, sa_column=Column(UTCDateTime, nullable=False))
