"""The reporter's feedback loop: notices sent to kiosks, and breaches of a step's time limit."""

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, Index, UniqueConstraint
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
    # An area escalation notice: the hazards it named, shared by the kiosks of the place that got it.
    area_notice_id: int | None = Field(default=None, foreign_key="area_notice.id", index=True)


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


class AreaNotice(SQLModel, table=True):
    """The hazards one escalation sweep told the kiosks of one place about, recorded once for all of them
    (each kiosk's ``kiosk_notice`` points here)."""

    __tablename__ = "area_notice"

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utc_now, sa_column=Column(UTCDateTime, nullable=False))


class AreaNoticeHazard(SQLModel, table=True):
    """A hazard an area notice named, at the escalation level it had reached then."""

    __tablename__ = "area_notice_hazard"

    area_notice_id: int = Field(foreign_key="area_notice.id", primary_key=True)
    hazard_id: int = Field(foreign_key="hazard.id", primary_key=True, index=True)
    level: int


class HazardRating(SQLModel, table=True):
    """The reporter's one-tap rating of how their closed report was handled (满意度); one per hazard.

    It names nobody: whoever holds the tracking code (or stands at the kiosk it came from) rates, so an
    anonymous report stays anonymous. ``changed_at`` is the last change, allowed for a few days.
    """

    __tablename__ = "hazard_rating"
    __table_args__ = (
        CheckConstraint("rating IN ('satisfied','basic','dissatisfied')", name="rating"),
        CheckConstraint("channel IN ('web','kiosk')", name="channel"),
        Index("ix_hazard_rating_rated_at", "rated_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    hazard_id: int = Field(foreign_key="hazard.id", unique=True)
    rating: str = Field(max_length=16)
    channel: str = Field(max_length=16)
    rated_at: datetime = Field(default_factory=utc_now, sa_column=Column(UTCDateTime, nullable=False))
    changed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
