"""The risk points on an area's board (board/2): the four-colour map of the area at the kiosk and the
risk points a kiosk report may name (双重预防, 安委办〔2016〕11号)."""

from sqlalchemy import or_
from sqlmodel import Session, col, select

from safety_service.database import saved_id
from safety_service.locations.models import Area, Location
from safety_service.protocol import retained
from safety_service.risks import riskmap
from safety_service.risks.models import RiskPoint, RiskPointLocation
from safety_service.risks.rating import ORDER, RiskLevel

MAX_POINTS = 200


def of_area(session: Session, *, area: Area) -> list[retained.BoardRiskPoint]:
    """The area's active risk points (its own, or at one of its locations), highest level first."""
    in_area = select(RiskPointLocation.risk_point_id).join(Location, col(Location.id) == RiskPointLocation.location_id
                                                           ).where(Location.area_id == area.id)
    points = session.exec(select(RiskPoint).where(col(RiskPoint.active), or_(
        col(RiskPoint.area_id) == area.id, col(RiskPoint.id).in_(in_area)))).all()
    points = sorted(points, key=lambda p: (ORDER.index(p.level), p.code))[:MAX_POINTS]
    ids = [saved_id(p) for p in points]
    places = _places(session, ids)
    counts = riskmap.open_hazards(session, point_ids=ids)
    return [retained.BoardRiskPoint(code=p.code, name=p.name, level=str(p.level), locations=places.get(i, [])[:100],
                                    open_hazards=counts[i], flagged=p.level == RiskLevel.major and counts[i] > 0)
            for p, i in zip(points, ids, strict=True)]


def _places(session: Session, ids: list[int]) -> dict[int, list[str]]:
    query = (select(RiskPointLocation.risk_point_id, Location.code)
             .join(Location, col(Location.id) == RiskPointLocation.location_id)
             .where(col(RiskPointLocation.risk_point_id).in_(ids), col(Location.active)).order_by(col(Location.code)))
    found: dict[int, list[str]] = {}
    for point_id, code in session.exec(query).all():
        found.setdefault(point_id, []).append(code)
    return found
