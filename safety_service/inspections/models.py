"""Inspection plans (排查计划) and rounds (排查记录), including the rounds that found nothing.

A plan says who inspects which risk points how often; the schedule makes one round per risk point
and window (a month, a 旬 of ten days, a week, a shift); a round not done in its window is missed.
"""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Column, Index, Integer, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from safety_service.clock import utc_now
from safety_service.database import UTCDateTime
from safety_service.inspections.states import Frequency, RoundState


class InspectionPlan(SQLModel, table=True):
    """Who inspects (an account, and the post they inspect as) which risk points, how often."""

    __tablename__ = "inspection_plan"
    __table_args__ = (
        CheckConstraint("frequency IN ('monthly','dekad','weekly','shift')", name="frequency"),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=128)
    inspector_id: int = Field(foreign_key="user_account.id", index=True)
    post: str = Field(max_length=64, description="矿长, 分管负责人, 区队长, 班组长…")
    leader_round: bool = False
    frequency: Frequency = Field(sa_type=String(16))
    starts_on: date
    active: bool = True
    created_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utc_now, sa_column=Column(UTCDateTime, nullable=False))


class PlanPoint(SQLModel, table=True):
    """A risk point a plan covers; its checklist is drawn from the point's controls."""

    __tablename__ = "inspection_plan_point"

    plan_id: int = Field(foreign_key="inspection_plan.id", primary_key=True)
    risk_point_id: int = Field(foreign_key="risk_point.id", primary_key=True, index=True)


class InspectionRound(SQLModel, table=True):
    """One due round: a plan's risk point in one window; done (with its items) or missed."""

    __tablename__ = "inspection_round"
    __table_args__ = (
        UniqueConstraint("plan_id", "risk_point_id", "window_start"),
        CheckConstraint("state IN ('due','done','missed')", name="state"),
        Index("ix_inspection_round_window", "window_start", "window_end"),
    )

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="inspection_plan.id", index=True)
    risk_point_id: int = Field(foreign_key="risk_point.id", index=True)
    inspector_id: int = Field(foreign_key="user_account.id", index=True)
    window_start: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    window_end: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    state: RoundState = Field(default=RoundState.due, sa_type=String(16))
    done_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    location_id: int | None = Field(default=None, foreign_key="location.id")
    client_round_id: str | None = Field(default=None, max_length=64, unique=True)
    checked_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    recorded_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    note: str | None = Field(default=None, sa_column=Column(Text))
    missed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    # The missed-round ladder: 1 inspector, 2 unit leader and officers, 3 chief; each step taken once.
    escalation_level: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    escalated_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))


class RoundItem(SQLModel, table=True):
    """One checklist item of a done round: the control checked, OK or not, and the hazard it raised."""

    __tablename__ = "inspection_round_item"
    __table_args__ = (UniqueConstraint("round_id", "control_id"),)

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="inspection_round.id", index=True)
    control_id: int = Field(foreign_key="risk_control.id", index=True)
    ok: bool
    note: str | None = Field(default=None, sa_column=Column(Text))
    hazard_id: int | None = Field(default=None, foreign_key="hazard.id")
