"""Inputs and outputs of violations (三违): the entries of the standard list admins keep, the violations recorded
and the measures taken on each (``items``, ``violations``)."""

from datetime import datetime

from pydantic import JsonValue
from sqlmodel import Field, SQLModel

from safety_service.counselling.states import MeasureKind, ViolationKind, ViolationSeverity
from safety_service.validation import ModelConfig, Moment, RowId, Text

# An entry of the standard list as entered, the example of the list's models.
_ITEM: dict[str, JsonValue] = {"kind": "illegal_operation", "title": "未按规定佩戴自救器下井", "severity": "serious",
                               "fine_yuan": 200, "study_days": 3, "talk": True, "suspension_days": 0}


class ViolationItemCreate(SQLModel):
    """An entry of the standard list (三违界定标准) with its default severity and measures."""

    model_config = ModelConfig(json_schema_extra={"examples": [_ITEM]})

    kind: ViolationKind
    title: Text = Field(min_length=1, max_length=200)
    severity: ViolationSeverity
    fine_yuan: int = Field(default=0, ge=0, le=100_000)
    study_days: int = Field(default=0, ge=0, le=60)
    talk: bool = True
    suspension_days: int = Field(default=0, ge=0, le=60)


class ViolationItemUpdate(SQLModel):
    """A change to an entry; ``active: false`` takes it off the form (violations keep it)."""

    model_config = ModelConfig(json_schema_extra={"examples": [{"fine_yuan": 300, "study_days": 5}, {"active": False}]})

    title: Text | None = Field(default=None, min_length=1, max_length=200)
    severity: ViolationSeverity | None = None
    fine_yuan: int | None = Field(default=None, ge=0, le=100_000)
    study_days: int | None = Field(default=None, ge=0, le=60)
    talk: bool | None = None
    suspension_days: int | None = Field(default=None, ge=0, le=60)
    active: bool | None = None


class ViolationItemPublic(ViolationItemCreate):
    model_config = ModelConfig(json_schema_extra={"examples": [{**_ITEM, "id": 12, "active": True}]})

    id: int
    active: bool


class MeasureInput(SQLModel):
    """One measure on a violation: yuan for a fine, days for a study class or suspension, 0 for a talk."""

    kind: MeasureKind
    amount: int = Field(default=0, ge=0, le=100_000)


class MeasurePublic(MeasureInput):
    id: int
    completed_at: datetime | None
    completed_by: str | None
    note: str | None


class MeasureComplete(SQLModel):
    model_config = ModelConfig(json_schema_extra={"examples": [{"note": "罚款已从当月工资扣缴"}]})

    note: str | None = Field(default=None, max_length=500)


class ViolationCreate(SQLModel):
    """A violation (三违) as a supervisor or officer records it; severity and measures default from the item."""

    model_config = ModelConfig(json_schema_extra={"examples": [{
        "employee_no": "E000123",
        "kind": "illegal_operation",
        "occurred_at": "2026-03-01T10:30:00+08:00",
        "location_code": "PH-1",
        "description": "未按规定佩戴自救器下井",
        "hazard_ref": None,
    }]})

    employee_no: str = Field(min_length=1, max_length=32, description="the worker who committed it")
    kind: ViolationKind
    occurred_at: Moment
    location_code: str = Field(min_length=1, max_length=32)
    description: Text = Field(min_length=1, max_length=2000)
    hazard_ref: str | None = Field(default=None, max_length=20, description="a related hazard, if any")
    item_id: RowId | None = Field(default=None, description="the entry of the standard list")
    severity: ViolationSeverity | None = Field(default=None, description="the item's severity, or general")
    measures: list[MeasureInput] | None = Field(default=None, max_length=4, description="the item's by default")


class ViolationPublic(SQLModel):
    model_config = ModelConfig(json_schema_extra={"examples": [{"id": 1, "employee_no": "1101", "worker_name": "马超",
        "team": "综采一队", "kind": "illegal_operation", "occurred_at": "2026-12-01T05:53:52Z", "location": "PH-MAIN",
        "description": "未执行敲帮问顶，空顶作业", "hazard_ref": None, "recorded_by": "supervisor1",
        "recorded_at": "2026-12-01T07:53:52Z", "severity": "general", "item_title": None, "repeat": False,
        "measures": []}]})

    id: int
    employee_no: str
    worker_name: str
    team: str | None
    kind: ViolationKind
    occurred_at: datetime
    location: str
    location_name: str | None = None
    description: str
    hazard_ref: str | None
    recorded_by: str
    recorded_at: datetime
    severity: ViolationSeverity
    item_title: str | None
    repeat: bool
    measures: list[MeasurePublic]


class ViolationsPublic(SQLModel):
    data: list[ViolationPublic]
    count: int
