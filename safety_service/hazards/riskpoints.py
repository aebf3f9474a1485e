"""The risk point (风险点) a report names: it must be one of the report's location, and a new hazard at a
major (重大) risk point goes to the chief at once (双重预防, 安委办〔2016〕11号).

The risks domain sits above hazards (it counts hazards per point), so the two risk point tables are
named here as table clauses rather than imported.
"""

from sqlalchemy import column, table
from sqlmodel import Session, select

from safety_service.notifications import service as notifications_service
from safety_service.people import service as people_service
from safety_service.people.models import Role

MAJOR = "major"
_POINT = table("risk_point", column("id"), column("code"), column("level"), column("active"))
_PLACE = table("risk_point_location", column("risk_point_id"), column("location_id"))


class RiskPoints:
    """The risk points a batch names with the locations each belongs to, looked up once."""

    def __init__(self, session: Session, codes: set[str]) -> None:
        self.points: dict[str, tuple[int, str, set[int]]] = {}
        if not codes:
            return
        query = (select(_POINT.c.code, _POINT.c.id, _POINT.c.level, _PLACE.c.location_id)
                 .join(_PLACE, _PLACE.c.risk_point_id == _POINT.c.id, isouter=True)
                 .where(_POINT.c.code.in_(codes), _POINT.c.active.is_(True)))
        for code, point_id, level, location_id in session.execute(query).all():
            self.points.setdefault(code, (point_id, level, set()))[2].add(location_id)

    def at(self, code: str, location_id: int) -> tuple[int, str] | None:
        """The point's id and level when it is a risk point of that location, else None."""
        found = self.points.get(code)
        return (found[0], found[1]) if found and location_id in found[2] else None


def notify_major(session: Session, created: list[tuple[int, str, str]]) -> None:
    """Tell the chiefs of each new hazard (id, ref, risk point code) at a major risk point."""
    if not created:
        return
    chiefs = people_service.active_users_with_roles(session, roles=[Role.chief])
    for hazard_id, ref, code in created:
        notifications_service.notify(session, users=chiefs, hazard_id=hazard_id, kind="major_point_hazard",
                                     data={"ref": ref, "risk_point": code})
