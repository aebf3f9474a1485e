"""Inputs and outputs of the hazard register: one report model for every channel,
one input model per transition, and the public views."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Literal, get_args

from pydantic import field_validator, model_validator
from sqlmodel import Field, SQLModel

from safety_service.hazards.states import Channel, Grade, HazardState, ReportType
from safety_service.validation import MAX_ROW_ID, ModelConfig, Moment, Text
from safety_service.workflow import EventPublic


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
    urgent: bool = Field(default=False, description="紧急/立即危险: the reporter sees immediate danger")
    risk_point_code: str | None = Field(default=None, max_length=32,
                                        description="the risk point (风险点) of the location the hazard is at, if named")

    # A report of unsafe behaviour (人的不安全行为, 安委〔2024〕7号): when it happened, and who, if the reporter says.
    behaviour_at: Moment | None = Field(default=None, description="when the unsafe behaviour happened")
    behaviour_person: str | None = Field(default=None, max_length=64, description="the person's name (optional)")
    library_item: int | None = Field(default=None, ge=1, le=MAX_ROW_ID, description=(
        "the standard hazard library item (隐患标准库) the reporter chose as matching; kept when it is active and of "
        "the report's category (an officer's confirmation decides), else refused naming this field (from a kiosk, "
        "whose copy of the library may be stale, dropped instead)"))

    @field_validator("reporter_employee_no", "reporter_name", "category_code", "risk_point_code", "behaviour_person")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None


class HazardFinding(SQLModel):
    """An officer's or supervisor's own finding, through the API."""

    model_config = ModelConfig(json_schema_extra={"examples": [{
        "location_code": "PH-1",
        "category_code": "roof",
        "description": "3号联络巷顶板有裂缝，锚杆松动",
        "source": "inspection",
        "client_report_id": "round-20260301-0007",
    }]})

    location_code: str = Field(min_length=1, max_length=32)
    category_code: str | None = Field(default=None, max_length=32)
    description: Text = Field(min_length=1, max_length=2000)
    source: Literal[Channel.console, Channel.inspection] = Channel.console
    client_report_id: str | None = Field(default=None, min_length=8, max_length=64, schema_extra={"pattern": r"^[A-Za-z0-9_.:-]+$"})
    library_item: int | None = Field(default=None, ge=1, le=MAX_ROW_ID, description=(
        "the standard hazard library item (隐患标准库) the finding matches; kept when it is active and of the "
        "finding's category (it gives the category when none is named), else refused naming this field"))


class HazardConfirm(SQLModel):
    model_config = ModelConfig(json_schema_extra={"examples": [{
        "grade": "general",
        "category_code": "roof",
        "note": "现场核实属实",
    }]})

    grade: Grade
    category_code: str = Field(min_length=1, max_length=32)
    level: str | None = Field(default=None, max_length=8, description=(
        "code of the hazard level (A 矿级, B 科级, C 区队级); default: the highest for a major hazard, "
        "else the default level"))
    library_item: int | None = Field(default=None, ge=1, le=MAX_ROW_ID, description=(
        "id of the standard hazard library item (隐患标准库) the hazard matches; gives the level, the report type "
        "and the default fix days when they are not given"))
    major_criterion: int | None = Field(default=None, ge=1, le=MAX_ROW_ID, description=(
        "id of the situation of 煤矿重大事故隐患判定标准 (GET /api/v1/major-criteria) the hazard meets: required "
        "for a major hazard, refused for a general one"))
    report_type: ReportType | None = Field(default=None, description=(
        "安委〔2024〕7号: unsafe_act 人的不安全行为, unsafe_condition 物的不安全状态, environment 环境缺陷, "
        "management 管理缺陷"))
    note: str | None = Field(default=None, max_length=2000)


class HazardReject(SQLModel):
    model_config = ModelConfig(json_schema_extra={"examples": [{"reason": "重复上报", "duplicate_of": "YH-2026-000042"}]})

    reason: Text = Field(min_length=1, max_length=2000)
    duplicate_of: str | None = Field(default=None, max_length=20, description="reference of the original hazard")


class HazardAssign(SQLModel):
    """The five fixes (五落实): owner, measures, funds, deadline, contingency plan."""

    model_config = ModelConfig(json_schema_extra={"examples": [{
        "owner": "owner1",
        "measures": "补打锚杆，挂网支护",
        "funds": "1200.50",
        "deadline": "2026-03-04T08:00:00+08:00",
        "contingency_plan": "设警戒，禁止人员通行",
    }]})

    owner: str = Field(min_length=1, max_length=64, description="username of the rectification owner")
    unit: str | None = Field(default=None, max_length=32, description=(
        "code of the responsible unit (责任单位); the owner must belong to it. Default: the owner's unit"))
    measures: Text = Field(min_length=1, max_length=4000)
    funds: Decimal = Field(ge=0, max_digits=14, decimal_places=2)
    deadline: Moment | None = Field(default=None, description="default: now plus the level's fix days")
    contingency_plan: Text = Field(min_length=1, max_length=4000)


class HazardRectified(SQLModel):
    model_config = ModelConfig(json_schema_extra={"examples": [{"note": "已补打锚杆6根，挂网完毕"}]})

    note: Text = Field(min_length=1, max_length=4000)


class HazardVerify(SQLModel):
    model_config = ModelConfig(json_schema_extra={"examples": [{"passed": True, "note": "验收合格，同意销号"}]})

    passed: bool
    note: Text = Field(min_length=1, max_length=4000)
    new_deadline: Moment | None = Field(default=None, description="only when the fix failed")

    @model_validator(mode="after")
    def _deadline_only_on_failure(self) -> "HazardVerify":
        if self.passed and self.new_deadline is not None:
            raise ValueError("new_deadline is only for a failed verification")
        return self


class HazardSelfCheck(SQLModel):
    """The responsible unit's self-check (自检) of a submitted fix, where the level asks for one."""

    model_config = ModelConfig(json_schema_extra={"examples": [{"passed": True, "note": "区队自检合格，锚杆已补齐"}]})

    passed: bool
    note: Text = Field(min_length=1, max_length=4000)


