"""The units API: staff read the tree, administrators change it, everyone else is refused."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from safety_service.config import Settings
from safety_service.locations.models import Area
from safety_service.people.models import Person, Role
from tests.locations.builders import make_area
from tests.people.builders import auth, make_person, make_user
from tests.units.builders import make_unit

READERS = {Role.officer, Role.chief, Role.admin, Role.dispatcher}  # the staff


@pytest.mark.parametrize("role", list(Role))
def test_only_staff_read_the_units(client: TestClient, session: Session, settings: Settings, role: Role) -> None:
    unit = make_unit(session)
    response = client.get("/api/v1/units", headers=auth(make_user(session, role=role), settings))
    assert response.status_code == (200 if role in READERS else 403)
    if role in READERS:
        assert unit.code in {row["code"] for row in response.json()["data"]}


@pytest.mark.parametrize("role", [r for r in Role if r != Role.admin])
def test_only_administrators_change_units(client: TestClient, session: Session, settings: Settings,
                                          role: Role) -> None:
    headers = auth(make_user(session, role=role), settings)
    body = {"code": "MINE-X", "name_zh": "田陈煤矿", "kind": "mine"}
    assert client.post("/api/v1/units", json=body, headers=headers).status_code == 403


def test_an_administrator_builds_a_unit_and_fills_it(client: TestClient, session: Session,
                                                      settings: Settings) -> None:
    admin = auth(make_user(session, role=Role.admin), settings)
    leader = make_user(session, role=Role.owner)
    mine = make_unit(session, kind="mine")
    body = {"code": "ZC1", "name_zh": "综采一队", "kind": "team", "parent_code": mine.code,
            "leader": leader.username}
    created = client.post("/api/v1/units", json=body, headers=admin)
    assert created.status_code == 201, created.text
    assert (created.json()["parent_code"], created.json()["leader"]) == (mine.code, leader.username)
    person = make_person(session)
    joined = client.post("/api/v1/units/ZC1/members", json={"employee_no": person.employee_no}, headers=admin)
    assert joined.status_code == 204
    session.refresh(person)
    assert session.get(Person, person.id).unit_id is not None
    area = make_area(session)
    assert client.post("/api/v1/units/ZC1/charge", json={"area_code": area.code}, headers=admin).status_code == 204
    session.refresh(area)
    assert session.get(Area, area.id).unit_id == session.get(Person, person.id).unit_id


@pytest.mark.parametrize(("body", "field"), [
    ({"code": "T1", "name_zh": "掘进二队", "kind": "team"}, "parent_code"),
    ({"code": "T2", "name_zh": "掘进二队", "kind": "squad"}, "kind"),
    ({"code": "bad code", "name_zh": "掘进二队", "kind": "mine"}, "code"),
    ({"code": "T3", "name_zh": "某", "kind": "mine", "leader": "no-such-user"}, "leader"),
])
def test_bad_units_are_refused_naming_the_field(client: TestClient, session: Session, settings: Settings,
                                                body: dict, field: str) -> None:
    response = client.post("/api/v1/units", json=body, headers=auth(make_user(session, role=Role.admin), settings))
    assert 400 <= response.status_code < 500 and field in response.text


def test_members_of_unknown_units_or_people_are_404(client: TestClient, session: Session,
                                                    settings: Settings) -> None:
    admin = auth(make_user(session, role=Role.admin), settings)
    unit = make_unit(session)
    assert client.post("/api/v1/units/NOPE/members", json={"employee_no": "1"}, headers=admin).status_code == 404
    missing = client.post(f"/api/v1/units/{unit.code}/members", json={"employee_no": "NOBODY"}, headers=admin)
    assert missing.status_code == 404 and "employee_no" in missing.text
