"""Only counsellors and admins see cases, families and sessions in the console; every read is logged.

Every other role gets the console's 403 page on every case route (before the case is looked up,
so the page never tells whether it exists), and no case in its navigation, lists or figures.
"""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from safety_service.console import case_forms, views
from safety_service.counselling.models import CaseAccess, CaseEvent, CounsellingCase, FamilyContact
from safety_service.counselling.states import CaseState
from safety_service.people.models import Person, Role
from tests.counselling.builders import assign, make_case

CASE_ROUTES = [
    ("GET", "/console/cases"), ("GET", "/console/cases/{case}"),
    *[("POST", f"/console/cases/{{case}}/{name}") for name in
      ("plan", "begin", "observe", "close", "contacts", "sessions", "agreement", "scan", "pair", "referral",
       "guarantee", "guarantee_scan", "link", "revoke_link", "show_message", "withdraw_message",
       "withdraw_consent")],
    ("GET", "/console/cases/{case}/agreement/scan"), ("GET", "/console/cases/{case}/agreement/scan/thumbnail"),
    ("GET", "/console/cases/{case}/guarantee/scan"), ("GET", "/console/cases/{case}/guarantee/scan/thumbnail"),
    ("GET", "/console/cases/{case}/family-messages/{message}/photo"),
    ("GET", "/console/cases/{case}/family-messages/{message}/photo/thumbnail"),
    ("GET", "/console/counselling/figures"),
    ("GET", "/console/counselling/access-log"),
]
OTHER_ROLES = [r for r in Role if r not in (Role.counsellor, Role.admin)]
FORM = {"plan": "x", "note": "x", "review_note": "x", "relation": "spouse", "name": "x", "phone": "13800138000",
        "kind": "talk", "held_on": "2026-01-01", "participants": "x", "signed_on": "2026-01-01",
        "family_contact_id": "1", "worker_consent": "on", "counsellor": "x", "referred_on": "2026-01-01", "id": "1",
        "days": "5", "share_stage": "on", "confirmed": "on"}


def _console_routes() -> set[tuple[str, str]]:
    """Every (method, path) of the console, from the routers its pages are gathered in."""
    found = set()
    for entry in views.router.routes:
        for route in getattr(entry, "original_router", entry).routes if hasattr(entry, "original_router") else [entry]:
            path = route.path if route.path.startswith("/console") else "/console" + route.path
            found |= {(method, path) for method in route.methods}
    return found


def test_the_route_list_is_every_case_route_of_the_console() -> None:
    private = {(m, p) for m, p in _console_routes() if p.startswith(("/console/cases", "/console/counselling"))}
    listed = {(m, p.replace("{case}", "{case_id}").replace("{message}", "{message_id}")) for m, p in CASE_ROUTES}
    forms = {p.rsplit("/", 1)[1] for m, p in CASE_ROUTES if m == "POST"}
    assert forms == set(case_forms.FORMS)
    assert private == {(m, p) for m, p in listed if m == "GET"} | {("POST", "/console/cases/{case_id}/{name}")}


def _call(console: TestClient, method: str, path: str, case: CounsellingCase, token: str):
    url = path.format(case=case.id, message=1)
    if method == "GET":
        return console.get(url)
    files = {"scan": ("a.jpg", b"x", "image/jpeg")} if url.endswith("scan") else None
    return console.post(url, data={"csrf_token": token, **FORM}, files=files)


@pytest.mark.parametrize(("method", "path"), CASE_ROUTES)
def test_every_case_page_refuses_every_other_role(console: TestClient, session: Session, signed_in, method: str,
                                                  path: str) -> None:
    case = make_case(session, state=CaseState.planned)
    worker = session.get(Person, case.person_id)
    events = len(session.exec(select(CaseEvent)).all())
    contacts = len(session.exec(select(FamilyContact)).all())
    for role in OTHER_ROLES:
        _, token = signed_in(role)
        answer = _call(console, method, path, case, token)
        assert answer.status_code == 403, (role, answer.text)
        assert 'id="problem"' in answer.text and "李梅" not in answer.text and worker.name not in answer.text
    assert len(session.exec(select(CaseEvent)).all()) == events
    assert len(session.exec(select(FamilyContact)).all()) == contacts
    assert session.exec(select(CaseAccess)).all() == []


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_an_unknown_case_is_403_too_for_other_roles(console: TestClient, signed_in, role: Role) -> None:
    signed_in(role)
    assert console.get("/console/cases/999999").status_code == 403
    assert console.get("/console/cases/abc").status_code == 403


