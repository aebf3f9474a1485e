"""Only counsellors and admins see or touch cases, families and sessions; every read of a case is logged."""

import logging

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from safety_service.config import Settings
from safety_service.counselling.models import CaseAccess, CaseEvent, CounsellingCase
from safety_service.counselling.states import CaseState
from safety_service.main import create_app
from safety_service.people.models import Person, Role
from tests.counselling.builders import make_case
from tests.people.builders import auth, make_user

API = "/api/v1"
CASE_ROUTES = [
    ("GET", "/cases", None), ("POST", "/cases", {"violation_id": 1}),
    ("GET", "/cases/{case}", None),
    ("POST", "/cases/{case}/plan", {"plan": "x", "family_contacts": []}),
    ("POST", "/cases/{case}/begin", {}), ("POST", "/cases/{case}/observe", {}),
    ("POST", "/cases/{case}/close", {"review_note": "x"}),
    ("GET", "/cases/{case}/sessions", None),
    ("POST", "/cases/{case}/sessions", {"kind": "talk", "held_on": "2026-11-01", "participants": ["a"], "note": "x"}),
    ("GET", "/cases/{case}/agreement", None),
    ("PUT", "/cases/{case}/agreement", {"signed_on": "2026-11-01", "family_contact_id": 1}),
    ("PUT", "/cases/{case}/agreement/scan", None),
    ("GET", "/cases/{case}/agreement/scan", None), ("GET", "/cases/{case}/agreement/scan/thumbnail", None),
    ("GET", "/workers/{worker}/family-contacts", None),
    ("POST", "/workers/{worker}/family-contacts", {"relation": "spouse", "name": "x", "phone": "13800138000"}),
    ("GET", "/counselling/figures", None),
]
OTHER_ROLES = [r for r in Role if r not in (Role.counsellor, Role.admin)]


def _call(client: TestClient, method: str, path: str, body: dict | None, headers: dict, case: CounsellingCase,
          worker: Person):
    url = API + path.format(case=case.id, worker=worker.employee_no)
    files = {"photo": ("a.png", b"x", "image/png")} if path.endswith("/scan") and method == "PUT" else None
    return client.request(method, url, headers=headers, json=body, files=files)


def test_the_route_list_is_every_case_route_of_the_app(settings: Settings) -> None:
    app = create_app(settings, run_scheduler=False, run_mqtt=False)
    private = {(method.upper(), path.removeprefix(API)) for path, item in app.openapi()["paths"].items()
               for method in item
               if path.startswith((f"{API}/cases", f"{API}/counselling")) or path.endswith("/family-contacts")}
    listed = {(m, p.replace("{case}", "{case_id}").replace("{worker}", "{employee_no}")) for m, p, _ in CASE_ROUTES}
    assert private == listed


@pytest.mark.parametrize(("method", "path", "body"), CASE_ROUTES)
def test_every_case_route_refuses_every_other_role(client: TestClient, session: Session, settings: Settings,
                                                   method: str, path: str, body: dict | None) -> None:
    case = make_case(session, state=CaseState.planned)
    worker = session.get(Person, case.person_id)
    events = len(session.exec(select(CaseEvent)).all())
    for role in OTHER_ROLES:
        response = _call(client, method, path, body, auth(make_user(session, role=role), settings), case, worker)
        assert response.status_code == 403, (role, response.text)
        assert "李梅" not in response.text and worker.name not in response.text
    assert _call(client, method, path, body, {}, case, worker).status_code == 401
    assert len(session.exec(select(CaseEvent)).all()) == events
    assert session.exec(select(CaseAccess).where(CaseAccess.case_id == case.id)).all() == []


@pytest.mark.parametrize("role", [Role.counsellor, Role.admin])
def test_counsellors_and_admins_may_read_a_case(client: TestClient, session: Session, settings: Settings,
                                                role: Role) -> None:
    case = make_case(session, state=CaseState.counselling)
    response = client.get(f"{API}/cases/{case.id}", headers=auth(make_user(session, role=role), settings))
    assert response.status_code == 200 and response.json()["family_contacts"][0]["name"] == "李梅"


def test_every_read_of_a_case_is_logged(client: TestClient, session: Session, settings: Settings,
                                        caplog: pytest.LogCaptureFixture) -> None:
    counsellor = make_user(session, role=Role.counsellor)
    case = make_case(session, state=CaseState.counselling)
    headers = auth(counsellor, settings)
    with caplog.at_level(logging.INFO, logger="safety_service.counselling.queries"):
        for path in ("", "/sessions", "/agreement"):
            assert client.get(f"{API}/cases/{case.id}{path}", headers=headers).status_code == 200
        client.get(f"{API}/cases", headers=headers, params={"employee_no": session.get(Person, case.person_id)
                                                             .employee_no})
    rows = session.exec(select(CaseAccess).where(CaseAccess.case_id == case.id).order_by(col(CaseAccess.id))).all()
    assert [(r.what, r.user_id) for r in rows] == [("detail", counsellor.id), ("sessions", counsellor.id),
                                                   ("agreement", counsellor.id), ("list", counsellor.id)]
    assert all(r.at is not None and r.at.tzinfo is not None for r in rows)
    logged = [r for r in caplog.records if r.getMessage() == "counselling case read"]
    assert [(r.what, r.user, r.case_ids) for r in logged] == [
        ("detail", counsellor.username, [case.id]), ("sessions", counsellor.username, [case.id]),
        ("agreement", counsellor.username, [case.id]), ("list", counsellor.username, [case.id])]


def test_a_refused_read_leaves_no_access_row(client: TestClient, session: Session, settings: Settings) -> None:
    case = make_case(session)
    client.get(f"{API}/cases/{case.id}", headers=auth(make_user(session, role=Role.officer), settings))
    assert session.exec(select(CaseAccess).where(CaseAccess.case_id == case.id)).all() == []


def test_violation_answers_never_tell_of_cases(client: TestClient, session: Session, settings: Settings) -> None:
    case = make_case(session, state=CaseState.counselling)
    worker = session.get(Person, case.person_id)
    history = client.get(f"{API}/workers/{worker.employee_no}/violations",
                         headers=auth(make_user(session, role=Role.officer), settings))
    assert history.status_code == 200 and history.json()["count"] == 1
    assert "case" not in history.text and "李梅" not in history.text
