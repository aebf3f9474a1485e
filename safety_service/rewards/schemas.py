"""Inputs and outputs of the reward ledger API."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator
from sqlmodel import Field, SQLModel

from safety_service.hazards.states import Grade, ReportType
from safety_service.rewards.models import AwardState, EntryKind, PayMethod
from safety_service.validation import ModelConfig, Text, strip_blank

EmployeeNo = Annotated[str, AfterValidator(strip_blank), Field(min_length=1, max_length=32)]
TrackingCode = Annotated[str, Field(min_length=4, max_length=64)]


class RewardReverse(SQLModel):
    model_config = ModelConfig(json_schema_extra={"examples": [{"reason": "复查发现隐患不属实"}]})

    reason: Text = Field(min_length=1, max_length=2000)


class RewardPayout(SQLModel):
    model_config = ModelConfig(json_schema_extra={"examples": [{
        "employee_no": "E000123",
        "points": 50,
        "reason": "三月兑换劳保用品",
    }]})

    employee_no: EmployeeNo
    points: int = Field(gt=0, le=1_000_000)
    reason: Text = Field(min_length=1, max_length=2000, description="what was paid: cash, goods, the voucher number")


class RewardClaim(SQLModel):
    """An anonymous reporter's claim: the report's tracking code and their employee number."""

    model_config = ModelConfig(json_schema_extra={"examples": [{
        "tracking_code": "K7QF-9M2D",
        "employee_no": "E000123",
    }]})

    tracking_code: TrackingCode
    employee_no: EmployeeNo


class BalanceRequest(SQLModel):
    """A worker's own balance, proved by the tracking code of at least one of their reports."""

    model_config = ModelConfig(json_schema_extra={"examples": [{
        "employee_no": "E000123",
        "tracking_codes": ["K7QF-9M2D"],
    }]})

    employee_no: EmployeeNo
    tracking_codes: list[TrackingCode] = Field(min_length=1, max_length=20)


class RewardEntryPublic(SQLModel):
    model_config = ModelConfig(json_schema_extra={"examples": [{"id": 12, "kind": "award", "points": 10,
        "employee_no": "1002", "hazard_ref": "YH-2026-000007", "reason": None,
        "created_at": "2026-11-19T16:53:52Z"}]})

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
    model_config = ModelConfig(json_schema_extra={"examples": [{"employee_no": "1002", "balance": 10,
        "entries": [{"id": 12, "kind": "award", "points": 10, "employee_no": "1002", "hazard_ref": "YH-2026-000007",
        "reason": None, "created_at": "2026-11-19T16:53:52Z"}]}]})

    employee_no: str
    balance: int
    entries: list[RewardEntryPublic]


Amount = Annotated[Decimal, Field(gt=0, le=1_000_000, max_digits=10, decimal_places=2)]


class ScaleEntry(SQLModel):
    """One amount of the reward scale (奖励标准), in yuan."""

    model_config = ModelConfig(json_schema_extra={"examples": [{
        "grade": "general", "report_type": "unsafe_act", "amount": "200.00"}]})

    grade: Grade
    report_type: ReportType
    amount: Decimal = Field(ge=0, le=1_000_000, max_digits=10, decimal_places=2)


class ScaleLine(SQLModel):
    """One amount of the reward scale as answered (the amount as text with two decimals: no float rounding)."""

    model_config = ModelConfig(json_schema_extra={"examples": [{
        "grade": "general", "report_type": "unsafe_act", "amount": "200.00"}]})

    grade: Grade
    report_type: ReportType
    amount: Decimal


class ScalePublic(SQLModel):
    model_config = ModelConfig(json_schema_extra={"examples": [{"data": [
        {"grade": "general", "report_type": "unsafe_act", "amount": "200.00"},
        {"grade": "major", "report_type": "unsafe_condition", "amount": "2000.00"}]}]})

    data: list[ScaleLine]


