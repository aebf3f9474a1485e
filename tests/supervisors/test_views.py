"""The supervisors API: officers keep the roster and read the figures; nobody else."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from safety_service.config import Settings
from safety_service.people.models import Role
from tests.people.builders import auth, make_person, make_user


def test_an_officer_appoints_lists_and_ends_a_term(client: TestClient, session: Session, settings: Settings) -> None:
    headers = auth(make_user(session, role=Role.officer), settings)
    person = make_person(session, name="赵监督")
    created = client.post("/api/v1/supervisors", headers=headers,
                          json={"employee_no": person.employee_no, "term_from": "2031-01-01"})
    assert created.status_code == 201 and created.json()["name"] == "赵监督"
    on = client.get("/api/v1/supervisors", headers=headers, params={"on": "2031-02-01"}).json()
    assert person.employee_no in [s["employee_no"] for s in on["data"]]
    ended = client.post(f"/api/v1/supervisors/{created.json()['id']}/end", headers=headers,
                        json={"term_to": "2031-01-31"})
    assert ended.json()["term_to"] == "2031-01-31"
    off = client.get("/api/v1/supervisors", headers=headers, params={"on": "2031-02-01"}).json()
    assert person.employee_no not in [s["employee_no"] for s in off["data"]]
    early = client.post(f"/api/v1/supervisors/{created.json()['id']}/end", headers=headers,
                        json={"term_to": "2030-01-01"})
    assert early.status_code == 422 and early.json()["detail"][0]["loc"] == ["body", "term_to"]


def test_figures_and_roles(client: TestClient, session: Session, settings: Settings) -> None:
    officer = auth(make_user(session, role=Role.officer), settings)
    figures = client.get("/api/v1/supervisors/figures", headers=officer, params={"month": "2031-04"})
    assert figures.status_code == 200 and figures.json()["by_supervisor"] == []
    assert client.get("/api/v1/supervisors/figures", headers=officer, params={"month": "April"}).status_code == 422
    unknown = client.get("/api/v1/supervisors/figures", headers=officer, params={"month": "2031-04", "unit": "NO-SUCH"})
    assert unknown.status_code == 422 and unknown.json()["detail"][0]["loc"] == ["query", "unit"]
    for role in (Role.miner, Role.supervisor, Role.owner):
        headers = auth(make_user(session, role=role), settings)
        assert client.get("/api/v1/supervisors", headers=headers).status_code == 403
        assert client.post("/api/v1/supervisors", headers=headers,
                           json={"employee_no": "1", "term_from": "2031-01-01"}).status_code == 403


@pytest.mark.parametrize("month", ["0001-01", "9999-12"])
def test_figures_of_a_month_at_the_calendars_end_are_a_422_naming_it(client: TestClient, session: Session,
                                                                     settings: Settings, month: str) -> None:
    """Its local bounds have no UTC moment (0001-01 in the mine's time zone) or no next month: both were 500s."""
    officer = auth(make_user(session, role=Role.officer), settings)
    answer = client.get("/api/v1/supervisors/figures", headers=officer, params={"month": month})
    assert answer.status_code == 422 and answer.json()["detail"][0]["loc"] == ["query", "month"]
