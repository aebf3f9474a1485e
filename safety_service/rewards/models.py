"""The reward ledger (隐患举报奖励): append-only entries; a balance is always a sum, never stored."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Column, Index, String, Text
from sqlmodel import Field, SQLModel

from safety_service.clock import utc_now
from safety_service.database import UTCDateTime


class EntryKind(StrEnum):
    award = "award"
    bonus = "bonus"
    reversal = "reversal"
    claim = "claim"
    payout = "payout"


class RewardEntry(SQLModel, table=True):
    """One ledger line; ``employee_no`` is empty for an anonymous reporter's award until it is claimed.

    ``unique_key`` (award:H, bonus:H, reversal:H, claim:H) makes a second award, reversal or
    claim for the same report impossible; payouts have none.
    """

    __tablename__ = "reward_entry"
    __table_args__ = (
        CheckConstraint("kind IN ('award','bonus','reversal','claim','payout')", name="kind"),
        Index("ix_reward_entry_employee", "employee_no", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: EntryKind = Field(sa_type=String(16))
    points: int
    employee_no: str | None = Field(default=None, max_length=32)
    hazard_id: int | None = Field(default=None, foreign_key="hazard.id", index=True)
    unique_key: str | None = Field(default=None, max_length=64, unique=True)
    reason: str | None = Field(default=None, sa_column=Column(Text))
    actor_id: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utc_now, sa_column=Column(UTCDateTime, nullable=False))
