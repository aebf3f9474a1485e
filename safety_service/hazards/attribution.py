"""Which unit a hazard is about: the responsible unit (责任单位) the five fixes named, and until they name
one, the unit in charge of the hazard's location, else of the location's area (the place rule, ``units.cuts``).

The scorecard's "about the unit", the register's unit filter, the ledger and the statistics all read
this one rule; a unit covers the units under it (a 区队 answers for its 班组, the mine for everything).
"""

from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, and_, false, func, or_
from sqlalchemy.engine import Connection
from sqlmodel.sql.expression import SelectOfScalar

from safety_service.database import table_of
from safety_service.hazards.models import Hazard
from safety_service.locations.models import Area, Location
from safety_service.units import cuts
from safety_service.units import service as units_service

_H = table_of(Hazard)
H = _H.c
_L, _A = table_of(Location), table_of(Area)

# The unit a hazard is about, for a query that joins the hazard to its place (``with_place``).
UNIT_ID: ColumnElement[Any] = func.coalesce(H.unit_id, cuts.PLACE_UNIT)


# Any SELECT over hazards (SQLAlchemy's or SQLModel's), kept as its own type by ``with_place``.
_Query = TypeVar("_Query", bound=Select[*tuple[Any, ...]])


def with_place(query: _Query) -> _Query:
    """The query over hazards joined to their location and the location's area, so ``UNIT_ID`` can be read."""
    return (query.select_from(_H).outerjoin(_L, _L.c.id == H.location_id)
            .outerjoin(_A, _A.c.id == _L.c.area_id))


def about(unit_ids: SelectOfScalar[Any]) -> ColumnElement[bool]:
    """Whether a hazard is about one of these units or one under them, as a condition on the hazard row alone
    (no join: the register's list adds it only when a unit is asked for)."""
    return or_(H.unit_id.in_(units_service.reach(unit_ids)),
               and_(H.unit_id.is_(None), H.location_id.in_(cuts.places(unit_ids))))


def about_code(code: str | None = None) -> ColumnElement[bool]:
    """``about`` the unit with this code (a parameter named ``unit`` when no code is given)."""
    return about(cuts.coded(code))


# A unit's reach (the unit with the code in the parameter ``unit`` and those under it) and the places in their
# charge, to be read before a count or a list names them (``about_listed``).
UNIT_REACH = units_service.reach(cuts.coded())
UNIT_PLACES = cuts.places(cuts.coded())


def about_read(connection: Connection, code: str) -> ColumnElement[bool]:
    """``about_code`` for a count on this connection. On PostgreSQL the units (the unit and those under it) and the
    places in their charge are read first and named in the condition: under the OR it runs the sub-selects of
    ``about`` as SubPlans against every hazard of the table (a unit's statistics page 1.8 s on a million hazards,
    0.03–0.5 s named); no such unit is a condition no hazard meets. SQLite keeps the sub-selects: for a unit with
    many hazards it is faster with them (60,000 of a million: 0.7 s against 1.1 s named), slower only for a unit
    with few (0.7 s against 7 ms)."""
    if connection.dialect.name != "postgresql":
        return about_code(code)
    units = connection.execute(UNIT_REACH, {"unit": code}).scalars().all()
    if not units:
        return false()
    places = connection.execute(UNIT_PLACES, {"unit": code}).scalars().all()
    return about_listed(units, places or None)


def about_listed(units: Any, places: Any | None) -> ColumnElement[bool]:
    """``about`` with the units (the unit and those under it) and the places in their charge named: lists of ids,
    or parameters holding them; ``places`` None when no place is in their charge."""
    named = H.unit_id.in_(units)
    return named if places is None else or_(named, and_(H.unit_id.is_(None), H.location_id.in_(places)))
