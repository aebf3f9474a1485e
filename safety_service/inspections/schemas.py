"""Inputs and outputs of the inspection plans and rounds API."""

from datetime import date, datetime
from typing import Any

from sqlmodel import Field, SQLModel

from safety_service.inspections.states import Frequency, RoundState
from safety_service.risks.rating import ControlKind, RiskLevel
from safety_service.validation import MAX_ROW_ID, Day, ModelConfig, Moment, Text

ROUND_ID_PATTERN = r"^[A-Za-z0-9_.:-]+$"
# A plan as entered, the example of the plan's models.
_PLAN: dict[str, Any] = {"name": "综采一队队长每旬排查", "inspector": "owner1", "post": "区队长", "leader_round": False,
         "frequency": "dekad", "starts_on": "2026-03-01", "risk_point_codes": ["RP-3102", "RP-1701"]}


class PlanCreate(SQLModel):
    """Who inspects (an account and the post they inspect as) which risk points, how often."""

    model_config = ModelConfig(json_schema_extra={"examples": [_PLAN]})

    name: str = Field(min_length=1, max_length=128)
    inspector: str = Field(min_length=2, max_length=64, description="the inspector's username")
    post: str = Field(min_length=1, max_length=64, description="矿长, 分管负责人, 区队长, 班组长…")
    leader_round: bool = Field(default=False, description="a leader's 带班/跟班 round, counted apart")
    frequency: Frequency
    starts_on: Day
    risk_point_codes: list[str] = Field(min_length=1, max_length=200)


class PlanPublic(SQLModel):
    model_config = ModelConfig(json_schema_extra={"examples": [{**_PLAN, "id": 1, "active": True}]})

    id: int
    name: str
    inspector: str
    post: str
    leader_round: bool
    frequency: Frequency
    starts_on: date
    active: bool
    risk_point_codes: list[str]


class ChecklistItem(SQLModel):
    """One line of the checklist (检查表): a control of the risk point."""

    control_id: int
    kind: ControlKind
    measure: str
    unit: str
    person: str
    hazard_source: str


class ItemCheck(SQLModel):
    control_id: int = Field(ge=1, le=MAX_ROW_ID)
    ok: bool
    note: Text | None = Field(default=None, max_length=1000, description="what was wrong (required when not OK)")


class RoundRecord(SQLModel):
    """A round as the inspector's phone sends it, maybe later than it was done (offline)."""

    model_config = ModelConfig(json_schema_extra={"examples": [{
        "client_round_id": "owner1-20260312-0815",
        "location_code": "RW-3102",
        "checked_at": "2026-03-12T08:15:00+08:00",
        "note": "顶板离层仪读数正常",
        "items": [{"control_id": 5, "ok": True}, {"control_id": 6, "ok": False, "note": "两根锚杆托盘松动"}],
    }]})

    client_round_id: str = Field(min_length=8, max_length=64, schema_extra={"pattern": ROUND_ID_PATTERN})
    location_code: str | None = Field(default=None, max_length=32, description="the QR code scanned")
    checked_at: Moment | None = Field(default=None, description="when it was done; now by default")
    note: Text | None = Field(default=None, max_length=1000)
    items: list[ItemCheck] = Field(max_length=200)


class ItemPublic(SQLModel):
    control_id: int
    measure: str
    ok: bool
    note: str | None
    hazard_ref: str | None


class RoundPublic(SQLModel):
    model_config = ModelConfig(json_schema_extra={"examples": [{
        "id": 12,
        "plan_id": 1,
        "plan_name": "综采一队队长每旬排查",
        "post": "区队长",
        "leader_round": False,
        "risk_point_code": "RP-3102",
        "risk_point_name": "3102运输顺槽",
        "risk_level": "significant",
        "inspector": "owner1",
        "window_start": "2026-03-11T00:00:00+08:00",
        "window_end": "2026-03-21T00:00:00+08:00",
        "state": "done",
        "checked_at": "2026-03-12T08:15:00+08:00",
        "location_code": "RW-3102",
        "checklist": [
            {
                "control_id": 5,
                "kind": "engineering",
                "measure": "补打锚索，加挂金属网，顶板离层仪每班观测",
                "unit": "综采一队",
                "person": "杨军",
                "hazard_source": "3102运输顺槽顶板离层、锚杆失效",
            },
        ],
        "items": [
            {
                "control_id": 5,
                "measure": "补打锚索，加挂金属网，顶板离层仪每班观测",
                "ok": False,
                "note": "两根锚杆托盘松动",
                "hazard_ref": "YH-2026-000123",
            },
        ],
    }]})

    id: int
    plan_id: int
    plan_name: str
    post: str
    leader_round: bool
    risk_point_code: str
    risk_point_name: str
    risk_level: RiskLevel
    inspector: str
    window_start: datetime
    window_end: datetime
    state: RoundState
    checked_at: datetime | None
    location_code: str | None
    checklist: list[ChecklistItem]
    items: list[ItemPublic]


class RoundsPublic(SQLModel):
    data: list[RoundPublic]
    count: int


class PointCoverage(SQLModel):
    risk_point_code: str
    risk_point_name: str
    risk_level: RiskLevel
    due: int = 0
    done: int = 0
    missed: int = 0
    inspectors: list[str] = Field(default_factory=list)


class InspectorCoverage(SQLModel):
    inspector: str
    post: str
    leader_round: bool
    due: int = 0
    done: int = 0
    missed: int = 0
    hazards_found: int = 0


class Coverage(SQLModel):
    """Inspection against the plans over a period (排查记录)."""

    model_config = ModelConfig(json_schema_extra={"examples": [{
        "start": "2026-03-01",
        "end": "2026-03-31",
        "unit": "ZC1",
        "rounds": 42,
        "done": 38,
        "missed": 4,
        "hazards_found": 3,
        "by_point": [
            {
                "risk_point_code": "RP-3102",
                "risk_point_name": "3102运输顺槽",
                "risk_level": "significant",
                "due": 0,
                "done": 6,
                "missed": 0,
                "inspectors": ["owner1", "officer1"],
            },
        ],
        "by_inspector": [
            {
                "inspector": "owner1",
                "post": "区队长",
                "leader_round": False,
                "due": 0,
                "done": 3,
                "missed": 0,
                "hazards_found": 1,
            },
        ],
        "unplanned_points": ["RP-WS-MECH"],
    }]})

    start: date
    end: date
    unit: str | None = Field(default=None, description="the unit the coverage is cut by (its risk points and those "
                                                        "of the units under it)")
    rounds: int
    done: int
    missed: int
    hazards_found: int
    by_point: list[PointCoverage]
    by_inspector: list[InspectorCoverage]
    unplanned_points: list[str] = Field(description="risk points no plan covers")
