"""Changing a unit: rename, move under another, change the leader, retire; a retired unit takes nothing new
but stays on what named it. Through the service, the API and the CLI."""

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlmodel import Session

from safety_service.cli import main
from safety_service.config import Settings
from safety_service.errors import InvalidInput
from safety_service.hazards import service as hazards_service
from safety_service.hazards.schemas import HazardAssign
from safety_service.hazards.states import HazardState
from safety_service.people.models import Role
from safety_service.units import service as units_service
from safety_service.units.models import UnitKind
from safety_service.units.schemas import OrgUnitUpdate, UnitCharge
from tests.core.test_cli import cli  # noqa: F401 - the fixture: a fresh database of the current backend
from tests.hazards.builders import make_hazard
from tests.locations.builders import make_area
from tests.people.builders import auth, make_person, make_user
from tests.units.builders import join, make_unit


def test_a_crew_moves_to_another_team_and_a_unit_is_renamed_and_led(session: Session) -> None:
    team = make_unit(session)
    crew = make_unit(session, kind=UnitKind.crew, parent=team)
    other = make_unit(session, kind=UnitKind.team, parent=session.get(type(team), team.parent_id))
    leader = make_user(session, role=Role.owner)
    units_service.update_unit(session, unit=crew, data=OrgUnitUpdate(
        parent_code=other.code, name_zh="掘进二队掘进一班", leader=leader.username))
    assert (crew.parent_id, crew.name_zh, crew.leader_id) == (other.id, "掘进二队掘进一班", leader.id)
    assert units_service.within(session, unit=other, other_id=crew.id)
    assert not units_service.within(session, unit=team, other_id=crew.id)
    units_service.update_unit(session, unit=crew, data=OrgUnitUpdate(leader=""))
    assert crew.leader_id is None


def test_every_broken_rule_of_a_change_is_named_at_once_and_nothing_changes(session: Session) -> None:
    team = make_unit(session, name_zh="综采一队")
    crew = make_unit(session, kind=UnitKind.crew, parent=team)
    with pytest.raises(InvalidInput) as refused:
        units_service.update_unit(session, unit=team, data=OrgUnitUpdate(
            name_zh="改名", parent_code=crew.code, leader="no-such-user", active=False))
    fields = {p.field for p in refused.value.details["problems"]}
    assert fields == {"parent_code", "leader", "active"}  # under a crew; no such account; a crew still under it
    assert (team.name_zh, team.active) == ("综采一队", True)
    with pytest.raises(InvalidInput) as unknown:
        units_service.update_unit(session, unit=crew, data=OrgUnitUpdate(parent_code="NO-SUCH"))
    assert unknown.value.field == "parent_code"


def test_a_retired_unit_keeps_its_hazards_and_takes_nothing_new(session: Session) -> None:
    team = make_unit(session)
    owner = join(session, make_user(session, role=Role.owner), team)
    hazard = make_hazard(session, state=HazardState.rectifying, owner=owner)
    assert hazard.unit_id == team.id
    units_service.update_unit(session, unit=team, data=OrgUnitUpdate(active=False))
    assert hazard.unit_id == team.id and not team.active
    for call, field in (
        (lambda: units_service.add_member(session, unit=team, employee_no=make_person(session).employee_no), "unit"),
        (lambda: units_service.put_in_charge(session, unit=team, data=UnitCharge(area_code=make_area(session).code)),
         "unit"),
        (lambda: hazards_service.assign(session, hazard=make_hazard(session, state=HazardState.confirmed),
                                        actor=make_user(session, role=Role.officer),
                                        data=HazardAssign(owner=owner.username, unit=team.code, measures="补打锚杆",
                                                          funds=0, contingency_plan="设警戒")), "unit"),
    ):
        with pytest.raises(InvalidInput) as refused:
            call()
        assert refused.value.field == field
    mine = session.get(type(team), team.parent_id)
    with pytest.raises(InvalidInput) as under_retired:
        units_service.update_unit(session, unit=make_unit(session, kind=UnitKind.crew, parent=make_unit(
            session, kind=UnitKind.team, parent=mine)), data=OrgUnitUpdate(parent_code=team.code))
    assert under_retired.value.field == "parent_code"
    units_service.update_unit(session, unit=team, data=OrgUnitUpdate(active=True))
    assert team.active


@pytest.mark.parametrize("role", [r for r in Role if r != Role.admin])
def test_only_administrators_change_a_unit_over_the_api(client: TestClient, session: Session, settings: Settings,
                                                        role: Role) -> None:
    unit = make_unit(session, name_zh="综采一队")
    answer = client.patch(f"/api/v1/units/{unit.code}", json={"name_zh": "综采二队"},
                          headers=auth(make_user(session, role=role), settings))
    assert answer.status_code == 403 and unit.name_zh == "综采一队"


def test_the_api_changes_a_unit_and_names_every_error(client: TestClient, session: Session,
                                                      settings: Settings) -> None:
    admin = auth(make_user(session, role=Role.admin), settings)
    team = make_unit(session)
    crew = make_unit(session, kind=UnitKind.crew, parent=team)
    renamed = client.patch(f"/api/v1/units/{team.code}", json={"name_zh": "综采二队", "name_en": "Team 2"},
                           headers=admin)
    assert renamed.status_code == 200 and renamed.json()["name_zh"] == "综采二队"
    bad = client.patch(f"/api/v1/units/{team.code}", json={"parent_code": crew.code, "leader": "nobody",
                                                           "active": False}, headers=admin)
    assert bad.status_code == 422
    assert {e["loc"][-1] for e in bad.json()["detail"]} == {"parent_code", "leader", "active"}
    assert client.patch("/api/v1/units/NO-SUCH", json={"name_zh": "x"}, headers=admin).status_code == 404
    retired = client.patch(f"/api/v1/units/{crew.code}", json={"active": False}, headers=admin)
    assert retired.status_code == 200 and retired.json()["active"] is False


def test_unit_set_renames_moves_and_retires(cli: CliRunner) -> None:  # noqa: F811
    for args in (["unit", "add", "MINE", "--name", "田陈煤矿", "--kind", "mine"],
                 ["unit", "add", "ZC1", "--name", "综采一队", "--kind", "team", "--parent", "MINE"],
                 ["unit", "add", "JJ2", "--name", "掘进二队", "--kind", "team", "--parent", "MINE"],
                 ["unit", "add", "C1", "--name", "检修班", "--kind", "crew", "--parent", "ZC1"]):
        assert cli.invoke(main, args).exit_code == 0
    moved = cli.invoke(main, ["unit", "set", "C1", "--parent", "JJ2", "--name", "掘进二队检修班"])
    assert moved.exit_code == 0 and "掘进二队检修班" in moved.output
    assert "C1\tcrew\t掘进二队检修班\tJJ2" in cli.invoke(main, ["unit", "list"]).output
    refused = cli.invoke(main, ["unit", "set", "JJ2", "--retire"])
    assert refused.exit_code == 2 and "active" in refused.output
    assert cli.invoke(main, ["unit", "set", "C1", "--retire"]).exit_code == 0
    assert "(retired)" in cli.invoke(main, ["unit", "set", "C1"]).output
    assert cli.invoke(main, ["unit", "set", "NOPE", "--name", "x"]).exit_code == 3
