"""Inputs and outputs of the hazard register: one report model for every channel,
one input model per transition, and the public views."""

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import AwareDatetime, field_validator, model_validator
from sqlmodel import Field, SQLModel

from safety_service.hazards.states import Channel, Grade, HazardState
from safety_service.validation import Text


class HazardReport(SQLModel):
    """A hazard report as every channel gives it (QR page, kiosk, console, CLI)."""

    location_code: str = Field(min_length=1, max_length=32)
    category_code: str | None = Field(default=None, max_length=32)
    description: Text = Field(min_length=1, max_length=2000)
    source: Channel
    reporter_employee_no: str | None = Field(default=None, max_length=32)
    reporter_name: str | None = Field(default=None, max_length=64)
    client_report_id: str | None = Field(default=None, min_length=8, max_length=128, schema_extra={"pattern": r"^[A-Za-z0-9_.:-]+$"})
    kiosk: str | None = Field(default=None, max_length=64, description="the kiosk's device id, for kiosk reports")

    @field_validator("reporter_employee_no", "reporter_name", "category_code")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None


class HazardFinding(SQLModel):
    """An officer's or supervisor's own finding, through the API."""

    location_code: str = Field(min_length=1, max_length=32)
    category_code: str | None = Field(default=None, max_length=32)
    description: Text = Field(min_length=1, max_length=2000)
    source: Literal[Channel.console, Channel.inspection] = Channel.console
    client_report_id: str | None = Field(default=None, min_length=8, max_length=64, schema_extra={"pattern": r"^[A-Za-z0-9_.:-]+$"})


class HazardConfirm(SQLModel):
    grade: Grade
    category_code: str = Field(min_length=1, max_length=32)
    note: str | None = Field(default=None, max_length=2000)


class HazardReject(SQLModel):
    reason: Text = Field(min_length=1, max_length=2000)
    duplicate_of: str | None = Field(default=None, max_length=20, description="reference of the original hazard")


class HazardAssign(SQLModel):
    """The five fixes (五落实): owner, measures, funds, deadline, contingency plan."""

    owner: str = Field(min_length=1, max_length=64, description="username of the rectification owner")
    measures: Text = Field(min_length=1, max_length=4000)
    funds: Decimal = Field(ge=0, max_digits=14, decimal_places=2)
    deadline: AwareDatetime
    contingency_plan: Text = Field(min_length=1, max_length=4000)


class HazardRectified(SQLModel):
    note: Text = Field(min_length=1, max_length=4000)


class HazardVerify(SQLModel):
    passed: bool
    note: Text = Field(min_length=1, max_length=4000)
    new_deadline: AwareDatetime | None = Field(default=None, description="only when the fix failed")

    @model_validator(mode="after")
    def _deadline_only_on_failure(self) -> "HazardVerify":
        if self.passed and self.new_deadline is not None:
            raise ValueError("new_deadline is only for a failed verification")
        return self


class HazardEventPublic(SQLModel):
    at: datetime
    action: str
    from_state: str | None
    to_state: str | None
    actor: str | None
    note: str | None
    data: dict[str, Any] | None


class HazardSummary(SQLModel):
    """One row of a hazard list."""

    ref: str
    state: HazardState
    grade: Grade | None
    category: str | None
    location: str
    location_name: str
    source: Channel
    description: str
    reported_at: datetime
    deadline: datetime | None
    overdue: bool
    escalation_level: int
    owner: str | None


class HazardsPublic(SQLModel):
    data: list[HazardSummary]
    count: int = Field(description="matching hazards, capped at count_limit")
    count_capped: bool = Field(description="true when there are more than count_limit (show it as, say, 10,000+)")
    count_limit: int = Field(description="where the count stops: 10,000, or 1,000 for a free-text search")
    limit: int
    offset: int


class HazardPublic(SQLModel):
    """One hazard with everything about it and its whole history."""

    ref: str
    state: HazardState
    allowed_actions: list[str]
    grade: Grade | None
    category: str | None
    location: str
    location_name: str
    source: Channel
    description: str
    reporter_name: str | None
    reporter_employee_no: str | None
    anonymous: bool
    reported_at: datetime
    updated_at: datetime
    confirmed_at: datetime | None
    closed_at: datetime | None
    rejection_reason: str | None
    duplicate_of: str | None
    owner: str | None
    measures: str | None
    funds: Decimal | None
    deadline: datetime | None
    contingency_plan: str | None
    rectification_note: str | None
    rectified_at: datetime | None
    verification_note: str | None
    verified_by: str | None
    overdue: bool
    overdue_since: datetime | None
    escalation_level: int
    history: list[HazardEventPublic]


class HazardReceipt(SQLModel):
    """What a reporter gets back: the reference and their tracking code."""

    ref: str
    tracking_code: str
    state: HazardState
    created: bool = Field(description="false when this report id was already applied")


SORTS = ("-reported_at", "reported_at", "deadline", "-deadline", "-updated_at")
COUNT_LIMIT = 10_000
# A text search counts its matches only this far: on PostgreSQL each one counted is a row visited.
SEARCH_COUNT_LIMIT = 1_000


class HazardFilters(SQLModel):
    """The filters, sorting and paging of the hazard list."""

    state: list[HazardState] = Field(default_factory=list)
    open: bool | None = None
    grade: Grade | None = None
    category: str | None = Field(default=None, max_length=32, description="category code")
    location: str | None = Field(default=None, max_length=32, description="location code")
    area: str | None = Field(default=None, max_length=32, description="area code")
    source: Channel | None = None
    overdue: bool | None = None
    reporter: str | None = Field(default=None, max_length=32, description="reporter's employee number")
    owner: str | None = Field(default=None, max_length=64, description="rectification owner's username")
    q: str | None = Field(default=None, max_length=200, description="free text")
    reported_from: AwareDatetime | None = None
    reported_to: AwareDatetime | None = None
    sort: Literal[SORTS] | None = None  # type: ignore[valid-type]
    limit: int = Field(default=50, ge=1, le=200)
    offset: int = Field(default=0, ge=0, le=COUNT_LIMIT)
