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
    ("POST", "/workers/{worker}/family-contacts", {"relation": "spouse", "name": "x", "phone": "13800138000", "worker_consent": True}),
    ("GET", "/counselling/figures", None),
    ("POST", "/cases/{case}/pair", {"counsellor": "x", "mentor_employee_no": "x", "mentor_role": "team_leader"}),
    ("POST", "/counselling/leads", {"username": "x", "team": "x"}),
    ("GET", "/counselling/leads", None), ("DELETE", "/counselling/leads/{lead}", None),
    ("POST", "/cases/{case}/referral", {"referred_on": "2026-11-01"}),
    ("GET", "/counselling/access-log", None), ("GET", "/counselling/access-log.csv", None),
    ("GET", "/cases/{case}/guarantee", None),
    ("PUT", "/cases/{case}/guarantee", {"signed_on": "2026-11-01", "family_contact_id": 1}),
    ("PUT", "/cases/{case}/guarantee/scan", None),
    ("GET", "/cases/{case}/guarantee/scan", None), ("GET", "/cases/{case}/guarantee/scan/thumbnail", None),
    ("GET", "/cases/{case}/family-links", None),
    ("POST", "/cases/{case}/family-links", {"family_contact_id": 1, "share_stage": True}),
    ("POST", "/cases/{case}/family-links/{link}/revoke", None),
    ("GET", "/cases/{case}/family-visits", None),
    ("GET", "/cases/{case}/family-messages", None),
    ("POST", "/cases/{case}/family-messages/{message}/show", None),
    ("POST", "/cases/{case}/family-messages/{message}/withdraw", None),
    ("GET", "/cases/{case}/family-messages/{message}/photo", None),
    ("GET", "/cases/{case}/family-messages/{message}/photo/thumbnail", None),
]
# Routes that answer another counsellor without a case's content: the list (without the case), the figures.
SHARED = {("GET", "/cases"), ("GET", "/counselling/figures")}
OTHER_ROLES = [r for r in Role if r not in (Role.counsellor, Role.admin)]


def _call(client: TestClient, method: str, path: str, body: dict | None, headers: dict, case: CounsellingCase,
          worker: Person, **ids: int):
    url = API + path.format(**{"link": 1, "message": 1, "lead": 1, **ids}, case=case.id, worker=worker.employee_no)
    files = {"photo": ("a.png", b"x", "image/png")} if path.endswith("/scan") and method == "PUT" else None
    return client.request(method, url, headers=headers, json=body, files=files)


def test_the_route_list_is_every_case_route_of_the_app(settings: Settings) -> None:
    app = create_app(settings, run_scheduler=False, run_mqtt=False)
    private = {(method.upper(), path.removeprefix(API)) for path, item in app.openapi()["paths"].items()
               for method in item
               if path.startswith((f"{API}/cases", f"{API}/counselling")) or path.endswith("/family-contacts")}
    listed = {(m, p.replace("{case}", "{case_id}").replace("{worker}", "{employee_no}").replace("{link}", "{link_id}")
               .replace("{message}", "{message_id}").replace("{lead}", "{lead_id}")) for m, p, _ in CASE_ROUTES}
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
def test_the_cases_counsellor_and_admins_may_read_a_case(client: TestClient, session: Session, settings: Settings,
                                                         role: Role) -> None:
    reader = make_user(session, role=role)
    case = make_case(session, state=CaseState.counselling, counsellor=reader if role == Role.counsellor else None)
    response = client.get(f"{API}/cases/{case.id}", headers=auth(reader, settings))
    assert response.status_code == 200 and response.json()["family_contacts"][0]["name"] == "李梅"


def test_every_read_of_a_case_is_logged(client: TestClient, session: Session, settings: Settings,
                                        caplog: pytest.LogCaptureFixture) -> None:
    counsellor = make_user(session, role=Role.counsellor)
    case = make_case(session, state=CaseState.counselling, counsellor=counsellor)
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


@pytest.mark.parametrize(("method", "path", "body"), CASE_ROUTES)
def test_every_case_and_family_route_refuses_another_counsellor(client: TestClient, session: Session,
                                                                settings: Settings, method: str, path: str,
                                                                body: dict | None) -> None:
    owner = make_user(session, role=Role.counsellor)
    case = make_case(session, state=CaseState.counselling, counsellor=owner)
    worker = session.get(Person, case.person_id)
    events = len(session.exec(select(CaseEvent)).all())
    another = auth(make_user(session, role=Role.counsellor), settings)
    response = _call(client, method, path, body, another, case, worker)
    if (method, path) in SHARED:
        assert response.status_code == 200 and str(case.id) not in [str(c.get("id")) for c in
                                                                     response.json().get("data", [])]
    elif (method, path) == ("POST", "/cases"):  # opening from a violation: refused before any case is named
        assert response.status_code in (404, 409)
    else:
        assert response.status_code == 403, response.text
    assert "李梅" not in response.text and worker.name not in response.text
    assert len(session.exec(select(CaseEvent)).all()) == events
    assert session.exec(select(CaseAccess).where(CaseAccess.case_id == case.id)).all() == []


