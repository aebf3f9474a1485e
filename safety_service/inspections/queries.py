"""Read models of inspection: plans, rounds with their checklists, and coverage over a period."""

from collections import defaultdict
from datetime import date, datetime

from sqlalchemy import true
from sqlmodel import Session, col, select

from safety_service.database import known, saved_id
from safety_service.hazards.models import Hazard
from safety_service.inspections import service
from safety_service.inspections.models import InspectionPlan, InspectionRound, PlanPoint, RoundItem
from safety_service.inspections.schemas import (
    Coverage,
    InspectorCoverage,
    ItemPublic,
    PlanPublic,
    PointCoverage,
    RoundPublic,
)
from safety_service.inspections.states import Frequency, RoundState
from safety_service.locations.models import Location
from safety_service.people.models import User
from safety_service.risks import queries as risks_queries
from safety_service.risks.models import Control, RiskPoint, RiskPointLocation


def plans(session: Session) -> list[PlanPublic]:
    """Every plan with its inspector and risk points."""
    rows = session.exec(select(InspectionPlan, User.username).join(User, col(InspectionPlan.inspector_id) == User.id)
                        .order_by(col(InspectionPlan.id))).all()
    codes: dict[int, list[str]] = defaultdict(list)
    for plan_id, code in session.exec(select(PlanPoint.plan_id, RiskPoint.code).join(
            RiskPoint, col(PlanPoint.risk_point_id) == RiskPoint.id).order_by(col(RiskPoint.code))).all():
        codes[plan_id].append(code)
    return [PlanPublic(**plan.model_dump(exclude={"inspector_id", "frequency"}), frequency=Frequency(plan.frequency),
                       inspector=name, risk_point_codes=codes[saved_id(plan)]) for plan, name in rows]


def rounds(session: Session, *, inspector: User | None = None, state: RoundState | None = None,
           location: Location | None = None, at: datetime | None = None,
           period: tuple[datetime, datetime] | None = None, unit: str | None = None,
           limit: int = 100) -> list[RoundPublic]:
    """Rounds, newest window first: one inspector's, in a state, at a location, open at a moment, of the risk
    points in a unit's charge."""
    query = select(InspectionRound)
    if unit is not None:
        query = query.join(RiskPoint, col(InspectionRound.risk_point_id) == RiskPoint.id).where(
            risks_queries.in_unit(unit))
    if inspector is not None:
        query = query.where(InspectionRound.inspector_id == inspector.id)
    if state is not None:
        query = query.where(InspectionRound.state == state)
    if location is not None:
        query = query.join(RiskPointLocation, col(RiskPointLocation.risk_point_id) == InspectionRound.risk_point_id
                           ).where(RiskPointLocation.location_id == location.id)
    if at is not None:
        query = query.where(col(InspectionRound.window_start) <= at, col(InspectionRound.window_end) > at)
    if period is not None:
        query = query.where(col(InspectionRound.window_start) >= period[0], col(InspectionRound.window_start) < period[1])
    found = session.exec(query.order_by(col(InspectionRound.window_start).desc(), col(InspectionRound.id))
                         .limit(limit)).all()
    return [one(session, inspection=r) for r in found]


def one(session: Session, *, inspection: InspectionRound) -> RoundPublic:
    """A round with its plan, risk point, checklist and (when done) its answers."""
    plan = known(session.get(InspectionPlan, inspection.plan_id))
    point = known(session.get(RiskPoint, inspection.risk_point_id))
    inspector = known(session.get(User, inspection.inspector_id))
    location = session.get(Location, inspection.location_id) if inspection.location_id else None
    query = (select(RoundItem, Control.measure, Hazard.ref).join(Control, col(RoundItem.control_id) == Control.id)
             .join(Hazard, col(RoundItem.hazard_id) == Hazard.id, isouter=True)
             .where(RoundItem.round_id == inspection.id).order_by(col(RoundItem.id)))
    items = [ItemPublic(control_id=i.control_id, measure=measure, ok=i.ok, note=i.note, hazard_ref=ref)
             for i, measure, ref in session.exec(query).all()]
    return RoundPublic(id=saved_id(inspection), plan_id=saved_id(plan), plan_name=plan.name, post=plan.post,
                       leader_round=plan.leader_round, risk_point_code=point.code, risk_point_name=point.name,
                       risk_level=point.level, inspector=inspector.username, window_start=inspection.window_start,
                       window_end=inspection.window_end, state=inspection.state, checked_at=inspection.checked_at,
                       location_code=location.code if location else None,
                       checklist=service.checklist(session, risk_point_id=saved_id(point)), items=items)


def coverage(session: Session, *, start: datetime, end: datetime, first: date, last: date,
             unit: str | None = None) -> Coverage:
    """Rounds whose window began in [start, end): done and missed per risk point and per inspector; with ``unit``,
    only at the risk points in the charge of that unit or a unit under it (``risks.queries.in_unit``)."""
    points_cut = risks_queries.in_unit(unit) if unit is not None else true()
    query = (select(InspectionRound, InspectionPlan, RiskPoint, User.username)
             .join(InspectionPlan, col(InspectionRound.plan_id) == InspectionPlan.id)
             .join(RiskPoint, col(InspectionRound.risk_point_id) == RiskPoint.id)
             .join(User, col(InspectionRound.inspector_id) == User.id)
             .where(col(InspectionRound.window_start) >= start, col(InspectionRound.window_start) < end, points_cut))
    rows = session.exec(query).all()
    found = _hazards_found(session, [saved_id(r) for r, *_ in rows])
    points: dict[str, PointCoverage] = {}
    people: dict[tuple[str, str, bool], InspectorCoverage] = {}
    for inspection, plan, point, username in rows:
        by_point = points.setdefault(point.code, PointCoverage(risk_point_code=point.code, risk_point_name=point.name,
                                                               risk_level=point.level))
        key = (username, plan.post, plan.leader_round)
        by_person = people.setdefault(key, InspectorCoverage(inspector=username, post=plan.post,
                                                             leader_round=plan.leader_round))
        for figures in (by_point, by_person):
            figures.due += 1
            figures.done += inspection.state == RoundState.done
            figures.missed += inspection.state == RoundState.missed
        by_person.hazards_found += found.get(saved_id(inspection), 0)
        if inspection.state == RoundState.done and username not in by_point.inspectors:
            by_point.inspectors.append(username)
    planned = set(session.exec(select(PlanPoint.risk_point_id)).all())
    unplanned = session.exec(select(RiskPoint.code).where(col(RiskPoint.active), points_cut,
                                                           col(RiskPoint.id).not_in(planned or {0}))).all()
    return Coverage(start=first, end=last, unit=unit, rounds=len(rows),
                    done=sum(p.done for p in points.values()), missed=sum(p.missed for p in points.values()),
                    hazards_found=sum(found.values()), by_point=sorted(points.values(), key=lambda p: p.risk_point_code),
                    by_inspector=sorted(people.values(), key=lambda p: (p.leader_round, p.inspector)),
                    unplanned_points=sorted(unplanned))


def _hazards_found(session: Session, round_ids: list[int]) -> dict[int, int]:
    counts: dict[int, int] = defaultdict(int)
    if round_ids:
        for round_id in session.exec(select(RoundItem.round_id).where(col(RoundItem.round_id).in_(round_ids),
                                                                      col(RoundItem.hazard_id).is_not(None))).all():
            counts[round_id] += 1
    return counts
