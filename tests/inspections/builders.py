"""Builders for inspection plans and their rounds."""

import itertools
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from safety_service.inspections import service as inspections_service
from safety_service.inspections.models import InspectionPlan, InspectionRound
from safety_service.inspections.schemas import PlanCreate
from safety_service.people.models import Role, User
from safety_service.risks.models import RiskPoint
from tests.people.builders import make_user

_numbers = itertools.count(1)


def make_plan(session: Session, *, points: list[RiskPoint], inspector: User | None = None,
              frequency: str = "weekly", starts_on: date = date(2026, 11, 1), leader_round: bool = False
              ) -> InspectionPlan:
    inspector = inspector or make_user(session, role=Role.owner)
    actor = make_user(session, role=Role.officer)
    data = PlanCreate(name=f"计划{next(_numbers)}", inspector=inspector.username, post="区队长", frequency=frequency,
                      starts_on=starts_on, leader_round=leader_round, risk_point_codes=[p.code for p in points])
    return inspections_service.add_plan(session, data=data, actor=actor)


def rounds_of(session: Session, plan: InspectionPlan) -> list[InspectionRound]:
    query = select(InspectionRound).where(InspectionRound.plan_id == plan.id).order_by(InspectionRound.window_start)
    return list(session.exec(query).all())


def at(text: str) -> datetime:
    """A local Asia/Shanghai moment."""
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo("Asia/Shanghai"))