def test_a_lead_counsellor_sees_their_units_cases_and_pairs_them(client: TestClient, session: Session,
                                                                 settings: Settings) -> None:
    from tests.people.builders import make_person

    owner, lead, admin = (make_user(session, role=r) for r in (Role.counsellor, Role.counsellor, Role.admin))
    case = make_case(session, state=CaseState.counselling, counsellor=owner)
    worker = session.get(Person, case.person_id)
    headers = auth(lead, settings)
    assert client.get(f"{API}/cases/{case.id}", headers=headers).status_code == 403
    named = client.post(f"{API}/counselling/leads", headers=auth(admin, settings),
                        json={"username": lead.username, "team": worker.team})
    assert named.status_code == 201, named.text
    assert client.get(f"{API}/cases/{case.id}", headers=headers).status_code == 200
    assert case.id in [c["id"] for c in client.get(f"{API}/cases", headers=headers).json()["data"]]
    mentor, stranger = make_person(session, name="班长老赵", team=worker.team), make_person(session, team="别的队")
    body = {"counsellor": lead.username, "mentor_employee_no": stranger.employee_no, "mentor_role": "team_leader"}
    refused = client.post(f"{API}/cases/{case.id}/pair", headers=headers, json=body)
    assert refused.status_code == 422 and "mentor_employee_no" in refused.text
    paired = client.post(f"{API}/cases/{case.id}/pair", headers=headers,
                         json={**body, "mentor_employee_no": mentor.employee_no})
    assert paired.status_code == 200 and paired.json()["mentor_name"] == "班长老赵"
    assert paired.json()["counsellor"] == lead.username
    assert client.get(f"{API}/cases/{case.id}", headers=auth(owner, settings)).status_code == 403


def test_admins_read_and_export_the_access_log_filtered(client: TestClient, session: Session,
                                                        settings: Settings) -> None:
    counsellor, admin = make_user(session, role=Role.counsellor), make_user(session, role=Role.admin)
    case, other = (make_case(session, state=CaseState.counselling, counsellor=counsellor) for _ in range(2))
    for each in (case, other):
        assert client.get(f"{API}/cases/{each.id}", headers=auth(counsellor, settings)).status_code == 200
    as_admin = auth(admin, settings)
    found = client.get(f"{API}/counselling/access-log", headers=as_admin,
                       params={"case_id": case.id, "username": counsellor.username})
    assert found.status_code == 200, found.text
    assert [(r["case_id"], r["what"], r["role"]) for r in found.json()["data"]] == [(case.id, "detail", "counsellor")]
    exported = client.get(f"{API}/counselling/access-log.csv", headers=as_admin, params={"case_id": other.id})
    assert exported.status_code == 200 and counsellor.username in exported.text and "detail" in exported.text
    bad = client.get(f"{API}/counselling/access-log", headers=as_admin, params={"since": "yesterday"})
    assert bad.status_code == 422 and "since" in bad.text
    assert client.get(f"{API}/counselling/access-log", headers=auth(counsellor, settings)).status_code == 403


def test_a_referral_keeps_only_its_date(client: TestClient, session: Session, settings: Settings) -> None:
    counsellor = make_user(session, role=Role.counsellor)
    case = make_case(session, state=CaseState.counselling, counsellor=counsellor)
    headers = auth(counsellor, settings)
    future = client.post(f"{API}/cases/{case.id}/referral", headers=headers, json={"referred_on": "2999-01-01"})
    assert future.status_code == 422 and "referred_on" in future.text
    done = client.post(f"{API}/cases/{case.id}/referral", headers=headers,
                       json={"referred_on": "2026-11-02", "diagnosis": "x"})
    assert done.status_code == 200 and done.json()["referred_on"] == "2026-11-02"
    assert done.json()["history"][-1]["action"] == "referred" and "diagnosis" not in done.text


