"""Builders for organisation units."""

import itertools

from sqlmodel import Session

from safety_service.people.models import User
from safety_service.units import service as units_service
from safety_service.units.models import OrgUnit, UnitKind
from safety_service.units.schemas import OrgUnitCreate

_numbers = itertools.count(1)


def make_unit(session: Session, *, kind: UnitKind = UnitKind.team, parent: OrgUnit | None = None,
              leader: User | None = None, name_zh: str = "综采一队") -> OrgUnit:
    """A unit of this kind; a section or team goes under a new mine unless a parent is given."""
    if parent is None and kind != UnitKind.mine:
        parent = make_unit(session, kind=UnitKind.mine, name_zh="田陈煤矿")
        if kind == UnitKind.crew:
            parent = make_unit(session, kind=UnitKind.team, parent=parent)
    data = OrgUnitCreate(code=f"U{next(_numbers)}", name_zh=name_zh, kind=kind,
                         parent_code=parent.code if parent else None, leader=leader.username if leader else None)
    return units_service.add_unit(session, data=data)


def join(session: Session, user: User, unit: OrgUnit) -> User:
    """Put the account's person in the unit."""
    from safety_service.people.models import Person

    person = session.get(Person, user.person_id)
    units_service.add_member(session, unit=unit, employee_no=person.employee_no)
    return user
