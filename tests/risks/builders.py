"""Builders for risk points with rated risks and controls."""

import itertools

from sqlmodel import Session

from safety_service.locations.models import Location
from safety_service.risks import service as risks_service
from safety_service.risks.models import RiskPoint
from safety_service.risks.schemas import ControlCreate, RiskCreate, RiskPointCreate
from safety_service.units import service as units_service
from safety_service.units.schemas import UnitCharge
from tests.locations.builders import make_area, make_location
from tests.units.builders import Tree

_numbers = itertools.count(1)


def make_risk_point(session: Session, *, location: Location | None = None, likelihood: int = 4, severity: int = 5,
                    name: str = "综采工作面", controls: int = 2, code: str | None = None) -> RiskPoint:
    """A risk point at a location with one rated risk and its controls."""
    location = location or make_location(session)
    measures = [ControlCreate(kind="engineering", measure=f"支架初撑力不低于24MPa ({n})", unit="综采一队",
                              person="王队长") for n in range(controls)]
    risk = RiskCreate(hazard_source="顶板离层、片帮", accident_type="顶板事故", consequence="人员伤亡",
                      likelihood=likelihood, severity=severity, controls=measures)
    data = RiskPointCreate(code=code or f"RP{next(_numbers):04d}", name=name, location_codes=[location.code], risks=[risk])
    return risks_service.add_risk_point(session, data=data)


def make_placed_points(session: Session, tree: Tree) -> dict[str, RiskPoint]:
    """Risk points whose unit differs (see ``tests.units.builders.Tree``): ``charged`` at a location in the team's
    charge, ``crew_area`` at a location of an area in the crew's charge, ``over_area`` at a location in the other
    team's charge inside that area, ``area_only`` in an area of the other team's at a location in no unit's charge
    (and no area), ``nowhere`` in no unit's charge."""
    crew_area, other_area = make_area(session), make_area(session)
    places = {"charged": make_location(session), "crew_area": make_location(session, area=crew_area),
              "over_area": make_location(session, area=crew_area), "area_only": make_location(session),
              "nowhere": make_location(session)}
    charges = ((tree.team, UnitCharge(location_code=places["charged"].code)),
               (tree.crew, UnitCharge(area_code=crew_area.code)),
               (tree.other, UnitCharge(location_code=places["over_area"].code)),
               (tree.other, UnitCharge(area_code=other_area.code)))
    for unit, charge in charges:
        units_service.put_in_charge(session, unit=unit, data=charge)
    names = {"charged": "1701 综采工作面", "crew_area": "3102 运输顺槽", "over_area": "中央变电所",
             "area_only": "主井提升系统", "nowhere": "地面机修车间"}
    points = {name: make_risk_point(session, location=place, name=names[name]) for name, place in places.items()}
    points["area_only"].area_id = other_area.id
    session.add(points["area_only"])
    session.flush()
    return points