@pytest.mark.parametrize(("method", "path", "body"), CASE_ROUTES)
def test_an_unassigned_case_is_refused_to_every_counsellor_but_its_units_lead(
        client: TestClient, session: Session, settings: Settings, method: str, path: str, body: dict | None) -> None:
    case = make_case(session)  # opened by an officer's violation: nobody's yet
    worker = session.get(Person, case.person_id)
    response = _call(client, method, path, body, auth(make_user(session, role=Role.counsellor), settings), case, worker)
    if (method, path) in SHARED:
        assert response.status_code == 200 and case.id not in [c.get("id") for c in response.json().get("data", [])]
    elif (method, path) != ("POST", "/cases"):
        assert response.status_code == 403, response.text
    assert worker.name not in response.text
    assert session.exec(select(CaseAccess).where(CaseAccess.case_id == case.id)).all() == []


def test_an_unassigned_case_waits_for_its_units_lead_or_an_admin(client: TestClient, session: Session,
                                                                  settings: Settings) -> None:
    from safety_service.counselling.models import CounsellorUnit

    case = make_case(session)
    worker = session.get(Person, case.person_id)
    lead, admin, plain = (make_user(session, role=r) for r in (Role.counsellor, Role.admin, Role.counsellor))
    session.add(CounsellorUnit(user_id=lead.id, team=worker.team))
    session.flush()
    for user in (lead, admin):
        listed = client.get(f"{API}/cases", headers=auth(user, settings), params={"employee_no": worker.employee_no})
        assert [c["id"] for c in listed.json()["data"]] == [case.id], user.role
    contacts = f"{API}/workers/{worker.employee_no}/family-contacts"
    assert client.get(contacts, headers=auth(plain, settings)).status_code == 403
    assigned = client.post(f"{API}/cases/{case.id}/pair", headers=auth(lead, settings),
                           json={"counsellor": plain.username})
    assert assigned.status_code == 200 and assigned.json()["mentor_name"] is None
    half = client.post(f"{API}/cases/{case.id}/pair", headers=auth(lead, settings),
                       json={"counsellor": plain.username, "mentor_employee_no": worker.employee_no})
    assert half.status_code == 422 and "mentor_role" in half.text
    assert client.get(f"{API}/cases/{case.id}", headers=auth(plain, settings)).status_code == 200
    assert client.get(contacts, headers=auth(plain, settings)).status_code == 200


@pytest.mark.parametrize(("method", "path", "body"), CASE_ROUTES)
def test_another_counsellor_gets_nothing_with_the_real_ids_of_a_case(client: TestClient, session: Session,
                                                                     settings: Settings, method: str, path: str,
                                                                     body: dict | None) -> None:
    """As above, with the case's own link, message, contact and lead ids: knowing them opens nothing either."""
    from safety_service.counselling import cosupervision, family, messages
    from safety_service.counselling.cosupervision_schemas import FamilyLinkCreate, FamilyMessageCreate
    from safety_service.counselling.models import CounsellorUnit, FamilyLink, FamilyMessage

    owner = make_user(session, role=Role.counsellor)
    case = make_case(session, state=CaseState.counselling, counsellor=owner)
    worker = session.get(Person, case.person_id)
    contact = family.list_contacts(session, person_id=worker.id)[0]
    link = cosupervision.issue(session, case=case, actor=owner, settings=settings,
                               data=FamilyLinkCreate(family_contact_id=contact.id, share_stage=True))
    message = messages.leave(session, link=link, photo=None,
                             data=FamilyMessageCreate(text="注意安全", signature="妻子", kiosk_consent=True))
    lead = CounsellorUnit(user_id=owner.id, team="别的队")
    session.add(lead)
    session.flush()
    body = {**body, "family_contact_id": contact.id} if body and "family_contact_id" in body else body
    events = len(session.exec(select(CaseEvent)).all())
    another = auth(make_user(session, role=Role.counsellor), settings)
    response = _call(client, method, path, body, another, case, worker, link=link.id, message=message.id,
                     lead=lead.id)
    if (method, path) in SHARED:
        assert response.status_code == 200 and str(case.id) not in [str(c.get("id")) for c in
                                                                     response.json().get("data", [])]
    elif (method, path) == ("POST", "/cases"):
        assert response.status_code in (404, 409)
    else:
        assert response.status_code == 403, response.text
    assert "李梅" not in response.text and worker.name not in response.text and "注意安全" not in response.text
    assert len(session.exec(select(CaseEvent)).all()) == events
    assert session.get(FamilyLink, link.id).revoked_at is None and session.get(CounsellorUnit, lead.id) is not None
    assert session.get(FamilyMessage, message.id).state == "pending"
