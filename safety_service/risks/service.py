"""Risk points: identification, rating, controls, reviews, the map layout and the hazard link."""

import logging

from sqlmodel import Session, col, delete, select

from safety_service.database import known, saved_id
from safety_service.errors import AlreadyExists, InvalidInput, NotFound
from safety_service.hazards.models import Hazard
from safety_service.locations.models import Area, Location
from safety_service.people.models import User
from safety_service.risks import rating
from safety_service.risks.models import Control, Risk, RiskPoint, RiskPointLocation, RiskReview
from safety_service.risks.schemas import ControlCreate, HazardLink, MapPlace, ReviewCreate, RiskCreate, RiskPointCreate

logger = logging.getLogger(__name__)


def get_risk_point(session: Session, *, code: str, field: str = "code") -> RiskPoint:
    """The risk point with this code, or NotFound naming the field."""
    point = session.exec(select(RiskPoint).where(RiskPoint.code == code)).first()
    if point is None:
        raise NotFound(f"no risk point with code {code!r}", field=field)
    return point


def add_risk_point(session: Session, *, data: RiskPointCreate) -> RiskPoint:
    """Register a risk point at its locations, with the risks identified there."""
    if session.exec(select(RiskPoint.id).where(RiskPoint.code == data.code)).first() is not None:
        raise AlreadyExists(f"a risk point with code {data.code!r} exists", field="code")
    point = RiskPoint(code=data.code, name=data.name, kind=data.kind, area_id=area_id(session, data.area_code))
    session.add(point)
    session.flush()
    place(session, point, data.location_codes)
    for risk in data.risks:
        add_risk(session, point=point, data=risk)
    logger.info("risk point added", extra={"code": point.code, "level": str(point.level)})
    return point


def area_id(session: Session, code: str | None) -> int | None:
    if not code:
        return None
    area = session.exec(select(Area).where(Area.code == code)).first()
    if area is None:
        raise InvalidInput(f"no area with code {code!r}", field="area_code")
    return area.id


def place(session: Session, point: RiskPoint, codes: list[str]) -> None:
    for code in dict.fromkeys(codes):
        location = session.exec(select(Location).where(Location.code == code)).first()
        if location is None:
            raise InvalidInput(f"no location with code {code!r}", field="location_codes")
        session.add(RiskPointLocation(risk_point_id=saved_id(point), location_id=saved_id(location)))
    session.flush()


def add_risk(session: Session, *, point: RiskPoint, data: RiskCreate) -> Risk:
    """Rate an identified risk on the matrix and keep the inputs with the level; the point takes the highest."""
    score, level = rating.rate(data.likelihood, data.severity)
    risk = Risk(risk_point_id=saved_id(point), hazard_source=data.hazard_source, accident_type=data.accident_type,
                consequence=data.consequence, method=rating.METHOD, likelihood=data.likelihood,
                severity=data.severity, score=score, level=level)
    session.add(risk)
    session.flush()
    for control in data.controls:
        add_control(session, risk=risk, data=control)
    point.level = rating.highest([rating.RiskLevel(level) for level in session.exec(
        select(Risk.level).where(Risk.risk_point_id == point.id)).all()])
    session.add(point)
    session.flush()
    return risk


def get_risk(session: Session, *, risk_id: int) -> Risk:
    risk = session.get(Risk, risk_id)
    if risk is None:
        raise NotFound(f"no risk {risk_id}", field="risk_id")
    return risk


def add_control(session: Session, *, risk: Risk, data: ControlCreate) -> Control:
    """A control measure of a risk, with its responsible unit and person."""
    control = Control(risk_id=saved_id(risk), **data.model_dump())
    session.add(control)
    session.flush()
    return control


def record_review(session: Session, *, point: RiskPoint, data: ReviewCreate, actor: User | None) -> RiskReview:
    """Record an annual or special identification of the risk point (one per kind and day)."""
    same = select(RiskReview.id).where(RiskReview.risk_point_id == point.id, RiskReview.kind == data.kind,
                                       RiskReview.reviewed_on == data.reviewed_on)
    if session.exec(same).first() is not None:
        raise AlreadyExists("this identification is already recorded for that day", field="reviewed_on")
    review = RiskReview(risk_point_id=saved_id(point), recorded_by_id=actor.id if actor else None, **data.model_dump())
    session.add(review)
    session.flush()
    return review


def place_on_map(session: Session, *, point: RiskPoint, data: MapPlace) -> RiskPoint:
    """Put the risk point in a cell of the schematic map."""
    point.map_x, point.map_y = data.map_x, data.map_y
    session.add(point)
    session.flush()
    return point


def replace_risks(session: Session, *, point: RiskPoint) -> None:
    """Drop the point's risks and controls before a new identification replaces them (import)."""
    risk_ids = [known(i) for i in session.exec(select(Risk.id).where(Risk.risk_point_id == point.id)).all()]
    if _linked(session, risk_ids):
        raise InvalidInput(f"risk point {point.code!r} has hazards naming its controls; add risks instead",
                           field="risk_point_code")
    session.exec(delete(Control).where(col(Control.risk_id).in_(risk_ids)))
    session.exec(delete(Risk).where(col(Risk.risk_point_id) == point.id))
    session.exec(delete(RiskPointLocation).where(col(RiskPointLocation.risk_point_id) == point.id))
    point.level = rating.RiskLevel.low
    session.flush()


def _linked(session: Session, risk_ids: list[int]) -> bool:
    if not risk_ids:
        return False
    controls = select(Control.id).where(col(Control.risk_id).in_(risk_ids))
    return session.exec(select(Hazard.id).where(col(Hazard.failed_control_id).in_(controls))).first() is not None


def link_hazard(session: Session, *, hazard: Hazard, data: HazardLink) -> Hazard:
    """Name the risk point a hazard is at and the control that failed (the control must be the point's)."""
    point = get_risk_point(session, code=data.risk_point_code, field="risk_point_code")
    if data.control_id is not None and control_point(session, control_id=data.control_id) != point.id:
        raise InvalidInput(f"control {data.control_id} is not a control of {point.code!r}", field="control_id")
    hazard.risk_point_id, hazard.failed_control_id = point.id, data.control_id
    session.add(hazard)
    session.flush()
    return hazard


def control_point(session: Session, *, control_id: int) -> int | None:
    """The risk point a control belongs to, or None when there is no such control."""
    query = select(Risk.risk_point_id).join(Control, col(Control.risk_id) == Risk.id).where(Control.id == control_id)
    return session.exec(query).first()


def points_at(session: Session, *, location_id: int) -> list[RiskPoint]:
    """The active risk points at a location, highest level first."""
    query = (select(RiskPoint).join(RiskPointLocation, col(RiskPointLocation.risk_point_id) == RiskPoint.id)
             .where(RiskPointLocation.location_id == location_id, col(RiskPoint.active)))
    return sorted(session.exec(query).all(), key=lambda p: (rating.ORDER.index(p.level), p.code))