class AwardPropose(SQLModel):
    """The safety office's proposal: the scale's amount unless another is given with a note."""

    model_config = ModelConfig(json_schema_extra={"examples": [
        {"note": None},
        {"amount": "500.00", "report_type": "unsafe_act", "note": "及时制止违章指挥，避免人员伤亡，特别奖励"}]})

    amount: Amount | None = Field(default=None, description="yuan; default the scale's for the grade and report type")
    report_type: ReportType | None = Field(default=None, description="default the hazard's report type")
    note: Text | None = Field(default=None, max_length=2000)


class AwardDecide(SQLModel):
    """The chief's or the union's decision; a refusal needs its reason."""

    model_config = ModelConfig(json_schema_extra={"examples": [
        {"approved": True, "reason": None}, {"approved": False, "reason": "该隐患已由班组自查发现并登记"}]})

    approved: bool
    reason: Text | None = Field(default=None, max_length=2000)


class AwardPay(SQLModel):
    """A payment: how, an optional note (voucher number), the tracking code shown for an anonymous report, and
    whether the reporter agreed at the desk to have their name on the public list."""

    model_config = ModelConfig(json_schema_extra={"examples": [
        {"method": "cash", "note": "财务凭证 2026-12-0153", "shown_name": True},
        {"method": "cash", "tracking_code": "K7QF9M2DX4PA", "note": "凭跟踪码领取"}]})

    method: PayMethod
    note: Text | None = Field(default=None, max_length=2000)
    tracking_code: TrackingCode | None = None
    shown_name: bool = False


class AwardConsent(SQLModel):
    """A named reporter's say whether the public list shows their name (public, proved by the tracking code)."""

    model_config = ModelConfig(json_schema_extra={"examples": [
        {"tracking_code": "K7QF9M2DX4PA", "employee_no": "E000123", "shown_name": True}]})

    tracking_code: TrackingCode
    employee_no: EmployeeNo
    shown_name: bool


class AwardPublic(SQLModel):
    model_config = ModelConfig(json_schema_extra={"examples": [{
        "id": 3, "hazard_ref": "YH-2026-000007", "grade": "general", "report_type": "unsafe_act", "amount": "200.00",
        "state": "paid", "reporter": "李强", "anonymous": False, "proposed_by": "officer1",
        "proposed_at": "2026-12-01T02:00:00Z", "proposal_note": None, "decided_by": "chief1",
        "decided_at": "2026-12-01T06:00:00Z", "decision_reason": None, "paid_by": "officer1",
        "paid_at": "2026-12-02T01:30:00Z", "pay_method": "cash", "paid_to": "1002", "pay_note": "凭证 0153",
        "shown_name": True}]})

    id: int
    hazard_ref: str
    grade: Grade
    report_type: ReportType
    amount: Decimal
    state: AwardState
    reporter: str | None
    anonymous: bool
    proposed_by: str | None
    proposed_at: datetime
    proposal_note: str | None
    decided_by: str | None
    decided_at: datetime | None
    decision_reason: str | None
    paid_by: str | None
    paid_at: datetime | None
    pay_method: PayMethod | None
    paid_to: str | None
    pay_note: str | None
    shown_name: bool


class AwardsPublic(SQLModel):
    data: list[AwardPublic]
    count: int


class BoardAward(SQLModel):
    """One line of the public list: no reference, no tracking code, a name only with the reporter's consent."""

    model_config = ModelConfig(json_schema_extra={"examples": [{
        "decided_on": "2026-12-01", "location": "主井井口", "grade": "general", "report_type": "unsafe_act",
        "amount": "200.00", "name": "李强"}, {"decided_on": "2026-11-28", "location": "3号联络巷", "grade": "major",
        "report_type": "unsafe_condition", "amount": "2000.00", "name": None}]})

    decided_on: date
    location: str
    grade: Grade
    report_type: ReportType
    amount: Decimal
    name: str | None = Field(description="only when the named reporter agreed; never for an anonymous report")


class BoardAwardsPublic(SQLModel):
    data: list[BoardAward]
