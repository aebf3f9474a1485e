"""Cutting a list or a figure by unit: the two rules every cut reads, written once.

- **A place's unit**: a location is in the charge of its own unit, else of its area's unit.
- **A person's unit**: the unit the person belongs to.

A unit covers the units under it (``service.reach``): a 区队 answers for its 班组, the mine for everything. A cut is
asked for by the unit's code (``unit=ZC1``); an unknown code is ``InvalidInput`` naming ``unit``.
"""

from typing import Any

from sqlalchemy import ColumnElement, bindparam, func
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from safety_service.database import table_of
from safety_service.errors import InvalidInput
from safety_service.locations.models import Area, Location
from safety_service.people.models import Person
from safety_service.units import service as units_service
from safety_service.units.models import OrgUnit

_L, _A = table_of(Location), table_of(Area)

# The unit in charge of a place, for a query that joins the location to its area (``places``).
PLACE_UNIT: ColumnElement[Any] = func.coalesce(_L.c.unit_id, _A.c.unit_id)


def check_unit(session: Session, code: str | None) -> str | None:
    """The unit's code when there is such a unit (None when none is asked for); InvalidInput naming ``unit`` else."""
    if code is not None and session.exec(select(OrgUnit.id).where(OrgUnit.code == code)).first() is None:
        raise InvalidInput(f"unknown unit {code!r}", field="unit")
    return code


def coded(code: str | None = None) -> SelectOfScalar[Any]:
    """The id of the unit with this code (a parameter named ``unit`` when no code is given)."""
    return select(OrgUnit.id).where(OrgUnit.code == (bindparam("unit") if code is None else code))


def places(unit_ids: SelectOfScalar[Any]) -> SelectOfScalar[Any]:
    """The ids of the locations in the charge of these units or of a unit under them (the place rule)."""
    located = _L.outerjoin(_A, _A.c.id == _L.c.area_id)
    return select(_L.c.id).select_from(located).where(PLACE_UNIT.in_(units_service.reach(unit_ids)))


def areas(unit_ids: SelectOfScalar[Any]) -> SelectOfScalar[Any]:
    """The ids of the areas in the charge of these units or of a unit under them."""
    return select(_A.c.id).where(_A.c.unit_id.in_(units_service.reach(unit_ids)))


def people(unit_ids: SelectOfScalar[Any]) -> SelectOfScalar[Any]:
    """The ids of the people who belong to these units or to a unit under them (the person rule)."""
    return select(Person.id).where(col(Person.unit_id).in_(units_service.reach(unit_ids)))


def employee_numbers(unit_ids: SelectOfScalar[Any]) -> SelectOfScalar[Any]:
    """The employee numbers of those people (the reward ledger names people by them)."""
    return select(Person.employee_no).where(col(Person.unit_id).in_(units_service.reach(unit_ids)))
