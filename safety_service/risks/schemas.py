"""Inputs and outputs of the risk points API."""

from typing import Any, Literal

from pydantic import model_validator
from sqlmodel import Field, SQLModel

from safety_service.locations.models import CODE_PATTERN
from safety_service.risks.rating import ControlKind, ReviewKind, RiskLevel
from safety_service.validation import MAX_ROW_ID, Day, ModelConfig

# The examples: a roof risk of the 3102 haulage gateway (3102运输顺槽), as entered and as shown back.
_CONTROL: dict[str, Any] = {"kind": "engineering", "measure": "补打锚索，加挂金属网，顶板离层仪每班观测", "unit": "综采一队", "person": "杨军"}
_CONTROL_SHOWN = {**_CONTROL, "id": 5}
_RISK: dict[str, Any] = {"hazard_source": "3102运输顺槽顶板离层、锚杆失效", "accident_type": "冒顶片帮",
         "consequence": "人员伤亡，巷道堵塞", "likelihood": 3, "severity": 4}
_RISK_SHOWN = {**_RISK, "id": 3, "method": "LS", "score": 12, "level": "significant", "controls": [_CONTROL_SHOWN]}
_POINT: dict[str, Any] = {"code": "RP-3102", "name": "3102运输顺槽", "kind": "place", "area_code": "north",
                          "location_codes": ["RW-3102"]}
_REVIEW: dict[str, Any] = {"kind": "special", "reviewed_on": "2026-03-15", "reason": "1701综采工作面过断层，采煤工艺变化",
           "participants": "总工程师孙建国，安全科刘洋、陈静，综采一队杨军", "conclusion": "新增顶板风险1项，管控措施已落实到人"}


class ControlCreate(SQLModel):
    model_config = ModelConfig(json_schema_extra={"examples": [_CONTROL]})

    kind: ControlKind
    measure: str = Field(min_length=1, max_length=1000)
    unit: str = Field(min_length=1, max_length=64, description="责任单位, a plain name until org units exist")
    person: str = Field(min_length=1, max_length=64, description="责任人")


class RiskCreate(SQLModel):
    """An identified risk and its rating on the LS matrix (likelihood and severity 1–5)."""

    model_config = ModelConfig(json_schema_extra={"examples": [{**_RISK, "controls": [_CONTROL]}]})

    hazard_source: str = Field(min_length=1, max_length=1000, description="危险源 / 危险因素")
    accident_type: str = Field(min_length=1, max_length=64, description="可能导致的事故类型")
    consequence: str = Field(default="", max_length=1000)
    likelihood: int = Field(ge=1, le=5)
    severity: int = Field(ge=1, le=5)
    controls: list[ControlCreate] = Field(default_factory=list, max_length=50)


class RiskPointCreate(SQLModel):
    model_config = ModelConfig(json_schema_extra={"examples": [
        {**_POINT, "risks": [{**_RISK, "controls": [_CONTROL]}]},
    ]})

    code: str = Field(min_length=1, max_length=32, schema_extra={"pattern": CODE_PATTERN})
    name: str = Field(min_length=1, max_length=128)
    kind: Literal["place", "activity"] = "place"
    area_code: str | None = Field(default=None, max_length=32)
    location_codes: list[str] = Field(default_factory=list, max_length=100)
    risks: list[RiskCreate] = Field(default_factory=list, max_length=200)


class ReviewCreate(SQLModel):
    """年度辨识评估 (annual) or 专项辨识评估 (special, with its reason: new process, accident, standard)."""

    model_config = ModelConfig(json_schema_extra={"examples": [_REVIEW]})

    kind: ReviewKind
    reviewed_on: Day
    reason: str = Field(default="", max_length=200)
    participants: str = Field(min_length=1, max_length=500)
    conclusion: str = Field(default="", max_length=2000)

    @model_validator(mode="after")
    def _special_has_reason(self) -> "ReviewCreate":
        if self.kind == ReviewKind.special and not self.reason.strip():
            raise ValueError("a special identification names its reason")
        return self


class MapPlace(SQLModel):
    """Where a risk point sits on the schematic map (grid cells)."""

    model_config = ModelConfig(json_schema_extra={"examples": [{"map_x": 12, "map_y": 7}]})

    map_x: int = Field(ge=0, le=39)
    map_y: int = Field(ge=0, le=39)


class ControlPublic(ControlCreate):
    model_config = ModelConfig(json_schema_extra={"examples": [_CONTROL_SHOWN]})

    id: int


class RiskPublic(SQLModel):
    model_config = ModelConfig(json_schema_extra={"examples": [_RISK_SHOWN]})

    id: int
    hazard_source: str
    accident_type: str
    consequence: str
    method: str
    likelihood: int
    severity: int
    score: int
    level: RiskLevel
    controls: list[ControlPublic]


class ReviewPublic(ReviewCreate):
    model_config = ModelConfig(json_schema_extra={"examples": [{**_REVIEW, "id": 2}]})

    id: int


class RiskPointPublic(SQLModel):
    model_config = ModelConfig(json_schema_extra={"examples": [{
        **_POINT, "id": 1, "level": "significant", "map_x": 12, "map_y": 7, "risks": [_RISK_SHOWN],
        "reviews": [{**_REVIEW, "id": 2}],
    }]})

    id: int
    code: str
    name: str
    kind: str
    area_code: str | None
    level: RiskLevel
    location_codes: list[str]
    map_x: int | None
    map_y: int | None
    risks: list[RiskPublic]
    reviews: list[ReviewPublic]


class RiskPointsPublic(SQLModel):
    data: list[RiskPointPublic]
    count: int


class HazardLink(SQLModel):
    """The risk point, and the control that failed, a hazard is found at."""

    model_config = ModelConfig(json_schema_extra={"examples": [{"risk_point_code": "RP-3102", "control_id": 5}]})

    risk_point_code: str = Field(min_length=1, max_length=32)
    control_id: int | None = Field(default=None, ge=1, le=MAX_ROW_ID)


class FailedControl(SQLModel):
    model_config = ModelConfig(json_schema_extra={"examples": [{
        "control_id": 5, "risk_point_code": "RP-3102", "risk_point_name": "3102运输顺槽", "measure": _CONTROL["measure"],
        "unit": "综采一队", "person": "杨军", "hazards": 3, "open_hazards": 1,
    }]})

    control_id: int
    risk_point_code: str
    risk_point_name: str
    measure: str
    unit: str
    person: str
    hazards: int
    open_hazards: int


class ImportResult(SQLModel):
    model_config = ModelConfig(json_schema_extra={"examples": [{
        "created": ["RP-3105", "RP-1701"],
        "replaced": ["RP-3102"],
    }]})

    created: list[str]
    replaced: list[str]
