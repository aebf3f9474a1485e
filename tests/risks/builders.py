"""Builders for risk points with rated risks and controls."""

import itertools

from sqlmodel import Session

from safety_service.locations.models import Location
from safety_service.risks import service as risks_service
from safety_service.risks.models import RiskPoint
from safety_service.risks.schemas import ControlCreate, RiskCreate, RiskPointCreate
from tests.locations.builders import make_location

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
