"""Inputs and outputs of the behaviour-report API: never the reporter, only what, where, when and who."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from safety_service.counselling.behaviour import BehaviourDecision, Outcome
from safety_service.counselling.states import ViolationKind, ViolationSeverity
from safety_service.counselling.violation_schemas import MeasureInput
from safety_service.database import known
from safety_service.hazards.models import Hazard
from safety_service.locations.models import Location
from safety_service.validation import ModelConfig, Moment, RowId, Text


class BehaviourToViolation(SQLModel):
    """The worker the decider identified and the violation to record; when and what default from the report."""

    model_config = ModelConfig(json_schema_extra={"examples": [{
        "employee_no": "1101", "kind": "illegal_command", "severity": "serious",
        "description": "班长安排人员在未支护顶板下作业（职工举报，经现场核实）"}]})

    employee_no: str = Field(min_length=1, max_length=32, description="the worker who committed it")
    kind: ViolationKind
    severity: ViolationSeverity | None = None
    item_id: RowId | None = Field(default=None, description="the entry of the standard list")
    measures: list[MeasureInput] | None = Field(default=None, max_length=4)
    occurred_at: Moment | None = Field(default=None, description="default: when the report says")
    description: Text | None = Field(default=None, max_length=2000, description="default: the report's words")


class BehaviourReject(SQLModel):
    model_config = ModelConfig(json_schema_extra={"examples": [{"reason": "现场核实无此行为，当班作业符合规程"}]})

    reason: Text = Field(min_length=1, max_length=2000)


class BehaviourReportPublic(SQLModel):
    """A behaviour report as a supervisor or officer decides it: no reporter name, number or tracking code."""

    model_config = ModelConfig(json_schema_extra={"examples": [{
        "ref": "YH-2026-000031", "location": "WF-3", "location_name": "3号联络巷", "description": "班长让人空顶作业",
        "person_name": "王班长", "occurred_at": "2026-12-02T01:30:00Z", "reported_at": "2026-12-02T02:05:00Z",
        "outcome": "pending", "violation_id": None, "reason": None, "decided_at": None}]})

    ref: str
    location: str
    location_name: str
    description: str
    person_name: str | None
    occurred_at: datetime
    reported_at: datetime
    outcome: Outcome
    violation_id: int | None
    reason: str | None
    decided_at: datetime | None


class BehaviourReportsPublic(SQLModel):
    data: list[BehaviourReportPublic]
    count: int


def public(hazard: Hazard, location: Location, decision: BehaviourDecision | None) -> BehaviourReportPublic:
    """What a decider sees of a behaviour report (never its reporter)."""
    return BehaviourReportPublic(
        ref=hazard.ref, location=location.code, location_name=location.name_zh, description=hazard.description,
        person_name=hazard.behaviour_person, occurred_at=known(hazard.behaviour_at), reported_at=hazard.reported_at,
        outcome=decision.outcome if decision else Outcome.pending,
        violation_id=decision.violation_id if decision else None, reason=decision.reason if decision else None,
        decided_at=decision.decided_at if decision else None)