class HazardExtensionRequest(SQLModel):
    """The owner's extension request (延期申请)."""

    model_config = ModelConfig(json_schema_extra={"examples": [{
        "reason": "锚索到货延迟，需等待材料入井",
        "new_deadline": "2026-12-10T18:00:00+08:00",
    }]})

    reason: Text = Field(min_length=1, max_length=2000)
    new_deadline: Moment


class HazardExtensionDecision(SQLModel):
    model_config = ModelConfig(json_schema_extra={"examples": [{
        "approved": True,
        "note": "同意延期至12月10日，期间加强顶板观测",
    }]})

    approved: bool
    note: Text = Field(min_length=1, max_length=2000)


class HazardReassign(SQLModel):
    """A new responsible unit or person for a fix under way."""

    model_config = ModelConfig(json_schema_extra={"examples": [{
        "owner": "owner2",
        "unit": "JDK",
        "reason": "急停拉线属机电设备，改由机电科负责整改",
    }]})

    owner: str = Field(min_length=1, max_length=64, description="username of the new rectification owner")
    unit: str | None = Field(default=None, max_length=32, description="code of the responsible unit")
    reason: Text = Field(min_length=1, max_length=2000)


class HazardReopen(SQLModel):
    """A closed hazard found failing at a later check (复查不合格) goes back to its owner."""

    model_config = ModelConfig(json_schema_extra={"examples": [{
        "reason": "复查发现第三段急停拉线动作不灵敏",
        "deadline": "2026-12-05T18:00:00+08:00",
    }]})

    reason: Text = Field(min_length=1, max_length=2000)
    deadline: Moment


