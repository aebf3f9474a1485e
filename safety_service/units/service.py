"""Organisation units: the tree, who belongs where, what each unit is in charge of.

A unit's reach is itself and the units under it (a 区队 answers for its 班组); the tree is
at most three deep (矿 → 科室/区队 → 班组), so the reach is found in two steps.
"""

from collections import defaultdict
from typing import Any

from sqlalchemy import ColumnElement, func, or_
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from safety_service.database import table_of
from safety_service.errors import AlreadyExists, DomainError, InvalidInput, NotFound
from safety_service.locations.models import Area, Location
from safety_service.people import service as people_service
from safety_service.people.models import Person, User
from safety_service.units.models import PARENT_KINDS, OrgUnit, UnitKind
from safety_service.units.schemas import OrgUnitCreate, OrgUnitUpdate, UnitCharge
from safety_service.validation import broken_rules


def get_unit(session: Session, *, code: str, field: str = "unit") -> OrgUnit:
    """The unit with this code, or NotFound naming the field."""
    unit = session.exec(select(OrgUnit).where(OrgUnit.code == code)).first()
    if unit is None:
        raise NotFound(f"no unit {code!r}", field=field)
    return unit


def input_problems(session: Session, *, values: dict[str, str]) -> list[DomainError]:
    """What the add form's values break of the units' rules, each checked alone (the console names them all at once)."""
    def new_code(code: str) -> None:
        if session.exec(select(OrgUnit.id).where(OrgUnit.code == code)).first() is not None:
            raise AlreadyExists(f"unit {code!r} already exists", field="code")

    return broken_rules({"code": new_code, "parent_code": lambda code: _active_parent(session, code),
                         "leader": lambda username: _leader(session, username)}, values)


def add_unit(session: Session, *, data: OrgUnitCreate) -> OrgUnit:
    """Add a unit under its parent (a mine has none); the code must be new."""
    if session.exec(select(OrgUnit.id).where(OrgUnit.code == data.code)).first() is not None:
        raise AlreadyExists(f"unit {data.code!r} already exists", field="code")
    parent = _active_parent(session, data.parent_code) if data.parent_code else None
    _check_parent(data.kind, parent)
    leader = _leader(session, data.leader) if data.leader else None
    unit = OrgUnit.model_validate(data, update={"parent_id": parent.id if parent else None,
                                                "leader_id": leader.id if leader else None})
    session.add(unit)
    session.flush()
    return unit


def require_active(unit: OrgUnit, field: str = "unit") -> OrgUnit:
    """The unit, unless it is retired (a retired unit takes no new people, places or hazards)."""
    if not unit.active:
        raise InvalidInput(f"unit {unit.code!r} is retired", field=field)
    return unit


def _active_parent(session: Session, code: str) -> OrgUnit:
    parent = get_unit(session, code=code, field="parent_code")
    if not parent.active:
        raise InvalidInput(f"unit {code!r} is retired", field="parent_code")
    return parent


def update_unit(session: Session, *, unit: OrgUnit, data: OrgUnitUpdate) -> OrgUnit:
    """Rename, move under another unit, change the leader or retire (or restore) a unit; every broken rule is
    named at once (``InvalidInput`` with ``problems``) and nothing changes then."""
    given = data.model_dump(exclude_unset=True)
    checks = {
        "parent_code": lambda code: _check_move(session, unit, code),
        "leader": lambda username: _leader(session, username) if username else None,
        "active": lambda active: _check_retire(session, unit) if active is False else None,
    }
    if problems := broken_rules({name: checks[name] for name in checks if given.get(name) is not None}, given):
        raise InvalidInput(problems[0].message, field=problems[0].field, problems=problems)
    for name in ("name_zh", "name_en", "active"):
        if given.get(name) is not None:
            setattr(unit, name, given[name])
    if given.get("parent_code"):
        unit.parent_id = get_unit(session, code=given["parent_code"]).id
    if "leader" in given:
        unit.leader_id = _leader(session, given["leader"]).id if given["leader"] else None
    session.add(unit)
    session.flush()
    return unit


def _check_move(session: Session, unit: OrgUnit, code: str) -> None:
    try:
        parent = _active_parent(session, code)
    except NotFound as exc:
        raise InvalidInput(exc.message, field="parent_code") from exc
    _check_parent(unit.kind, parent)


def _check_retire(session: Session, unit: OrgUnit) -> None:
    """A unit with active units under it stays until they are moved or retired."""
    below = session.exec(select(OrgUnit.code).where(OrgUnit.parent_id == unit.id, col(OrgUnit.active))).first()
    if below is not None:
        raise InvalidInput(f"unit {below!r} still sits under {unit.code!r}", field="active")


def _check_parent(kind: UnitKind, parent: OrgUnit | None) -> None:
    allowed = PARENT_KINDS[kind]
    if parent is None and allowed:
        raise InvalidInput(f"a {kind} unit sits under a {' or '.join(sorted(allowed))}", field="parent_code")
    if parent is not None and parent.kind not in allowed:
        raise InvalidInput(f"a {kind} unit cannot sit under a {parent.kind}", field="parent_code")


def _leader(session: Session, username: str) -> User:
    user = people_service.get_user(session, username=username)
    if user is None or not user.is_active:
        raise InvalidInput(f"no active account {username!r}", field="leader")
    return user


