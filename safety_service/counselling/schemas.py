"""Inputs and outputs of help-education cases: opening one, its plan and pairing, its transitions, the lead
counsellors, the figures and the log of who read a case (violations are ``violation_schemas``, the family side
``family_schemas``)."""

from datetime import date, datetime

from pydantic import model_validator
from sqlmodel import Field, SQLModel

from safety_service.counselling.family_schemas import (
    AgreementPublic,
    FamilyContactCreate,
    FamilyContactPublic,
    SessionPublic,
)
from safety_service.counselling.states import Action, CaseState, MentorRole, ViolationKind
from safety_service.counselling.violation_schemas import ViolationPublic
from safety_service.validation import Day, ModelConfig, RowId, Text
from safety_service.workflow import EventPublic


class CaseOpen(SQLModel):
    """A counsellor opens a case from a violation that has none."""

    model_config = ModelConfig(json_schema_extra={"examples": [{"violation_id": 7}]})

    violation_id: RowId


class CasePlan(SQLModel):
    """The plan (帮教方案); family contacts given here are added to the worker's."""

    model_config = ModelConfig(json_schema_extra={"examples": [{
        "plan": "每周谈心一次，家访一次，学习《煤矿安全规程》相关条款",
        "family_contacts": [{"relation": "spouse", "name": "李梅", "phone": "138 0000 1234", "worker_consent": True}],
    }]})

    plan: Text = Field(min_length=1, max_length=4000)
    family_contacts: list[FamilyContactCreate] = Field(default_factory=list, max_length=10)


class CasePair(SQLModel):
    """一帮一: the union counsellor (a username) and, when chosen, the mentor from the worker's own unit with their role."""

    model_config = ModelConfig(json_schema_extra={"examples": [{
        "counsellor": "counsellor1",
        "mentor_employee_no": "1003",
        "mentor_role": "team_leader",
    }]})

    counsellor: str = Field(min_length=1, max_length=64)
    mentor_employee_no: str | None = Field(default=None, min_length=1, max_length=32)
    mentor_role: MentorRole | None = None

    @model_validator(mode="after")
    def _mentor_with_role(self) -> "CasePair":
        if (self.mentor_employee_no is None) != (self.mentor_role is None):
            missing = "mentor_role" if self.mentor_role is None else "mentor_employee_no"
            raise ValueError(f"{missing} is missing: a mentor is named with their role (mentor_employee_no, mentor_role)")
        return self


class CaseReferral(SQLModel):
    """A referral to the mine's counselling station (心理疏导站): the date only, no clinical content."""

    model_config = ModelConfig(json_schema_extra={"examples": [{"referred_on": "2026-03-20"}]})

    referred_on: Day


class CounsellorUnitCreate(SQLModel):
    """A counsellor who leads the counsellors of a unit (team)."""

    model_config = ModelConfig(json_schema_extra={"examples": [{"username": "counsellor1", "team": "综采一队"}]})

    username: str = Field(min_length=1, max_length=64)
    team: Text = Field(min_length=1, max_length=64)


class CounsellorUnitPublic(CounsellorUnitCreate):
    model_config = ModelConfig(json_schema_extra={"examples": [{
        "username": "counsellor1",
        "team": "综采一队",
        "id": 3,
    }]})

    id: int


class CounsellorUnitsPublic(SQLModel):
    """The lead counsellors, each with the unit whose cases they see."""

    data: list[CounsellorUnitPublic]
    count: int


class CaseBegin(SQLModel):
    model_config = ModelConfig(json_schema_extra={"examples": [{"note": "已签订亲情协管协议"}]})

    note: str | None = Field(default=None, max_length=2000)


class CaseObserve(SQLModel):
    model_config = ModelConfig(json_schema_extra={"examples": [{"days": 30, "note": "帮教期满，转入观察"}]})

    days: int | None = Field(default=None, ge=1, le=365, description="probation length; the setting by default")
    note: str | None = Field(default=None, max_length=2000)