@pytest.mark.parametrize(("method", "path"), CASE_ROUTES)
def test_an_anonymous_visitor_is_sent_to_sign_in(console: TestClient, session: Session, method: str,
                                                 path: str) -> None:
    case = make_case(session)
    answer = _call(console, method, path, case, "")
    assert answer.status_code in (303, 403) and session.exec(select(CaseAccess)).all() == []
    if method == "GET":
        assert answer.headers["location"].startswith("/console/login?next=")


@pytest.mark.parametrize("role", [Role.officer, Role.chief, Role.owner, Role.supervisor])
def test_other_roles_see_no_case_in_their_pages(console: TestClient, session: Session, signed_in,
                                                role: Role) -> None:
    case = make_case(session, state=CaseState.counselling)
    worker = session.get(Person, case.person_id)
    signed_in(role)
    paths = ["/console/", "/console/violations", "/console/violations/new", "/console/stats", "/console/ledger",
             f"/console/workers/{worker.employee_no}/violations"]
    for path in paths:
        page = console.get(path, follow_redirects=True)
        assert "/console/cases" not in page.text and "/console/counselling" not in page.text, (role, path)
        assert "李梅" not in page.text and "帮教" not in page.text, (role, path)
    assert session.exec(select(CaseAccess)).all() == []


@pytest.mark.parametrize("role", [Role.counsellor, Role.admin])
def test_counsellors_and_admins_read_cases_and_each_read_is_logged(console: TestClient, session: Session,
                                                                   signed_in, role: Role) -> None:
    user, _ = signed_in(role)
    case = make_case(session, state=CaseState.counselling)
    assign(session, user, case) if role == Role.counsellor else None
    assert console.get(f"/console/cases/{case.id}").status_code == 200
    assert console.get("/console/cases?state=counselling").status_code == 200
    assert console.get(f"/console/cases/{case.id}/agreement/scan/thumbnail").status_code == 404  # none yet
    rows = session.exec(select(CaseAccess).where(CaseAccess.case_id == case.id)).all()
    assert [(r.what, r.user_id) for r in rows] == [("detail", user.id), ("list", user.id)]


def test_the_access_log_page_is_for_admins_filtered(console: TestClient, session: Session, signed_in) -> None:
    counsellor, _ = signed_in(Role.counsellor)
    case = make_case(session, state=CaseState.counselling)
    assign(session, counsellor, case)
    session.commit()
    assert console.get(f"/console/cases/{case.id}").status_code == 200
    assert console.get("/console/counselling/access-log").status_code == 403
    signed_in(Role.admin)
    page = console.get(f"/console/counselling/access-log?case_id={case.id}&username={counsellor.username}")
    assert page.status_code == 200 and page.text.count("data-access=") == 1 and "detail" in page.text
    bad = console.get("/console/counselling/access-log?case_id=x&since=2026-13-01")
    assert bad.status_code == 422 and 'id="err-case_id"' in bad.text and 'id="err-since"' in bad.text


SHARED_PAGES = {"/console/cases", "/console/counselling/figures"}


@pytest.mark.parametrize(("method", "path"), CASE_ROUTES)
def test_every_case_page_refuses_another_counsellor(console: TestClient, session: Session, signed_in, method: str,
                                                    path: str) -> None:
    case = make_case(session, state=CaseState.planned)
    worker = session.get(Person, case.person_id)
    events = len(session.exec(select(CaseEvent)).all())
    _, token = signed_in(Role.counsellor)  # the case is another counsellor's
    answer = _call(console, method, path, case, token)
    if path in SHARED_PAGES:
        assert answer.status_code == 200 and f'data-case="{case.id}"' not in answer.text
    else:
        assert answer.status_code == 403, answer.text
    assert "李梅" not in answer.text and worker.name not in answer.text
    assert len(session.exec(select(CaseEvent)).all()) == events
    assert session.exec(select(CaseAccess).where(CaseAccess.case_id == case.id)).all() == []