def set_leader(session: Session, *, unit: OrgUnit, username: str) -> OrgUnit:
    """Make this account the unit's leader (区队长/科长/班组长)."""
    unit.leader_id = _leader(session, username).id
    session.add(unit)
    session.flush()
    return unit


def add_member(session: Session, *, unit: OrgUnit, employee_no: str) -> Person:
    """Put a person in this unit (a person belongs to one unit)."""
    require_active(unit)
    person = people_service.get_person(session, employee_no=employee_no)
    if person is None:
        raise NotFound(f"no person with employee number {employee_no!r}", field="employee_no")
    person.unit_id = unit.id
    session.add(person)
    session.flush()
    return person


def put_in_charge(session: Session, *, unit: OrgUnit, data: UnitCharge) -> Area | Location:
    """Make the unit responsible for an area or a location."""
    require_active(unit)
    if (data.area_code is None) == (data.location_code is None):
        raise InvalidInput("name either an area or a location", field="area_code")
    if data.area_code is not None:
        place: Area | Location | None = session.exec(select(Area).where(Area.code == data.area_code)).first()
        field = "area_code"
    else:
        place = session.exec(select(Location).where(Location.code == data.location_code)).first()
        field = "location_code"
    if place is None:
        raise NotFound(f"no such {field.removesuffix('_code')}", field=field)
    place.unit_id = unit.id
    session.add(place)
    session.flush()
    return place


def list_units(session: Session) -> list[tuple[OrgUnit, str | None, str | None, int]]:
    """Every unit in tree order with its parent's code, its leader's username and its member count."""
    parent = table_of(OrgUnit).alias("parent")
    members = select(func.count(col(Person.id))).where(Person.unit_id == OrgUnit.id).scalar_subquery()
    query = (
        select(OrgUnit, parent.c.code, User.username, members)
        .outerjoin(parent, parent.c.id == OrgUnit.parent_id)
        .outerjoin(User, col(User.id) == OrgUnit.leader_id)
        .order_by(col(OrgUnit.kind) != UnitKind.mine, parent.c.code.nulls_first(), col(OrgUnit.code))
    )
    return list(session.exec(query).all())


def in_tree_order(session: Session, *, retired: bool = False) -> list[OrgUnit]:
    """The active units (and the retired ones when asked), the mine first, then each section or team followed by
    its crews: the order of a chooser that indents crews under their unit."""
    query = select(OrgUnit).order_by(OrgUnit.code)
    units = list(session.exec(query if retired else query.where(col(OrgUnit.active))).all())
    ids = {unit.id for unit in units}
    children: dict[int | None, list[OrgUnit]] = defaultdict(list)
    for unit in units:
        children[unit.parent_id if unit.parent_id in ids else None].append(unit)
    ordered: list[OrgUnit] = []

    def visit(parent_id: int | None) -> None:
        for unit in children[parent_id]:
            ordered.append(unit)
            visit(unit.id)

    visit(None)
    return ordered


def unit_of_person(session: Session, *, person_id: int | None) -> OrgUnit | None:
    """The unit a person belongs to, if any."""
    person = session.get(Person, person_id) if person_id else None
    return session.get(OrgUnit, person.unit_id) if person and person.unit_id else None


def reach(unit_ids: SelectOfScalar[Any]) -> SelectOfScalar[Any]:
    """The ids of these units and of every unit under them (the tree is three deep)."""
    children = select(OrgUnit.id).where(col(OrgUnit.parent_id).in_(unit_ids))
    grandchildren = select(OrgUnit.id).where(col(OrgUnit.parent_id).in_(children))
    return select(OrgUnit.id).where(or_(col(OrgUnit.id).in_(unit_ids), col(OrgUnit.id).in_(children),
                                        col(OrgUnit.id).in_(grandchildren)))


def within(session: Session, *, unit: OrgUnit, other_id: int | None) -> bool:
    """Whether the unit with this id is this unit or one under it."""
    if other_id is None:
        return False
    condition: ColumnElement[bool] = col(OrgUnit.id) == other_id
    found = session.exec(reach(select(OrgUnit.id).where(OrgUnit.id == unit.id)).where(condition)).first()
    return found is not None


def responsible_unit(session: Session, *, location_id: int) -> OrgUnit | None:
    """The unit in charge of a location: its own, else its area's."""
    location = session.get(Location, location_id)
    if location is None:
        return None
    if location.unit_id:
        return session.get(OrgUnit, location.unit_id)
    area = session.get(Area, location.area_id) if location.area_id else None
    return session.get(OrgUnit, area.unit_id) if area and area.unit_id else None


def members(session: Session, *, unit: OrgUnit) -> list[Person]:
    """The people who belong to this unit, by employee number."""
    return list(session.exec(select(Person).where(Person.unit_id == unit.id).order_by(col(Person.employee_no))).all())


def places(session: Session, *, unit: OrgUnit) -> tuple[list[Area], list[Location]]:
    """The areas and the locations in this unit's charge."""
    areas = session.exec(select(Area).where(Area.unit_id == unit.id).order_by(col(Area.code))).all()
    locations = session.exec(select(Location).where(Location.unit_id == unit.id).order_by(col(Location.code))).all()
    return list(areas), list(locations)
