"""The reward ledger (隐患举报奖励): append-only entries; a balance is always a sum, never stored."""

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import CheckConstraint, Column, Index, Numeric, String, Text, UniqueConstraint, false
from sqlmodel import Field, SQLModel

from safety_service.clock import utc_now
from safety_service.database import UTCDateTime
from safety_service.hazards.states import Grade, ReportType


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


class AwardState(StrEnum):
    """A cash award's way (安委〔2024〕7号): the safety office proposes, the chief or the union decides, then it is paid."""

    proposed = "proposed"
    approved = "approved"
    refused = "refused"
    paid = "paid"


class PayMethod(StrEnum):
    cash = "cash"  # 现金
    transfer = "transfer"  # 银行转账
    wages = "wages"  # 随工资发放
    goods = "goods"  # 实物


class RewardScale(SQLModel, table=True):
    """The money a confirmed report earns by grade and report type (奖励标准); admins keep it."""

    __tablename__ = "reward_scale"
    __table_args__ = (
        CheckConstraint("grade IN ('general','major')", name="grade"),
        CheckConstraint("report_type IN ('unsafe_act','unsafe_condition','environment','management')",
                        name="report_type"),
        CheckConstraint("amount >= 0", name="amount"),
        UniqueConstraint("grade", "report_type"),
    )

    id: int | None = Field(default=None, primary_key=True)
    grade: Grade = Field(sa_type=String(16))
    report_type: ReportType = Field(sa_type=String(32))
    amount: Decimal = Field(sa_column=Column(Numeric(10, 2), nullable=False))
    updated_at: datetime = Field(default_factory=utc_now, sa_column=Column(UTCDateTime, nullable=False))
    updated_by_id: int | None = Field(default=None, foreign_key="user_account.id")


class RewardAward(SQLModel, table=True):
    """The cash award of one report (one per hazard: the first valid report is the one rewarded).

    Its state is written only by ``rewards.awards._move``; ``shown_name`` is the worker's consent to show
    their name on the public list, never honoured for an anonymous report.
    """

    __tablename__ = "reward_award"
    __table_args__ = (
        CheckConstraint("state IN ('proposed','approved','refused','paid')", name="state"),
        CheckConstraint("amount > 0", name="amount"),
        CheckConstraint("pay_method IS NULL OR pay_method IN ('cash','transfer','wages','goods')", name="pay_method"),
        Index("ix_reward_award_state_proposed", "state", "proposed_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    hazard_id: int = Field(foreign_key="hazard.id", unique=True)
    grade: Grade = Field(sa_type=String(16))
    report_type: ReportType = Field(sa_type=String(32))
    amount: Decimal = Field(sa_column=Column(Numeric(10, 2), nullable=False))
    state: AwardState = Field(default=AwardState.proposed, sa_type=String(16))
    proposed_by_id: int = Field(foreign_key="user_account.id")
    proposed_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    proposal_note: str | None = Field(default=None, sa_column=Column(Text))
    decided_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    decided_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    decision_reason: str | None = Field(default=None, sa_column=Column(Text))
    paid_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    paid_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    pay_method: PayMethod | None = Field(default=None, sa_type=String(16))
    paid_to: str | None = Field(default=None, max_length=32)  # the employee number, None when paid to the code
    pay_note: str | None = Field(default=None, sa_column=Column(Text))
    shown_name: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
