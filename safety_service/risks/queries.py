"""Read models of the risk register: points with their risks, controls and reviews; failing controls."""

from collections import defaultdict

from sqlalchemy import ColumnElement, case, func, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from safety_service.database import saved_id
from safety_service.hazards.models import Hazard
from safety_service.locations.models import Area, Location
from safety_service.risks import rating
from safety_service.risks.models import Control, Risk, RiskPoint, RiskPointLocation, RiskReview
from safety_service.risks.schemas import (
    ControlPublic,
    FailedControl,
    ReviewPublic,
    RiskPointPublic,
    RiskPublic,
)
from safety_service.units import cuts


def in_unit(unit: str) -> ColumnElement[bool]:
    """Whether a risk point is in the charge of this unit or of a unit under it: one of its locations is (the place
    rule: the location's unit, else its area's), or its own area is."""
    ids = cuts.coded(unit)
    located = select(RiskPointLocation.risk_point_id).where(col(RiskPointLocation.location_id).in_(cuts.places(ids)))
    return or_(col(RiskPoint.id).in_(located), col(RiskPoint.area_id).in_(cuts.areas(ids)))


def risk_points(session: Session, *, codes: list[str] | None = None,
                unit: str | None = None) -> list[RiskPointPublic]:
    """Every risk point (or those named, or those in a unit's charge), highest level first, with its whole
    identification."""
    query = select(RiskPoint, Area.code).join(Area, col(RiskPoint.area_id) == Area.id, isouter=True)
    if codes is not None:
        query = query.where(col(RiskPoint.code).in_(codes))
    if unit is not None:
        query = query.where(in_unit(unit))
    rows = session.exec(query).all()
    ids = [saved_id(point) for point, _ in rows]
    places, risks, reviews = _places(session, ids), _risks(session, ids), _reviews(session, ids)
    found = [RiskPointPublic(id=i, code=p.code, name=p.name, kind=p.kind, area_code=area, level=p.level,
                             map_x=p.map_x, map_y=p.map_y, location_codes=places[i], risks=risks[i],
                             reviews=reviews[i]) for (p, area), i in zip(rows, ids, strict=True)]
    return sorted(found, key=lambda p: (rating.ORDER.index(p.level), p.code))


def risk_point(session: Session, *, point: RiskPoint) -> RiskPointPublic:
    return risk_points(session, codes=[point.code])[0]


def _places(session: Session, ids: list[int]) -> dict[int, list[str]]:
    query = (select(RiskPointLocation.risk_point_id, Location.code)
             .join(Location, col(RiskPointLocation.location_id) == Location.id)
             .where(col(RiskPointLocation.risk_point_id).in_(ids)).order_by(col(Location.code)))
    found: dict[int, list[str]] = defaultdict(list)
    for point_id, code in session.exec(query).all():
        found[point_id].append(code)
    return found


def _risks(session: Session, ids: list[int]) -> dict[int, list[RiskPublic]]:
    risks = session.exec(select(Risk).where(col(Risk.risk_point_id).in_(ids)).order_by(col(Risk.id))).all()
    controls: dict[int, list[ControlPublic]] = defaultdict(list)
    query = select(Control).where(col(Control.risk_id).in_([r.id for r in risks])).order_by(col(Control.id))
    for control in session.exec(query).all():
        controls[control.risk_id].append(ControlPublic.model_validate(control, from_attributes=True))
    found: dict[int, list[RiskPublic]] = defaultdict(list)
    for risk in risks:
        fields = {name: getattr(risk, name) for name in RiskPublic.model_fields if name != "controls"}
        found[risk.risk_point_id].append(RiskPublic(**fields, controls=controls[saved_id(risk)]))
    return found


def _reviews(session: Session, ids: list[int]) -> dict[int, list[ReviewPublic]]:
    query = select(RiskReview).where(col(RiskReview.risk_point_id).in_(ids)).order_by(col(RiskReview.reviewed_on))
    found: dict[int, list[ReviewPublic]] = defaultdict(list)
    for review in session.exec(query).all():
        found[review.risk_point_id].append(ReviewPublic.model_validate(review, from_attributes=True))
    return found


def failed_controls(session: Session, *, limit: int = 20) -> list[FailedControl]:
    """The controls named as failed by most hazards (rejected reports not counted), most first."""
    hazards = func.count(col(Hazard.id))
    open_hazards = func.sum(case((col(Hazard.is_open), 1), else_=0))
    # SQLAlchemy's select: SQLModel's is typed for at most four columns
    query = (sa_select(Control, col(RiskPoint.code), col(RiskPoint.name), hazards, open_hazards)
             .join(Hazard, col(Hazard.failed_control_id) == Control.id)
             .join(Risk, col(Control.risk_id) == Risk.id).join(RiskPoint, col(Risk.risk_point_id) == RiskPoint.id)
             .where(col(Hazard.state) != "rejected")
             .group_by(col(Control.id), col(RiskPoint.code), col(RiskPoint.name))
             .order_by(hazards.desc(), col(Control.id)).limit(limit))
    return [FailedControl(control_id=saved_id(c), risk_point_code=code, risk_point_name=name, measure=c.measure,
                          unit=c.unit, person=c.person, hazards=count, open_hazards=int(opened or 0))
            for c, code, name, count, opened in session.execute(query).all()]
