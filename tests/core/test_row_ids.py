"""A row id no row can have (0, or past the database's 64-bit integer) is a clear 4xx on every route that
takes one, never a driver error: SQLite's driver raised OverflowError for 2**63, which answered 500."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from safety_service.config import Settings
from safety_service.people.models import Role
from tests.hazards.builders import make_hazard
from tests.people.builders import auth, make_user

TOO_BIG = str(2**63)


@pytest.mark.parametrize("role, method, path, field", [
    (Role.officer, "GET", "/api/v1/bulletins/{id}", "bulletin_id"),
    (Role.officer, "GET", "/api/v1/bulletins/{id}/reads", "bulletin_id"),
    (Role.officer, "POST", "/api/v1/bulletins/{id}/publish", "bulletin_id"),
    (Role.officer, "POST", "/api/v1/supervisors/{id}/end", "supervisor_id"),
    (Role.officer, "GET", "/api/v1/hazards/{ref}/photos/{id}", "photo_id"),
    (Role.counsellor, "GET", "/api/v1/cases/{id}", "case_id"),
    (Role.counsellor, "GET", "/api/v1/cases/{id}/sessions", "case_id"),
    (Role.counsellor, "GET", "/api/v1/violations/{id}", "violation_id"),
])
@pytest.mark.parametrize("value", ["0", TOO_BIG])
def test_the_api_refuses_an_impossible_id_in_the_path(client: TestClient, session: Session, settings: Settings,
                                                        role: Role, method: str, path: str, field: str,
                                                        value: str) -> None:
    url = path.format(id=value, ref=make_hazard(session).ref)
    answer = client.request(method, url, headers=auth(make_user(session, role=role), settings), json={})
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"][0]["loc"] == ["path", field]


def test_the_api_refuses_impossible_ids_in_bodies(client: TestClient, session: Session, settings: Settings) -> None:
    counsellor = auth(make_user(session, role=Role.counsellor), settings)
    opened = client.post("/api/v1/cases", headers=counsellor, json={"violation_id": 2**63})
    assert opened.status_code == 422 and opened.json()["detail"][0]["loc"] == ["body", "violation_id"]
    marked = client.post("/api/v1/notifications/read", headers=auth(make_user(session, role=Role.officer), settings),
                         json={"ids": [1, 2**63]})
    assert marked.status_code == 422 and marked.json()["detail"][0]["loc"] == ["body", "ids", 1]
