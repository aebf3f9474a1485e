"""The help-education API as supervisors, officers and counsellors use it."""

import io
from datetime import date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlmodel import Session, select

from safety_service.clock import utc_now
from safety_service.config import Settings
from safety_service.counselling.models import CaseEvent, CounsellingCase, FamilyContact, Violation
from safety_service.counselling.states import CaseState
from safety_service.people.models import Person, Role
from tests.counselling.builders import assign, make_case
from tests.hazards.builders import make_hazard
from tests.locations.builders import make_location
from tests.people.builders import auth, make_person, make_user

API = "/api/v1"


def _violation_body(employee_no: str, location_code: str, **extra: object) -> dict:
    return {"employee_no": employee_no, "kind": "illegal_operation", "occurred_at": utc_now().isoformat(),
            "location_code": location_code, "description": "未停机清理皮带", **extra}


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), (200, 180, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_the_whole_case_over_the_api(client: TestClient, session: Session, settings: Settings) -> None:
    officer, counsellor = make_user(session, role=Role.officer), make_user(session, role=Role.counsellor)
    admin = make_user(session, role=Role.admin)
    as_officer, as_counsellor, as_admin = auth(officer, settings), auth(counsellor, settings), auth(admin, settings)
    worker, location = make_person(session, name="王五"), make_location(session)

    recorded = client.post(f"{API}/violations", headers=as_officer, json=_violation_body(worker.employee_no,
                                                                                          location.code))
    assert recorded.status_code == 201, recorded.text
    assert "case" not in recorded.text and recorded.json()["recorded_by"] == officer.username
    waiting = client.get(f"{API}/cases", headers=as_counsellor, params={"employee_no": worker.employee_no}).json()
    assert waiting["count"] == 0  # a new case waits for the lead counsellor or an admin to assign it
    listed = client.get(f"{API}/cases", headers=as_admin, params={"employee_no": worker.employee_no}).json()
    assert listed["count"] == 1 and listed["data"][0]["state"] == "opened"
    case_url = f"{API}/cases/{listed['data'][0]['id']}"
    assigned = client.post(f"{case_url}/pair", headers=as_admin, json={"counsellor": counsellor.username})
    assert assigned.status_code == 200 and assigned.json()["counsellor"] == counsellor.username

    planned = client.post(f"{case_url}/plan", headers=as_counsellor, json={
        "plan": "每两周家访一次，组织家属座谈", "family_contacts": [
            {"relation": "spouse", "name": "李梅", "phone": "13800138000", "worker_consent": True}]})
    assert planned.status_code == 200, planned.text
    contact_id = planned.json()["family_contacts"][0]["id"]
    signed = client.put(f"{case_url}/agreement", headers=as_counsellor,
                        json={"signed_on": date.today().isoformat(), "family_contact_id": contact_id})
    assert signed.status_code == 200, signed.text
    scan = client.put(f"{case_url}/agreement/scan", headers=as_counsellor,
                      files={"photo": ("agreement.png", _png(), "image/png")})
    assert scan.status_code == 200, scan.text
    image = client.get(scan.json()["scan_url"], headers=as_counsellor)
    assert image.headers["content-type"] == "image/jpeg" and Image.open(io.BytesIO(image.content)).size == (400, 300)

    assert client.post(f"{case_url}/begin", headers=as_counsellor, json={}).json()["state"] == "counselling"
    held = client.post(f"{case_url}/sessions", headers=as_counsellor, json={
        "kind": "family_visit", "held_on": date.today().isoformat(), "participants": ["王五", "李梅"],
        "note": "到家中谈心，家属表示支持"})
    assert held.status_code == 201, held.text
    observed = client.post(f"{case_url}/observe", headers=as_counsellor, json={"days": 30})
    assert observed.json()["state"] == "observation" and observed.json()["allowed_actions"] == []

    early = client.post(f"{case_url}/close", headers=as_counsellor, json={"review_note": "表现良好"})
    assert early.status_code == 409 and early.json()["allowed"] == []
    closed = client.post(f"{case_url}/close", headers=as_admin, json={"review_note": "调离本矿，提前结案"})
    assert closed.status_code == 200 and closed.json()["state"] == "closed"
    assert [e["action"] for e in closed.json()["history"]] == [
        "opened", "paired", "plan", "agreement_recorded", "agreement_scan_attached", "begin", "session_recorded", "observe",
        "close"]


def test_a_repeat_violation_during_observation_over_the_api(client: TestClient, session: Session,
                                                            settings: Settings) -> None:
    counsellor = make_user(session, role=Role.counsellor)
    case = make_case(session, state=CaseState.observation, counsellor=counsellor)
    worker = session.get(Person, case.person_id)
    as_supervisor = auth(make_user(session, role=Role.supervisor), settings)
    response = client.post(f"{API}/violations", headers=as_supervisor,
                           json=_violation_body(worker.employee_no, make_location(session).code,
                                                kind="labour_discipline"))
    assert response.status_code == 201
    detail = client.get(f"{API}/cases/{case.id}", headers=auth(counsellor, settings))
    assert (detail.json()["state"], detail.json()["level"]) == ("counselling", 2)
    assert [v["kind"] for v in detail.json()["violations"]] == ["illegal_operation", "labour_discipline"]
    levels = client.get(f"{API}/cases", headers=auth(counsellor, settings), params={"level": 2}).json()
    assert [c["id"] for c in levels["data"]] == [case.id]


def test_violations_are_seen_by_those_who_need_them(client: TestClient, session: Session, settings: Settings) -> None:
    supervisor, other = make_user(session, role=Role.supervisor), make_user(session, role=Role.supervisor)
    worker, location = make_person(session), make_location(session)
    hazard = make_hazard(session, location=location)
    body = _violation_body(worker.employee_no, location.code, hazard_ref=hazard.ref)
    created = client.post(f"{API}/violations", headers=auth(supervisor, settings), json=body).json()
    assert created["hazard_ref"] == hazard.ref and created["team"] == worker.team
    mine = client.get(f"{API}/violations", headers=auth(supervisor, settings)).json()
    assert [v["id"] for v in mine["data"]] == [created["id"]]
    assert client.get(f"{API}/violations", headers=auth(other, settings)).json()["count"] == 0
    assert client.get(f"{API}/violations/{created['id']}", headers=auth(other, settings)).status_code == 404
    history = client.get(f"{API}/workers/{worker.employee_no}/violations",
                         headers=auth(make_user(session, role=Role.officer), settings))
    assert [v["id"] for v in history.json()["data"]] == [created["id"]]
    for role in (Role.miner, Role.owner):
        assert client.get(f"{API}/violations", headers=auth(make_user(session, role=role), settings)).status_code == 403
    worker_url = f"{API}/workers/{worker.employee_no}/violations"
    assert client.get(worker_url, headers=auth(supervisor, settings)).status_code == 403


@pytest.mark.parametrize(("change", "field"), [
    ({"employee_no": "NOBODY"}, "employee_no"), ({"location_code": "NOWHERE"}, "location_code"),
    ({"hazard_ref": "YH-1999-000001"}, "hazard_ref"), ({"kind": "speeding"}, "kind"),
    ({"occurred_at": (utc_now() + timedelta(days=2)).isoformat()}, "occurred_at"), ({"description": "  "}, "description"),
])
def test_a_bad_violation_is_refused_with_its_field_and_nothing_stored(client: TestClient, session: Session,
                                                                      settings: Settings, change: dict,
                                                                      field: str) -> None:
    before = len(session.exec(select(Violation)).all())
    body = {**_violation_body(make_person(session).employee_no, make_location(session).code), **change}
    response = client.post(f"{API}/violations", headers=auth(make_user(session, role=Role.officer), settings), json=body)
    assert response.status_code == 422 and response.json()["detail"][0]["loc"][-1] == field
    assert len(session.exec(select(Violation)).all()) == before


def test_case_errors_name_the_field_the_state_or_the_case(client: TestClient, session: Session,
                                                          settings: Settings) -> None:
    counsellor = make_user(session, role=Role.counsellor)
    as_counsellor = auth(counsellor, settings)
    case = make_case(session)
    assign(session, counsellor, case)
    url = f"{API}/cases/{case.id}"
    wrong_state = client.post(f"{url}/begin", headers=as_counsellor, json={})
    assert wrong_state.status_code == 409 and wrong_state.json()["allowed"] == ["plan"]
    assert wrong_state.json()["detail"] == "a case in state 'opened' cannot take 'begin'"
    no_contact = client.post(f"{url}/plan", headers=as_counsellor, json={"plan": "家访"})
    assert no_contact.status_code == 422 and no_contact.json()["detail"][0]["loc"] == ["body", "family_contacts"]
    bad_phone = client.post(f"{url}/plan", headers=as_counsellor, json={
        "plan": "家访", "family_contacts": [{"relation": "spouse", "name": "李梅", "phone": "call me"}]})
    assert bad_phone.status_code == 422 and "phone" in bad_phone.json()["detail"][0]["loc"]
    assert session.exec(select(FamilyContact).where(FamilyContact.person_id == case.person_id)).all() == []
    assert client.get(f"{API}/cases/999999", headers=as_counsellor).status_code == 404
    session.expire_all()
    assert session.get(CounsellingCase, case.id).state == CaseState.opened
    assert len(session.exec(select(CaseEvent).where(CaseEvent.case_id == case.id)).all()) == 1


def test_a_photo_that_is_not_one_is_refused(client: TestClient, session: Session, settings: Settings) -> None:
    counsellor = make_user(session, role=Role.counsellor)
    case = make_case(session, state=CaseState.planned, counsellor=counsellor)
    response = client.put(f"{API}/cases/{case.id}/agreement/scan", headers=auth(counsellor, settings), files={"photo": ("x.pdf", b"%PDF-1.4 not an image", "application/pdf")})
    assert response.status_code == 422 and response.json()["detail"][0]["loc"][-1] == "photo"


def test_family_contacts_and_sessions_over_the_api(client: TestClient, session: Session, settings: Settings) -> None:
    counsellor = make_user(session, role=Role.counsellor)
    headers = auth(counsellor, settings)
    case = make_case(session, state=CaseState.counselling, counsellor=counsellor)
    worker = session.get(Person, case.person_id)
    contacts_url = f"{API}/workers/{worker.employee_no}/family-contacts"
    unasked = client.post(contacts_url, headers=headers, json={"relation": "parent", "name": "王父",
                                                               "phone": "0632-1234567"})
    assert unasked.status_code == 422 and unasked.json()["detail"][0]["loc"][-1] == "worker_consent"
    added = client.post(contacts_url, headers=headers, json={"relation": "parent", "name": "王父",
                                                             "phone": "0632-1234567", "worker_consent": True})
    assert added.status_code == 201 and added.json()["relation"] == "parent"
    assert added.json()["worker_consent_at"] is not None
    assert [c["name"] for c in client.get(contacts_url, headers=headers).json()] == ["李梅", "王父"]
    bad = client.post(contacts_url, headers=headers, json={"relation": "neighbour", "name": "x", "phone": "13800138000",
                                                           "worker_consent": True})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"][-1] == "relation"
    assert client.get(f"{API}/workers/NOBODY/family-contacts", headers=headers).status_code == 404
    sessions = client.get(f"{API}/cases/{case.id}/sessions", headers=headers).json()
    assert [(s["kind"], s["participants"]) for s in sessions] == [("family_visit", ["王五", "李梅"])]
    blank = client.post(f"{API}/cases/{case.id}/sessions", headers=headers, json={
        "kind": "talk", "held_on": date.today().isoformat(), "participants": [" "], "note": "谈话"})
    assert blank.status_code == 422 and "participants" in blank.json()["detail"][0]["loc"]


def test_a_scan_needs_the_agreement_first_and_has_a_thumbnail(client: TestClient, session: Session,
                                                              settings: Settings) -> None:
    counsellor = make_user(session, role=Role.counsellor)
    headers = auth(counsellor, settings)
    opened, planned = make_case(session), make_case(session, state=CaseState.planned, counsellor=counsellor)
    assign(session, counsellor, opened)
    upload = {"photo": ("a.png", _png(), "image/png")}
    early = client.put(f"{API}/cases/{opened.id}/agreement/scan", headers=headers, files=upload)
    assert early.status_code == 422 and early.json()["detail"][0]["loc"][-1] == "agreement"
    assert client.get(f"{API}/cases/{opened.id}/agreement", headers=headers).status_code == 404
    assert client.get(f"{API}/cases/{planned.id}/agreement/scan", headers=headers).status_code == 404
    attached = client.put(f"{API}/cases/{planned.id}/agreement/scan", headers=headers, files=upload).json()
    thumbnail = client.get(attached["scan_thumbnail_url"], headers=headers)
    assert thumbnail.status_code == 200 and max(Image.open(io.BytesIO(thumbnail.content)).size) <= 320


def test_the_observation_period_may_be_given_in_days(client: TestClient, session: Session,
                                                     settings: Settings) -> None:
    case = make_case(session, state=CaseState.counselling)
    response = client.post(f"{API}/cases/{case.id}/observe", headers=auth(make_user(session, role=Role.admin), settings),
                           json={"days": 60, "note": "延长考察"})
    assert response.status_code == 200
    body = response.json()
    ends = datetime.fromisoformat(body["observation_ends_at"])
    assert timedelta(days=59) < ends - utc_now() <= timedelta(days=60)
