"""Which unit a hazard is about: the responsible unit (责任单位) the five fixes named, and until they name
one, the unit in charge of the hazard's location, else of the location's area.

The scorecard's "about the unit", the register's unit filter, the ledger and the statistics all read
this one rule; a unit covers the units under it (a 区队 answers for its 班组, the mine for everything).
"""

from typing import Any

from sqlalchemy import ColumnElement, Select, and_, bindparam, func, or_, select
from sqlmodel import Session

from safety_service.errors import InvalidInput
from safety_service.hazards.models import Hazard
from safety_service.locations.models import Area, Location
from safety_service.units import service as units_service
from safety_service.units.models import OrgUnit

H = Hazard.__table__.c
_L, _A = Location.__table__, Area.__table__

# The unit a hazard is about, for a query that joins the hazard to its place (``with_place``).
UNIT_ID: ColumnElement[Any] = func.coalesce(H.unit_id, _L.c.unit_id, _A.c.unit_id)


def with_place(query: Select) -> Select:
    """The query over hazards joined to their location and the location's area, so ``UNIT_ID`` can be read."""
    return (query.select_from(Hazard.__table__).outerjoin(_L, _L.c.id == H.location_id)
            .outerjoin(_A, _A.c.id == _L.c.area_id))


def about(unit_ids: Select) -> ColumnElement[bool]:
    """Whether a hazard is about one of these units or one under them, as a condition on the hazard row alone
    (no join: the register's list adds it only when a unit is asked for)."""
    reach = units_service.reach(unit_ids)
    in_charge = select(_L.c.id).select_from(_L.outerjoin(_A, _A.c.id == _L.c.area_id)).where(
        or_(_L.c.unit_id.in_(reach), and_(_L.c.unit_id.is_(None), _A.c.unit_id.in_(reach))))
    return or_(H.unit_id.in_(reach), and_(H.unit_id.is_(None), H.location_id.in_(in_charge)))


def about_code(code: str | None = None) -> ColumnElement[bool]:
    """``about`` the unit with this code (a parameter named ``unit`` when no code is given)."""
    return about(select(OrgUnit.id).where(OrgUnit.code == (bindparam("unit") if code is None else code)))


def check_unit(session: Session, code: str | None) -> str | None:
    """The unit's code when there is such a unit (None when none is asked for); InvalidInput naming ``unit`` else."""
    if code is not None and session.exec(select(OrgUnit.id).where(OrgUnit.code == code)).first() is None:
        raise InvalidInput(f"unknown unit {code!r}", field="unit")
    return code
