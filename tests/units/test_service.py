"""Organisation units: the tree's rules, membership, charge of places."""

import pytest
from sqlmodel import Session

from safety_service.errors import AlreadyExists, InvalidInput, NotFound
from safety_service.locations.models import Location
from safety_service.people.models import Person, Role
from safety_service.units import service as units_service
from safety_service.units.models import UnitKind
from safety_service.units.schemas import OrgUnitCreate, OrgUnitUpdate, UnitCharge
from tests.locations.builders import make_area, make_location
from tests.people.builders import make_user
from tests.units.builders import join, make_unit


def test_a_team_sits_under_the_mine_and_a_crew_under_a_team(session: Session) -> None:
    mine = make_unit(session, kind=UnitKind.mine)
    team = make_unit(session, kind=UnitKind.team, parent=mine)
    crew = make_unit(session, kind=UnitKind.crew, parent=team)
    assert (team.parent_id, crew.parent_id) == (mine.id, team.id)


@pytest.mark.parametrize(("kind", "parent_kind"), [
    (UnitKind.mine, UnitKind.mine), (UnitKind.team, UnitKind.team), (UnitKind.crew, UnitKind.mine),
    (UnitKind.section, UnitKind.crew),
])
def test_a_unit_under_the_wrong_kind_of_parent_is_refused(session: Session, kind: UnitKind,
                                                          parent_kind: UnitKind) -> None:
    parent = make_unit(session, kind=parent_kind)
    with pytest.raises(InvalidInput) as refused:
        units_service.add_unit(session, data=OrgUnitCreate(code="X1", name_zh="某单位", kind=kind,
                                                           parent_code=parent.code))
    assert refused.value.field == "parent_code"


def test_a_team_without_a_parent_is_refused(session: Session) -> None:
    with pytest.raises(InvalidInput) as refused:
        units_service.add_unit(session, data=OrgUnitCreate(code="X2", name_zh="掘进二队", kind=UnitKind.team))
    assert refused.value.field == "parent_code"


def test_unit_codes_are_unique_and_unknown_parents_and_leaders_are_named(session: Session) -> None:
    unit = make_unit(session)
    with pytest.raises(AlreadyExists):
        units_service.add_unit(session, data=OrgUnitCreate(code=unit.code, name_zh="重复", kind=UnitKind.mine))
    with pytest.raises(NotFound) as missing:
        units_service.add_unit(session, data=OrgUnitCreate(code="X3", name_zh="某", kind=UnitKind.team,
                                                           parent_code="NOPE"))
    assert missing.value.field == "parent_code"
    with pytest.raises(InvalidInput) as no_leader:
        units_service.add_unit(session, data=OrgUnitCreate(code="X4", name_zh="某", kind=UnitKind.mine,
                                                           leader="nobody-here"))
    assert no_leader.value.field == "leader"


def test_members_and_the_reach_of_a_unit(session: Session) -> None:
    team = make_unit(session)
    crew = make_unit(session, kind=UnitKind.crew, parent=team)
    worker = join(session, make_user(session, role=Role.owner), crew)
    assert session.get(Person, worker.person_id).unit_id == crew.id
    assert units_service.within(session, unit=team, other_id=crew.id)
    assert not units_service.within(session, unit=crew, other_id=team.id)
    rows = {unit.code: members for unit, _parent, _leader, members in units_service.list_units(session)}
    assert rows[crew.code] == 1 and rows[team.code] == 0


def test_a_location_answers_to_its_own_unit_else_its_areas(session: Session) -> None:
    area = make_area(session)
    location = make_location(session, area=area)
    area_unit, location_unit = make_unit(session, name_zh="通风科"), make_unit(session, name_zh="运输队")
    assert units_service.responsible_unit(session, location_id=location.id) is None
    units_service.put_in_charge(session, unit=area_unit, data=UnitCharge(area_code=area.code))
    assert units_service.responsible_unit(session, location_id=location.id).id == area_unit.id
    units_service.put_in_charge(session, unit=location_unit, data=UnitCharge(location_code=location.code))
    assert session.get(Location, location.id).unit_id == location_unit.id
    assert units_service.responsible_unit(session, location_id=location.id).id == location_unit.id


def test_charge_names_exactly_one_known_place(session: Session) -> None:
    unit = make_unit(session)
    with pytest.raises(InvalidInput):
        units_service.put_in_charge(session, unit=unit, data=UnitCharge())
    with pytest.raises(NotFound) as missing:
        units_service.put_in_charge(session, unit=unit, data=UnitCharge(location_code="NOWHERE"))
    assert missing.value.field == "location_code"


def test_choosers_list_each_crew_under_its_own_unit_and_retired_units_only_when_asked(session: Session) -> None:
    for code, kind, parent in (("TRM", "mine", None), ("TRA", "team", "TRM"), ("TRZ", "team", "TRM"),
                               ("TRA1", "crew", "TRA"), ("TRZ1", "crew", "TRZ")):
        units_service.add_unit(session, data=OrgUnitCreate(code=code, name_zh=code, kind=kind, parent_code=parent))
    units_service.update_unit(session, unit=units_service.get_unit(session, code="TRZ1"),
                              data=OrgUnitUpdate(active=False))
    ours = ("TRM", "TRA", "TRZ", "TRA1", "TRZ1")
    assert [u.code for u in units_service.in_tree_order(session) if u.code in ours] == ["TRM", "TRA", "TRA1", "TRZ"]
    assert [u.code for u in units_service.in_tree_order(session, retired=True) if u.code in ours] == [
        "TRM", "TRA", "TRA1", "TRZ", "TRZ1"]
