"""Builders for organisation units."""

import itertools
from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session

from safety_service.clock import utc_now
from safety_service.hazards.models import Hazard
from safety_service.hazards.states import Channel, Grade, HazardState
from safety_service.people.models import Person, Role, User
from safety_service.units import service as units_service
from safety_service.units.models import OrgUnit, UnitKind
from safety_service.units.schemas import OrgUnitCreate, UnitCharge
from tests.hazards.builders import make_hazard
from tests.locations.builders import make_area, make_location
from tests.people.builders import make_person, make_user

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
    person = session.get(Person, user.person_id)
    units_service.add_member(session, unit=unit, employee_no=person.employee_no)
    return user


@dataclass
class Cut:
    """A mine with a team (and its crew) and another team, and hazards each about one of them: ``fixed`` assigned to
    the crew and overdue, ``placed`` reported at a location in the team's charge, ``area`` reported in an area in the
    other team's charge, ``over_area`` at a location of the other team's inside an area of the team's, ``closed``
    closed by the other team, ``nowhere`` at a place in no unit's charge."""

    mine: OrgUnit
    team: OrgUnit
    crew: OrgUnit
    other: OrgUnit
    hazards: dict[str, Hazard]

    def refs(self, *names: str) -> set[str]:
        return {self.hazards[name].ref for name in names}


def make_cut(session: Session) -> Cut:
    """Units and hazards whose every figure differs by unit (see ``Cut``)."""
    mine = make_unit(session, kind=UnitKind.mine, name_zh="田陈煤矿")
    team = make_unit(session, parent=mine, name_zh="综采一队")
    crew = make_unit(session, kind=UnitKind.crew, parent=team, name_zh="综采一队一班")
    other = make_unit(session, parent=mine, name_zh="掘进二队")
    past = utc_now() - timedelta(days=5)
    owner = join(session, make_user(session, role=Role.owner), crew)
    closer = join(session, make_user(session, role=Role.owner), other)
    charged, area, inside = make_location(session), make_area(session), make_area(session)
    units_service.put_in_charge(session, unit=team, data=UnitCharge(location_code=charged.code))
    units_service.put_in_charge(session, unit=other, data=UnitCharge(area_code=area.code))
    units_service.put_in_charge(session, unit=team, data=UnitCharge(area_code=inside.code))
    over_area = make_location(session, area=inside)
    units_service.put_in_charge(session, unit=other, data=UnitCharge(location_code=over_area.code))
    hazards = {
        "fixed": make_hazard(session, state=HazardState.rectifying, grade=Grade.major, owner=owner,
                             now=past, deadline=past + timedelta(days=1)),
        "placed": make_hazard(session, location=charged, source=Channel.kiosk, category_code="gas"),
        "area": make_hazard(session, location=make_location(session, area=area)),
        "over_area": make_hazard(session, location=over_area),
        "closed": make_hazard(session, state=HazardState.closed, owner=closer, location=make_location(session, area=area)),
        "nowhere": make_hazard(session),
    }
    return Cut(mine, team, crew, other, hazards)


@dataclass
class Tree:
    """A mine with a team, the team's crew and another team, for the cuts that count people or places."""

    mine: OrgUnit
    team: OrgUnit
    crew: OrgUnit
    other: OrgUnit


def make_tree(session: Session) -> Tree:
    """A fresh mine → (综采一队 → 一班, 掘进二队)."""
    mine = make_unit(session, kind=UnitKind.mine, name_zh="田陈煤矿")
    team = make_unit(session, parent=mine, name_zh="综采一队")
    return Tree(mine, team, make_unit(session, kind=UnitKind.crew, parent=team, name_zh="综采一队一班"),
                make_unit(session, parent=mine, name_zh="掘进二队"))


def member(session: Session, unit: OrgUnit | None, *, name: str = "张三") -> Person:
    """A new person in this unit (in none when None)."""
    person = make_person(session, name=name)
    if unit is not None:
        units_service.add_member(session, unit=unit, employee_no=person.employee_no)
    return person
