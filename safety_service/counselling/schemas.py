"""Inputs and outputs of help-education: violations, cases, transitions, families, sessions, figures."""

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime
from sqlmodel import Field, SQLModel

from safety_service.counselling.states import Action, CaseState, Relation, SessionKind, ViolationKind
from safety_service.validation import RowId, Text, strip_blank


class ViolationCreate(SQLModel):
    """A violation (三违) as a supervisor or officer records it."""

    employee_no: str = Field(min_length=1, max_length=32, description="the worker who committed it")
    kind: ViolationKind
    occurred_at: AwareDatetime
    location_code: str = Field(min_length=1, max_length=32)
    description: Text = Field(min_length=1, max_length=2000)
    hazard_ref: str | None = Field(default=None, max_length=20, description="a related hazard, if any")


class ViolationPublic(SQLModel):
    id: int
    employee_no: str
    worker_name: str
    team: str | None
    kind: ViolationKind
    occurred_at: datetime
    location: str
    description: str
    hazard_ref: str | None
    recorded_by: str
    recorded_at: datetime


class ViolationsPublic(SQLModel):
    data: list[ViolationPublic]
    count: int


class CaseOpen(SQLModel):
    """A counsellor opens a case from a violation that has none."""

    violation_id: RowId


class FamilyContactCreate(SQLModel):
    relation: Relation
    name: Text = Field(min_length=1, max_length=64)
    phone: str = Field(min_length=5, max_length=32, schema_extra={"pattern": r"^\+?[0-9][0-9 -]{3,30}$"})
    note: str | None = Field(default=None, max_length=500)


class FamilyContactPublic(SQLModel):
    id: int
    relation: Relation
    name: str
    phone: str
    note: str | None
    created_at: datetime


class CasePlan(SQLModel):
    """The plan (帮教方案); family contacts given here are added to the worker's."""

    plan: Text = Field(min_length=1, max_length=4000)
    family_contacts: list[FamilyContactCreate] = Field(default_factory=list, max_length=10)


class CaseBegin(SQLModel):
    note: str | None = Field(default=None, max_length=2000)


class CaseObserve(SQLModel):
    days: int | None = Field(default=None, ge=1, le=365, description="probation length; the setting by default")
    note: str | None = Field(default=None, max_length=2000)


class CaseClose(SQLModel):
    review_note: Text = Field(min_length=1, max_length=4000)


class SessionCreate(SQLModel):
    kind: SessionKind
    held_on: date
    participants: list[Annotated[str, AfterValidator(strip_blank)]] = Field(min_length=1, max_length=30)
    note: Text = Field(min_length=1, max_length=4000)


class SessionPublic(SQLModel):
    id: int
    kind: SessionKind
    held_on: date
    participants: list[str]
    counsellor: str
    note: str
    created_at: datetime


class AgreementRecord(SQLModel):
    """The signed family help-education agreement (家庭安全帮教责任书)."""

    signed_on: date
    family_contact_id: RowId
    note: str | None = Field(default=None, max_length=2000)


class AgreementPublic(SQLModel):
    signed_on: date
    family_contact: FamilyContactPublic
    note: str | None
    recorded_by: str
    recorded_at: datetime
    scan_url: str | None
    scan_thumbnail_url: str | None


class CaseEventPublic(SQLModel):
    at: datetime
    action: str
    from_state: str | None
    to_state: str | None
    actor: str | None
    note: str | None
    data: dict[str, Any] | None


class CaseSummary(SQLModel):
    id: int
    state: CaseState
    level: int
    employee_no: str
    worker_name: str
    team: str | None
    counsellor: str | None
    opened_at: datetime
    observation_ends_at: datetime | None
    review_due_at: datetime | None
    next_session_due_at: datetime | None


class CasePublic(CaseSummary):
    plan: str | None
    closed_at: datetime | None
    review_note: str | None
    violations: list[ViolationPublic]
    family_contacts: list[FamilyContactPublic]
    sessions: list[SessionPublic]
    agreement: AgreementPublic | None
    history: list[CaseEventPublic]
    allowed_actions: list[Action]


class CasesPublic(SQLModel):
    data: list[CaseSummary]
    count: int


class KindTeamMonth(SQLModel):
    month: str
    team: str | None
    kind: ViolationKind
    count: int


class CounsellingFigures(SQLModel):
    """Figures for a period: violations by kind, team and month; cases; repeats after counselling."""

    since: datetime
    until: datetime
    violations: list[KindTeamMonth]
    cases_opened: int
    cases_closed: int
    cases_open_now: int
    cases_observed: int
    cases_with_repeat: int
    repeat_rate: float | None
