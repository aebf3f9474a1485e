"""Risk points (风险点), their identified risks with the rating, control measures and reviews.

安全风险分级管控: a risk point is a place or an activity tied to locations; each of its risks is
rated by a matrix (likelihood × severity) whose inputs are stored with the level, and controlled
by measures, each with the unit and person who answer for it.
"""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Column, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from safety_service.clock import utc_now
from safety_service.database import UTCDateTime
from safety_service.risks.rating import ControlKind, ReviewKind, RiskLevel


class RiskPoint(SQLModel, table=True):
    """A place or activity where risks are identified: a working face, a hoist, blasting."""

    __tablename__ = "risk_point"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True, index=True)
    name: str = Field(max_length=128)
    kind: str = Field(default="place", max_length=16)
    area_id: int | None = Field(default=None, foreign_key="area.id", index=True)
    level: RiskLevel = Field(default=RiskLevel.low, sa_type=String(16))
    active: bool = True
    map_x: int | None = None
    map_y: int | None = None
    created_at: datetime = Field(default_factory=utc_now, sa_column=Column(UTCDateTime, nullable=False))


class RiskPointLocation(SQLModel, table=True):
    """A location (with its QR code) where the risk point is."""

    __tablename__ = "risk_point_location"

    risk_point_id: int = Field(foreign_key="risk_point.id", primary_key=True)
    location_id: int = Field(foreign_key="location.id", primary_key=True, index=True)


class Risk(SQLModel, table=True):
    """One identified risk of a risk point, rated: the matrix inputs stay with the level they gave."""

    __tablename__ = "risk"
    __table_args__ = (
        CheckConstraint("level IN ('major','significant','general','low')", name="level"),
        CheckConstraint("likelihood BETWEEN 1 AND 5 AND severity BETWEEN 1 AND 5", name="matrix"),
    )

    id: int | None = Field(default=None, primary_key=True)
    risk_point_id: int = Field(foreign_key="risk_point.id", index=True)
    hazard_source: str = Field(sa_column=Column(Text, nullable=False))
    accident_type: str = Field(max_length=64)
    consequence: str = Field(default="", sa_column=Column(Text, nullable=False))
    method: str = Field(default="LS", max_length=16)
    likelihood: int
    severity: int
    score: int
    level: RiskLevel = Field(sa_type=String(16))
    rated_at: datetime = Field(default_factory=utc_now, sa_column=Column(UTCDateTime, nullable=False))


class Control(SQLModel, table=True):
    """A control measure of a risk and who answers for it (unit and person, plain names for now)."""

    __tablename__ = "risk_control"
    __table_args__ = (
        CheckConstraint("kind IN ('engineering','management','training','protection','emergency')", name="kind"),
    )

    id: int | None = Field(default=None, primary_key=True)
    risk_id: int = Field(foreign_key="risk.id", index=True)
    kind: ControlKind = Field(sa_type=String(16))
    measure: str = Field(sa_column=Column(Text, nullable=False))
    unit: str = Field(max_length=64)
    person: str = Field(max_length=64)


class RiskReview(SQLModel, table=True):
    """An identification (辨识评估): the annual one or a special one after a change, with who took part."""

    __tablename__ = "risk_review"
    __table_args__ = (
        CheckConstraint("kind IN ('annual','special')", name="kind"),
        UniqueConstraint("risk_point_id", "kind", "reviewed_on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    risk_point_id: int = Field(foreign_key="risk_point.id", index=True)
    kind: ReviewKind = Field(sa_type=String(16))
    reviewed_on: date
    reason: str = Field(default="", max_length=200)
    participants: str = Field(max_length=500)
    conclusion: str = Field(default="", sa_column=Column(Text, nullable=False))
    recorded_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utc_now, sa_column=Column(UTCDateTime, nullable=False))
