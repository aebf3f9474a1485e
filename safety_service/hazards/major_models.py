"""The records a major hazard (重大事故隐患) carries beside its workflow: its treatment plans (治理方案), production
stops (停产撤人) and resumptions (复产), the reports sent (重大事故隐患报告) and the regulator's listing (挂牌督办).

Each is written by one edge of the workflow table (``hazards.states``) together with the hazard's event; a row is
added, or completed once (a plan decided, a stop ended, a listing accepted), never rewritten.
"""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import CheckConstraint, Column, Index, String, Text
from sqlmodel import Field, SQLModel

from safety_service.database import UTCDateTime


# Field specifiers, typed as SQLModel's ``Field`` is (Any): the class's annotation says what the column holds.
def _at(nullable: bool = True) -> Any:
    return Field(sa_column=Column(UTCDateTime, nullable=nullable), default=None)


def _text(nullable: bool = False) -> Any:
    return Field(sa_column=Column(Text, nullable=nullable), default=None)


class PlanStatus(StrEnum):
    submitted = "submitted"  # 待审批
    approved = "approved"  # 已批准
    returned = "returned"  # 退回修改


class Recipient(StrEnum):
    """Whom 第16号令 第十四条 has the report go to."""

    regulator = "regulator"  # 负有安全生产监督管理职责的部门 (煤矿安全监管/监察)
    workers_congress = "workers_congress"  # 职工代表大会 (or 职工大会)


ANALYSIS = ("situation_and_cause", "harm_and_difficulty")
PLAN_ELEMENTS = ("goal_and_tasks", "methods_and_measures", "funds_and_materials", "organisation_and_people",
                 "time_limit_and_requirements", "safety_and_emergency")


class TreatmentPlan(SQLModel, table=True):
    """A treatment plan as submitted, with the six elements of 第16号令 第十五条, and the chief's decision."""

    __tablename__ = "major_treatment_plan"
    __table_args__ = (
        CheckConstraint("status IN ('submitted','approved','returned')", name="status"),
        Index("ix_major_treatment_plan_hazard", "hazard_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    hazard_id: int = Field(foreign_key="hazard.id")
    # 第十四条's analysis, which the 重大事故隐患报告 carries beside the plan.
    situation_and_cause: str = _text()  # 隐患的现状及其产生原因
    harm_and_difficulty: str = _text()  # 隐患的危害程度和整改难易程度分析
    goal_and_tasks: str = _text()  # 治理的目标和任务
    methods_and_measures: str = _text()  # 采取的方法和措施
    funds_and_materials: str = _text()  # 经费和物资的落实
    organisation_and_people: str = _text()  # 负责治理的机构和人员
    time_limit_and_requirements: str = _text()  # 治理的时限和要求
    safety_and_emergency: str = _text()  # 安全措施和应急预案
    submitted_by_id: int = Field(foreign_key="user_account.id")
    submitted_at: datetime = _at(nullable=False)
    status: PlanStatus = Field(default=PlanStatus.submitted, sa_type=String(16))
    decided_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    decided_at: datetime | None = _at()
    decision_note: str | None = _text(nullable=True)


class ProductionStop(SQLModel, table=True):
    """停产撤人 in the affected area and, once the area is accepted as safe, 复产."""

    __tablename__ = "major_production_stop"
    __table_args__ = (
        CheckConstraint("people_withdrawn >= 0", name="people_withdrawn"),
        Index("ix_major_production_stop_hazard", "hazard_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    hazard_id: int = Field(foreign_key="hazard.id")
    area: str = _text()
    stopped_at: datetime = _at(nullable=False)
    people_withdrawn: int
    ordered_by: str = Field(max_length=64)  # who gave the order (矿长、调度、带班领导 …)
    recorded_by_id: int = Field(foreign_key="user_account.id")
    note: str | None = _text(nullable=True)
    resumed_at: datetime | None = _at()
    accepted_by: str | None = Field(default=None, max_length=200)  # who accepted the area as safe (复产验收)
    resume_recorded_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    resume_note: str | None = _text(nullable=True)


class MajorReportSent(SQLModel, table=True):
    """The 重大事故隐患报告 sent: to whom, when, by whom."""

    __tablename__ = "major_report_sent"
    __table_args__ = (
        CheckConstraint("recipient IN ('regulator','workers_congress')", name="recipient"),
        Index("ix_major_report_sent_hazard", "hazard_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    hazard_id: int = Field(foreign_key="hazard.id")
    recipient: Recipient = Field(sa_type=String(32))
    recipient_name: str = Field(max_length=200)  # e.g. 枣庄市能源局, 矿第十二届职工代表大会
    sent_at: datetime = _at(nullable=False)
    sent_by_id: int = Field(foreign_key="user_account.id")
    note: str | None = _text(nullable=True)


class Supervision(SQLModel, table=True):
    """挂牌督办 by an authority: the order, and the regulator's acceptance with the 销号 date."""

    __tablename__ = "major_supervision"

    id: int | None = Field(default=None, primary_key=True)
    hazard_id: int = Field(foreign_key="hazard.id", unique=True)
    order_no: str = Field(max_length=64)  # 督办通知书文号
    authority: str = Field(max_length=200)
    listed_at: datetime = _at(nullable=False)
    recorded_by_id: int = Field(foreign_key="user_account.id")
    accepted_at: datetime | None = _at()  # the regulator's acceptance (验收)
    accepted_by: str | None = Field(default=None, max_length=200)
    delisted_at: datetime | None = _at()  # 销号
    accept_note: str | None = _text(nullable=True)
