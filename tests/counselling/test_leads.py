"""Lead counsellors (牵头帮教员) in the API: admins list, name and remove them; a removed lead sees only the cases
assigned to them again."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from safety_service.config import Settings
from safety_service.counselling.states import CaseState
from safety_service.people.models import Person, Role
from tests.counselling.builders import make_case
from tests.people.builders import auth, make_user

API = "/api/v1"


def _name(client: TestClient, admin: dict, username: str, team: str) -> int:
    named = client.post(f"{API}/counselling/leads", headers=admin, json={"username": username, "team": team})
    assert named.status_code == 201, named.text
    return named.json()["id"]


def test_an_admin_lists_and_removes_a_lead_who_then_loses_the_units_cases(client: TestClient, session: Session,
                                                                         settings: Settings) -> None:
    lead, admin = make_user(session, role=Role.counsellor), auth(make_user(session, role=Role.admin), settings)
    case = make_case(session, state=CaseState.counselling)
    team = session.get(Person, case.person_id).team
    lead_id = _name(client, admin, lead.username, team)
    listed = client.get(f"{API}/counselling/leads", headers=admin)
    assert listed.status_code == 200
    assert {"id": lead_id, "username": lead.username, "team": team} in listed.json()["data"]
    assert client.get(f"{API}/cases/{case.id}", headers=auth(lead, settings)).status_code == 200
    assert client.delete(f"{API}/counselling/leads/{lead_id}", headers=admin).status_code == 204
    assert lead_id not in [row["id"] for row in client.get(f"{API}/counselling/leads", headers=admin).json()["data"]]
    assert client.get(f"{API}/cases/{case.id}", headers=auth(lead, settings)).status_code == 403
    again = client.delete(f"{API}/counselling/leads/{lead_id}", headers=admin)
    assert again.status_code == 404 and again.json()["field"] == "lead_id"


@pytest.mark.parametrize("path", ["/counselling/leads/0", "/counselling/leads/abc", "/counselling/leads/99999999999"])
def test_a_bad_lead_id_is_refused_naming_it(client: TestClient, session: Session, settings: Settings,
                                            path: str) -> None:
    answer = client.delete(f"{API}{path}", headers=auth(make_user(session, role=Role.admin), settings))
    assert answer.status_code == 422 and "lead_id" in answer.text


def test_naming_a_lead_refuses_a_non_counsellor_and_a_second_time_naming_the_field(
        client: TestClient, session: Session, settings: Settings) -> None:
    admin = auth(make_user(session, role=Role.admin), settings)
    officer, lead = make_user(session, role=Role.officer), make_user(session, role=Role.counsellor)
    refused = client.post(f"{API}/counselling/leads", headers=admin, json={"username": officer.username, "team": "x"})
    assert refused.status_code == 404 and refused.json()["field"] == "username"
    _name(client, admin, lead.username, "掘进二队")
    twice = client.post(f"{API}/counselling/leads", headers=admin, json={"username": lead.username, "team": "掘进二队"})
    assert twice.status_code == 409 and twice.json()["field"] == "team"
    blank = client.post(f"{API}/counselling/leads", headers=admin, json={"username": "", "team": " "})
    assert blank.status_code == 422 and {e["loc"][-1] for e in blank.json()["detail"]} == {"username", "team"}


@pytest.mark.parametrize("role", [r for r in Role if r != Role.admin])
def test_only_admins_see_or_change_the_leads(client: TestClient, session: Session, settings: Settings,
                                             role: Role) -> None:
    admin = auth(make_user(session, role=Role.admin), settings)
    lead_id = _name(client, admin, make_user(session, role=Role.counsellor).username, "综采一队")
    headers = auth(make_user(session, role=role), settings)
    assert client.get(f"{API}/counselling/leads", headers=headers).status_code == 403
    assert client.delete(f"{API}/counselling/leads/{lead_id}", headers=headers).status_code == 403
    assert lead_id in [row["id"] for row in client.get(f"{API}/counselling/leads", headers=admin).json()["data"]]
