"""The hazard register (隐患台账) and the append-only history of each hazard."""

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Column, Index, Integer, Numeric, String, Text
from sqlmodel import Field, SQLModel

from safety_service.clock import utc_now
from safety_service.database import UTCDateTime
from safety_service.hazards.states import Grade, HazardState


def _at(nullable: bool = True, **kwargs: Any) -> Any:
    return Field(sa_column=Column(UTCDateTime, nullable=nullable, **kwargs), default=None)


# Optimistic locking: two officers acting on one hazard at once cannot both win.
_version_column = Column("version", Integer, nullable=False)


class Hazard(SQLModel, table=True):
    """One reported hazard and where it stands in the closed loop."""

    __tablename__ = "hazard"
    __table_args__ = (
        CheckConstraint(
            "state IN ('reported','confirmed','rectifying','awaiting_verification','closed','rejected')",
            name="state",
        ),
        CheckConstraint("grade IS NULL OR grade IN ('general','major')", name="grade"),
        CheckConstraint("source IN ('qr','kiosk','console','inspection')", name="source"),
        Index("ix_hazard_location_open_reported", "location_id", "is_open", "reported_at"),
        Index("ix_hazard_state_reported", "state", "reported_at"),
        Index("ix_hazard_open_deadline", "is_open", "deadline"),
        Index("ix_hazard_owner_open_deadline", "owner_id", "is_open", "deadline"),
        Index("ix_hazard_reporter_reported", "reporter_employee_no", "reported_at"),
        Index("ix_hazard_reported_at", "reported_at"),
        Index("ix_hazard_open_reported", "is_open", "reported_at"),
        Index("ix_hazard_grade_open_reported", "grade", "is_open", "reported_at"),
        Index("ix_hazard_category_reported", "category_id", "reported_at"),
        Index("ix_hazard_source_reported", "source", "reported_at"),
    )
    __mapper_args__ = {"version_id_col": _version_column}

    id: int | None = Field(default=None, primary_key=True)
    ref: str = Field(max_length=20, unique=True)
    tracking_code: str = Field(max_length=16, unique=True)
    client_report_id: str | None = Field(default=None, max_length=128, unique=True)
    site_id: int = Field(foreign_key="site.id")
    location_id: int = Field(foreign_key="location.id")
    category_id: int | None = Field(default=None, foreign_key="category.id")
    description: str = Field(sa_column=Column(Text, nullable=False))
    source: str = Field(sa_type=String(16))
    reporter_person_id: int | None = Field(default=None, foreign_key="person.id")
    reporter_name: str | None = Field(default=None, max_length=64)
    reporter_employee_no: str | None = Field(default=None, max_length=32)
    recorded_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    kiosk_id: int | None = Field(default=None, foreign_key="kiosk.id")
    state: HazardState = Field(default=HazardState.reported, sa_type=String(32))
    is_open: bool = True
    grade: Grade | None = Field(default=None, sa_type=String(16))
    reported_at: datetime = Field(default_factory=utc_now, sa_column=Column(UTCDateTime, nullable=False))
    updated_at: datetime = Field(default_factory=utc_now, sa_column=Column(UTCDateTime, nullable=False))
    confirmed_at: datetime | None = _at()
    closed_at: datetime | None = _at()
    rejection_reason: str | None = Field(default=None, sa_column=Column(Text))
    duplicate_of_id: int | None = Field(default=None, foreign_key="hazard.id")
    owner_id: int | None = Field(default=None, foreign_key="user_account.id")
    measures: str | None = Field(default=None, sa_column=Column(Text))
    funds: Decimal | None = Field(default=None, sa_column=Column(Numeric(14, 2)))
    deadline: datetime | None = _at()
    contingency_plan: str | None = Field(default=None, sa_column=Column(Text))
    assigned_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    rectification_note: str | None = Field(default=None, sa_column=Column(Text))
    rectified_at: datetime | None = _at()
    verification_note: str | None = Field(default=None, sa_column=Column(Text))
    verified_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    overdue_since: datetime | None = _at()
    escalation_level: int = 0
    search_text: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    version: int | None = Field(default=None, sa_column=_version_column)


class HazardEvent(SQLModel, table=True):
    """One entry of a hazard's history; rows are only ever added."""

    __tablename__ = "hazard_event"
    __table_args__ = (Index("ix_hazard_event_hazard_at", "hazard_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    hazard_id: int = Field(foreign_key="hazard.id")
    at: datetime = Field(default_factory=utc_now, sa_column=Column(UTCDateTime, nullable=False))
    actor_id: int | None = Field(default=None, foreign_key="user_account.id")
    action: str = Field(max_length=32)
    from_state: str | None = Field(default=None, max_length=32)
    to_state: str | None = Field(default=None, max_length=32)
    note: str | None = Field(default=None, sa_column=Column(Text))
    data: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))


class RefCounter(SQLModel, table=True):
    """The last hazard number given out in each year, for references like YH-2026-000123."""

    __tablename__ = "ref_counter"

    year: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    value: int = 0