class HazardRegrade(SQLModel):
    """A new grade, category and level for a confirmed hazard, with the reason (a major hazard's is the chief's)."""

    model_config = ModelConfig(json_schema_extra={"examples": [{
        "grade": "general",
        "category_code": "roof",
        "level": "B",
        "reason": "经现场复核，离层量未超限，降为一般隐患科级",
    }]})

    grade: Grade
    category_code: str = Field(min_length=1, max_length=32)
    level: str | None = Field(default=None, max_length=8, description="for a general hazard; default the default level")
    major_criterion: int | None = Field(default=None, ge=1, le=MAX_ROW_ID, description=(
        "id of the situation of 煤矿重大事故隐患判定标准 (GET /api/v1/major-criteria) the hazard meets: required "
        "for a major hazard, refused for a general one"))
    reason: Text = Field(min_length=1, max_length=2000)


class HazardEventPublic(EventPublic):
    model_config = ModelConfig(json_schema_extra={"examples": [{"at": "2026-11-19T16:53:52Z", "action": "confirm",
        "from_state": "reported", "to_state": "confirmed", "actor": "officer2", "note": None,
        "data": {"grade": "general", "category": "blasting"}}]})


class HazardSummary(SQLModel):
    """One row of a hazard list."""

    model_config = ModelConfig(json_schema_extra={"examples": [{"ref": "YH-2026-000007", "state": "rectifying",
        "grade": "general", "category": "blasting", "location": "WS-MECH", "location_name": "机修车间", "source": "kiosk",
        "description": "炮眼装药后未及时封泥", "reported_at": "2026-11-19T14:53:52Z", "deadline": "2026-11-29T07:53:52Z",
        "overdue": True, "escalation_level": 1, "owner": "owner1"}]})

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
    late_step: str | None = Field(default=None, description="the step past its time limit: triage, rectification "
                                  "(past the deadline) or verification")
    late_since: datetime | None = Field(default=None, description="when that step's time ran out")
    escalation_level: int
    owner: str | None


@dataclass(frozen=True)
class StepLimits:
    """How long a report may wait for triage and a fix for verification (SAFETY_TRIAGE_HOURS,
    SAFETY_VERIFICATION_HOURS); rectification has its own deadline."""

    triage: timedelta
    verification: timedelta

    @classmethod
    def of(cls, settings: Any) -> "StepLimits":
        """The limits the settings give."""
        return cls(timedelta(hours=settings.triage_hours), timedelta(hours=settings.verification_hours))


class HazardsPublic(SQLModel):
    data: list[HazardSummary]
    count: int = Field(description="matching hazards, capped at count_limit")
    count_capped: bool = Field(description="true when there are more than count_limit (show it as, say, 10,000+)")
    count_limit: int = Field(description="where the count stops: 10,000, or 1,000 for a free-text search")
    limit: int
    offset: int


