"""Request and response models of a major hazard's own steps (治理方案, 停产撤人/复产, 报告, 挂牌督办)."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from safety_service.hazards.criteria import CriterionPublic
from safety_service.hazards.major_models import PlanStatus, Recipient
from safety_service.validation import ModelConfig, Moment, Text


class PlanSubmit(SQLModel):
    """A treatment plan (治理方案) with the six elements of 安监总局令第16号 第十五条, and the analysis 第十四条 has
    the report carry (the hazard's state and cause, its harm and how hard it is to treat)."""

    model_config = ModelConfig(json_schema_extra={"examples": [{
        "situation_and_cause": "3102运输顺槽掘进工作面实测风量180m³/min，低于作业规程要求的300m³/min；原因是风筒破损漏风、"
                               "局部通风机能力不足",
        "harm_and_difficulty": "微风作业易致瓦斯积聚，可能引发瓦斯爆炸；需更换风机、重新吊挂风筒，整改难度中等",
        "goal_and_tasks": "恢复3102运输顺槽供风量至设计值，消除微风作业",
        "methods_and_measures": "更换局部通风机为2×30kW对旋式，重新吊挂风筒，封堵漏风点",
        "funds_and_materials": "安全费用列支8.6万元；局部通风机2台、风筒300m由物资供应科3日内到位",
        "organisation_and_people": "通风科牵头，科长李明负责；综掘二队配合施工",
        "time_limit_and_requirements": "12月10日前完成，风量实测达设计值后报验",
        "safety_and_emergency": "施工期间停止掘进作业，专人检查瓦斯；执行矿井瓦斯事故应急预案"}]})

    situation_and_cause: Text = Field(min_length=2, max_length=4000, description="隐患的现状及其产生原因")
    harm_and_difficulty: Text = Field(min_length=2, max_length=4000, description="隐患的危害程度和整改难易程度分析")
    goal_and_tasks: Text = Field(min_length=2, max_length=4000, description="治理的目标和任务")
    methods_and_measures: Text = Field(min_length=2, max_length=4000, description="采取的方法和措施")
    funds_and_materials: Text = Field(min_length=2, max_length=4000, description="经费和物资的落实")
    organisation_and_people: Text = Field(min_length=2, max_length=4000, description="负责治理的机构和人员")
    time_limit_and_requirements: Text = Field(min_length=2, max_length=4000, description="治理的时限和要求")
    safety_and_emergency: Text = Field(min_length=2, max_length=4000, description="安全措施和应急预案")


class PlanDecision(SQLModel):
    model_config = ModelConfig(json_schema_extra={"examples": [
        {"approved": True, "note": "同意按方案实施"}, {"approved": False, "note": "应急预案未明确撤人路线，退回修改"}]})

    approved: bool
    note: Text | None = Field(default=None, min_length=1, max_length=2000,
                              description="the reason; required when the plan is sent back")


class ProductionStopInput(SQLModel):
    """停产撤人 (国务院令第446号): the affected area, when, how many people were withdrawn, who ordered it."""

    model_config = ModelConfig(json_schema_extra={"examples": [{
        "area": "3102运输顺槽及其回风系统", "stopped_at": "2026-12-01T06:40:00+08:00", "people_withdrawn": 23,
        "ordered_by": "调度室主任 王建国", "note": "瓦斯浓度1.2%，立即停电撤人"}]})

    area: Text = Field(min_length=2, max_length=500)
    stopped_at: Moment
    people_withdrawn: int = Field(ge=0, le=100000)
    ordered_by: Text = Field(min_length=1, max_length=64)
    note: Text | None = Field(default=None, min_length=1, max_length=2000)


class ProductionResume(SQLModel):
    """复产 after the area is accepted as safe: who accepted it and when."""

    model_config = ModelConfig(json_schema_extra={"examples": [{
        "resumed_at": "2026-12-03T08:00:00+08:00", "accepted_by": "矿长 赵志强、总工程师 孙涛 组织验收",
        "note": "风量、瓦斯复测合格"}]})

    resumed_at: Moment
    accepted_by: Text = Field(min_length=1, max_length=200)
    note: Text | None = Field(default=None, min_length=1, max_length=2000)


class ReportSend(SQLModel):
    """The 重大事故隐患报告 sent (安监总局令第16号 第十四条)."""

    model_config = ModelConfig(json_schema_extra={"examples": [{
        "recipient": "regulator", "recipient_name": "枣庄市能源局煤矿安全监管科", "sent_at": "2026-12-01T10:00:00+08:00",
        "note": "书面报告并电话报告"}]})

    recipient: Recipient
    recipient_name: Text = Field(min_length=2, max_length=200)
    sent_at: Moment
    note: Text | None = Field(default=None, min_length=1, max_length=2000)


class SupervisionList(SQLModel):
    """挂牌督办: the authority's order."""

    model_config = ModelConfig(json_schema_extra={"examples": [{
        "order_no": "枣能源督〔2026〕17号", "authority": "枣庄市能源局", "listed_at": "2026-12-02T09:00:00+08:00"}]})

    order_no: Text = Field(min_length=1, max_length=64)
    authority: Text = Field(min_length=2, max_length=200)
    listed_at: Moment


class SupervisionAccept(SQLModel):
    """The regulator's acceptance of the treatment and the 销号 of the listing."""

    model_config = ModelConfig(json_schema_extra={"examples": [{
        "accepted_at": "2026-12-08T15:00:00+08:00", "accepted_by": "枣庄市能源局 验收组", "delisted_at":
        "2026-12-09T09:00:00+08:00", "note": "现场验收合格，同意销号"}]})

    accepted_at: Moment
    accepted_by: Text = Field(min_length=2, max_length=200)
    delisted_at: Moment
    note: Text | None = Field(default=None, min_length=1, max_length=2000)


class TreatmentPlanPublic(PlanSubmit):
    id: int
    status: PlanStatus
    submitted_by: str | None
    submitted_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str | None


class StopPublic(SQLModel):
    id: int
    area: str
    stopped_at: datetime
    people_withdrawn: int
    ordered_by: str
    note: str | None
    resumed_at: datetime | None
    accepted_by: str | None
    resume_note: str | None


class ReportSentPublic(SQLModel):
    recipient: Recipient
    recipient_name: str
    sent_at: datetime
    sent_by: str | None
    note: str | None


class SupervisionPublic(SQLModel):
    order_no: str
    authority: str
    listed_at: datetime
    accepted_at: datetime | None
    accepted_by: str | None
    delisted_at: datetime | None
    accept_note: str | None


class MajorRecord(SQLModel):
    """Everything a major hazard carries beside its workflow."""

    model_config = ModelConfig(json_schema_extra={"examples": [{
        "ref": "YH-2026-000123", "criterion": {
            "id": 31, "code": "8.1", "reference": "第八条第（一）项", "category_no": 5,
            "category_title": "通风系统不完善、不可靠", "article": 8, "item_no": 1,
            "text": "矿井总风量不足或者采掘工作面等主要用风地点风量不足的", "active": True},
        "plans": [], "stops": [], "reports": [], "supervision": None, "plan_approved": False,
        "production_stopped": False}]})

    ref: str
    criterion: CriterionPublic | None
    plans: list[TreatmentPlanPublic]
    stops: list[StopPublic]
    reports: list[ReportSentPublic]
    supervision: SupervisionPublic | None
    plan_approved: bool
    production_stopped: bool