class CaseClose(SQLModel):
    model_config = ModelConfig(json_schema_extra={"examples": [{"review_note": "观察期内无违章，帮教结束"}]})

    review_note: Text = Field(min_length=1, max_length=4000)


class CaseEventPublic(EventPublic):
    model_config = ModelConfig(json_schema_extra={"examples": [{"at": "2026-12-01T08:10:00Z", "action": "begin",
        "from_state": "planned", "to_state": "counselling", "actor": "counsellor1", "note": None, "data": None}]})


class CaseSummary(SQLModel):
    model_config = ModelConfig(json_schema_extra={"examples": [{"id": 1, "state": "opened", "level": 1,
        "employee_no": "1101", "worker_name": "马超", "team": "综采一队", "counsellor": None,
        "opened_at": "2026-12-01T07:53:52Z", "observation_ends_at": None, "review_due_at": None,
        "next_session_due_at": None}]})

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
    ladder: list[str]
    mentor_name: str | None
    mentor_employee_no: str | None
    mentor_role: MentorRole | None
    referred_on: date | None
    model_config = ModelConfig(json_schema_extra={"examples": [{"id": 1, "state": "opened", "level": 1,
        "employee_no": "1101", "worker_name": "马超", "team": "综采一队", "counsellor": None,
        "opened_at": "2026-12-01T07:53:52Z", "observation_ends_at": None, "review_due_at": None,
        "next_session_due_at": None, "plan": None, "closed_at": None, "review_note": None, "violations": [{"id": 1,
        "employee_no": "1101", "worker_name": "马超", "team": "综采一队", "kind": "illegal_operation",
        "occurred_at": "2026-12-01T05:53:52Z", "location": "PH-MAIN", "description": "未执行敲帮问顶，空顶作业",
        "hazard_ref": None, "recorded_by": "supervisor1", "recorded_at": "2026-12-01T07:53:52Z",
        "severity": "general", "item_title": None, "repeat": False, "measures": []}],
        "family_contacts": [], "sessions": [], "agreement": None, "guarantee": None, "history": [{"at": "2026-12-01T07:53:52Z",
        "action": "opened", "from_state": None, "to_state": "opened", "actor": "supervisor1", "note": None,
        "data": {"violation_id": 1, "kind": "illegal_operation"}}], "allowed_actions": ["plan"],
        "ladder": ["team_talk"], "mentor_name": None, "mentor_employee_no": None, "mentor_role": None,
        "referred_on": None}]})

    plan: str | None
    closed_at: datetime | None
    review_note: str | None
    violations: list[ViolationPublic]
    family_contacts: list[FamilyContactPublic]
    sessions: list[SessionPublic]
    agreement: AgreementPublic | None
    guarantee: AgreementPublic | None = Field(description="the family co-guarantee (家属联保书), if signed")
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

    model_config = ModelConfig(json_schema_extra={"examples": [{"since": "2025-12-31T16:00:00Z",
        "until": "2026-12-03T07:53:59Z", "unit": "TF", "violations": [{"month": "2026-09", "team": "通风队",
        "kind": "labour_discipline", "count": 1}], "cases_opened": 7, "cases_closed": 1, "cases_open_now": 6,
        "cases_observed": 4, "cases_with_repeat": 1, "repeat_rate": 0.25}]})

    since: datetime
    until: datetime
    unit: str | None = None  # the unit the figures are cut by (its workers and those of the units under it)
    violations: list[KindTeamMonth]
    cases_opened: int
    cases_closed: int
    cases_open_now: int
    cases_observed: int
    cases_with_repeat: int
    repeat_rate: float | None


class CaseAccessPublic(SQLModel):
    """One read of a case: who, with which role, when, what."""

    model_config = ModelConfig(json_schema_extra={"examples": [{
        "id": 57,
        "case_id": 8,
        "username": "counsellor1",
        "role": "counsellor",
        "at": "2026-03-21T09:12:00Z",
        "what": "sessions",
    }]})

    id: int
    case_id: int
    username: str
    role: str
    at: datetime
    what: str


class CaseAccessesPublic(SQLModel):
    data: list[CaseAccessPublic]
    count: int
