"""Inputs and outputs of the reward ledger API."""

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator
from sqlmodel import Field, SQLModel

from safety_service.rewards.models import EntryKind
from safety_service.validation import Text, strip_blank

EmployeeNo = Annotated[str, AfterValidator(strip_blank), Field(min_length=1, max_length=32)]
TrackingCode = Annotated[str, Field(min_length=4, max_length=64)]


class RewardReverse(SQLModel):
    reason: Text = Field(min_length=1, max_length=2000)


class RewardPayout(SQLModel):
    employee_no: EmployeeNo
    points: int = Field(gt=0, le=1_000_000)
    reason: Text = Field(min_length=1, max_length=2000, description="what was paid: cash, goods, the voucher number")


class RewardClaim(SQLModel):
    """An anonymous reporter's claim: the report's tracking code and their employee number."""

    tracking_code: TrackingCode
    employee_no: EmployeeNo


class BalanceRequest(SQLModel):
    """A worker's own balance, proved by the tracking code of at least one of their reports."""

    employee_no: EmployeeNo
    tracking_codes: list[TrackingCode] = Field(min_length=1, max_length=20)


class RewardEntryPublic(SQLModel):
    id: int
    kind: EntryKind
    points: int
    employee_no: str | None
    hazard_ref: str | None
    reason: str | None
    created_at: datetime


class RewardLedgerPublic(SQLModel):
    data: list[RewardEntryPublic]
    count: int


class RewardBalancePublic(SQLModel):
    employee_no: str
    balance: int
    entries: list[RewardEntryPublic]