class HazardPublic(SQLModel):
    """One hazard with everything about it and its whole history."""

    model_config = ModelConfig(json_schema_extra={"examples": [{"ref": "YH-2026-000007", "state": "rectifying",
        "allowed_actions": ["rectified"], "grade": "general", "category": "blasting", "location": "WS-MECH",
        "location_name": "机修车间", "source": "kiosk", "description": "炮眼装药后未及时封泥", "reporter_name": "王磊",
        "reporter_employee_no": "1002", "anonymous": False, "reported_at": "2026-11-19T14:53:52Z",
        "updated_at": "2026-11-19T18:53:52Z", "confirmed_at": "2026-11-19T16:53:52Z", "closed_at": None,
        "rejection_reason": None, "duplicate_of": None, "owner": "owner1", "measures": "停工整改，补打锚杆并加强支护",
        "funds": "3000.00", "deadline": "2026-11-29T07:53:52Z", "contingency_plan": "设置警戒，人员撤离至安全地点",
        "rectification_note": None, "rectified_at": None, "verification_note": None, "verified_by": None,
        "overdue": False, "overdue_since": None, "escalation_level": 0, "urgent": False, "urgent_at": None,
        "urgent_acknowledged_at": None, "history": [{"at": "2026-11-19T14:53:52Z",
        "action": "reported", "from_state": None, "to_state": "reported", "actor": None, "note": None,
        "data": {"source": "kiosk"}}, {"at": "2026-11-19T16:53:52Z", "action": "confirm", "from_state": "reported",
        "to_state": "confirmed", "actor": "officer2", "note": None, "data": {"grade": "general",
        "category": "blasting"}}, {"at": "2026-11-19T18:53:52Z", "action": "assign", "from_state": "confirmed",
        "to_state": "rectifying", "actor": "officer2", "note": None, "data": {"owner": "owner1",
        "deadline": "2026-11-29T07:53:52Z", "funds": "3000.00"}}]}]})

    ref: str
    state: HazardState
    allowed_actions: list[str]
    allowed_outcomes: dict[str, list[HazardState]] = Field(
        default_factory=dict, description="the states each allowed action may lead to (verify: closed and/or rectifying)")
    refusals: dict[str, str] = Field(
        default_factory=dict, description="why an edge this role otherwise takes is refused here, keyed action:target "
        "(role, not_assigned_owner, own_fix, major_needs_chief)")
    grade: Grade | None
    level: str | None = Field(default=None, description="code of the hazard level (A/B/C)")
    category: str | None
    library_item_id: int | None = Field(default=None, description="the standard hazard library item it matched")
    library_item: str | None = Field(default=None, description="that item's standard wording")
    report_type: ReportType | None = Field(default=None, description="安委〔2024〕7号 report type")
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
    unit: str | None = Field(default=None, description="code of the responsible unit (责任单位)")
    unit_name: str | None = None
    measures: str | None
    funds: Decimal | None
    deadline: datetime | None
    contingency_plan: str | None
    rectification_note: str | None
    rectified_at: datetime | None
    verification_note: str | None
    verified_by: str | None
    self_checked_at: datetime | None = Field(
        default=None, description="when the responsible unit passed its self-check (自检合格), where the level asks for one")
    overdue: bool
    overdue_since: datetime | None
    escalation_level: int
    extension_until: datetime | None = Field(default=None, description="the date a waiting extension request asks for")
    extension_reason: str | None = None
    urgent: bool
    urgent_at: datetime | None
    urgent_acknowledged_at: datetime | None
    history: list[HazardEventPublic]


class HazardReceipt(SQLModel):
    """What a reporter gets back: the reference and their tracking code."""

    ref: str
    tracking_code: str
    state: HazardState
    created: bool = Field(description="false when this report id was already applied")


Sort = Literal["-reported_at", "reported_at", "deadline", "-deadline", "-updated_at"]
SORTS: tuple[str, ...] = get_args(Sort)
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
    overdue: bool | None = Field(default=None, description="past a step's time limit: triage, the rectification "
                                 "deadline or verification")
    reporter: str | None = Field(default=None, max_length=32, description="reporter's employee number")
    owner: str | None = Field(default=None, max_length=64, description="rectification owner's username")
    unit: str | None = Field(default=None, max_length=32, description="responsible unit's code, with the units under it")
    q: str | None = Field(default=None, max_length=200, description="free text")
    reported_from: Moment | None = None
    reported_to: Moment | None = None
    sort: Sort | None = Field(default=None, description=(
        "the order: by default the newest reports first, the nearest deadline first on the overdue list; a hazard "
        "with no deadline yet sorts as the latest (last by deadline, first by -deadline)"))
    limit: int = Field(default=50, ge=1, le=200)
    offset: int = Field(default=0, ge=0, le=COUNT_LIMIT)


class UrgentMark(SQLModel):
    """An officer or dispatcher marks a report urgent (紧急/立即危险)."""

    model_config = ModelConfig(json_schema_extra={"examples": [{
        "note": "回风隅角瓦斯浓度0.9%，接近报警值，立即通知调度室",
    }]})

    note: str | None = Field(default=None, max_length=2000)


class UrgentAcknowledge(SQLModel):
    """The dispatch room says what it did: ``site_notified`` (已通知现场) or ``evacuated`` (已撤人)."""

    model_config = ModelConfig(json_schema_extra={"examples": [{
        "what": "evacuated",
        "note": "已通知1701工作面停产撤人，通风队现场处理",
    }]})

    what: Literal["site_notified", "evacuated"]
    note: str | None = Field(default=None, max_length=2000)
