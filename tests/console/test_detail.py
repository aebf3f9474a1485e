"""The detail page and its action forms: the same service calls as the API, errors beside the field."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from safety_service.clock import utc_now
from safety_service.hazards.models import Hazard, HazardEvent
from safety_service.hazards.states import Grade, HazardState
from safety_service.people.models import Role
from safety_service.photos import service as photos_service
from safety_service.photos.processing import process_photo
from tests.console.conftest import sign_in
from tests.hazards.builders import make_hazard
from tests.people.builders import make_user
from tests.photos.images import photo


def _local(days: int, settings) -> str:
    return (utc_now() + timedelta(days=days)).astimezone(ZoneInfo(settings.timezone)).strftime("%Y-%m-%dT%H:%M")


def _state(session: Session, ref: str) -> str:
    session.expire_all()
    return session.exec(select(Hazard).where(Hazard.ref == ref)).one().state


def test_the_page_shows_everything_about_a_hazard(console: TestClient, session: Session, signed_in) -> None:
    hazard = make_hazard(session, state=HazardState.rectifying)
    stored = process_photo(photo("JPEG", (800, 600)), max_bytes=10_000_000, max_pixels=40_000_000, max_side=1600)
    picture = photos_service.add_photo(session, hazard_id=hazard.id, photo=stored)
    signed_in(Role.officer)
    page = console.get(f"/console/hazards/{hazard.ref}").text
    assert hazard.description in page and "匿名" in page and "主井井口" in page
    assert page.count("<li>") == 3 and "下达整改（五落实）" in page and "补打锚杆" in page
    assert f"/console/hazards/{hazard.ref}/photos/{picture.id}/thumbnail" in page
    image = console.get(f"/console/hazards/{hazard.ref}/photos/{picture.id}/thumbnail")
    assert image.status_code == 200 and image.headers["content-type"] == "image/jpeg"
    # rectifying: the owner acts; the officer may only reassign (no extension request is waiting)
    assert 'id="form-reassign"' in page and 'id="form-decide_extension"' not in page


def test_an_officer_triages_assigns_and_closes(console: TestClient, session: Session, signed_in,
                                               console_settings) -> None:
    hazard = make_hazard(session)
    owner = make_user(session, role=Role.owner)
    officer, token = signed_in(Role.officer)
    base = f"/console/hazards/{hazard.ref}"
    page = console.get(base).text
    assert 'id="form-confirm"' in page and 'id="form-reject"' in page and 'id="form-assign"' not in page
    answer = console.post(f"{base}/confirm", data={"csrf_token": token, "grade": "general", "category_code": "roof"})
    assert answer.status_code == 303 and _state(session, hazard.ref) == HazardState.confirmed
    answer = console.post(f"{base}/assign", data={
        "csrf_token": token, "owner": owner.username, "measures": "补打锚杆", "funds": "1500",
        "deadline": _local(3, console_settings), "contingency_plan": "设警戒"})
    assert answer.status_code == 303 and _state(session, hazard.ref) == HazardState.rectifying
    session.expire_all()
    assert abs(session.get(Hazard, hazard.id).deadline - (utc_now() + timedelta(days=3))) < timedelta(minutes=2)
    owner_token = sign_in(console, owner)
    assert 'id="form-rectified"' in console.get(base).text
    assert console.post(f"{base}/rectified", data={"csrf_token": owner_token, "note": "已补打锚杆 6 根"}).status_code == 303
    token = sign_in(console, officer)
    answer = console.post(f"{base}/verify", data={"csrf_token": token, "passed": "true", "note": "验收合格"})
    assert answer.status_code == 303 and _state(session, hazard.ref) == HazardState.closed
    actions = session.exec(select(HazardEvent.action).where(HazardEvent.hazard_id == hazard.id)).all()
    assert actions == ["reported", "confirm", "assign", "rectified", "verify"]


def test_bad_input_shows_each_field_and_its_reason(console: TestClient, session: Session, signed_in,
                                                   console_settings) -> None:
    hazard = make_hazard(session, state=HazardState.confirmed)
    session.commit()
    _, token = signed_in(Role.officer)
    answer = console.post(f"/console/hazards/{hazard.ref}/assign", data={
        "csrf_token": token, "owner": "", "measures": "补打锚杆", "funds": "abc",
        "deadline": _local(-1, console_settings), "contingency_plan": ""})
    assert answer.status_code == 422
    for field in ("owner", "funds", "contingency_plan"):
        assert f'id="err-{field}"' in answer.text, field
    assert "补打锚杆" in answer.text  # what was typed stays
    answer = console.post(f"/console/hazards/{hazard.ref}/assign", data={
        "csrf_token": token, "owner": "nobody", "measures": "x", "funds": "1", "deadline": _local(1, console_settings),
        "contingency_plan": "y"})
    assert answer.status_code == 422 and 'id="err-owner"' in answer.text
    owner = make_user(session, role=Role.owner)
    session.commit()
    answer = console.post(f"/console/hazards/{hazard.ref}/assign", data={
        "csrf_token": token, "owner": owner.username, "measures": "x", "funds": "1",
        "deadline": _local(-1, console_settings), "contingency_plan": "y"})
    assert answer.status_code == 422 and "期限必须晚于现在" in answer.text
    assert _state(session, hazard.ref) == HazardState.confirmed


def test_verification_needs_a_result_and_a_note(console: TestClient, session: Session, signed_in) -> None:
    hazard = make_hazard(session, state=HazardState.awaiting_verification)
    session.commit()
    _, token = signed_in(Role.officer)
    answer = console.post(f"/console/hazards/{hazard.ref}/verify", data={"csrf_token": token, "note": ""})
    assert answer.status_code == 422 and 'id="err-passed"' in answer.text and 'id="err-note"' in answer.text
    answer = console.post(f"/console/hazards/{hazard.ref}/verify",
                          data={"csrf_token": token, "passed": "false", "note": "锚杆间距不合格"})
    assert answer.status_code == 303 and _state(session, hazard.ref) == HazardState.rectifying


def test_actions_without_the_csrf_token_are_refused(console: TestClient, session: Session, signed_in) -> None:
    hazard = make_hazard(session)
    session.commit()
    signed_in(Role.officer)
    answer = console.post(f"/console/hazards/{hazard.ref}/confirm", data={"grade": "general", "category_code": "roof"})
    assert answer.status_code == 403 and _state(session, hazard.ref) == HazardState.reported


def test_each_role_may_take_only_its_own_actions(console: TestClient, session: Session, signed_in) -> None:
    major = make_hazard(session, state=HazardState.awaiting_verification, grade=Grade.major)
    reported = make_hazard(session)
    session.commit()
    _, token = signed_in(Role.officer)
    answer = console.post(f"/console/hazards/{major.ref}/verify",
                          data={"csrf_token": token, "passed": "true", "note": "ok"})  # the chief closes a major one
    assert answer.status_code == 403 and 'id="err-form"' in answer.text
    assert _state(session, major.ref) == HazardState.awaiting_verification
    _, token = signed_in(Role.owner)
    assert console.get(f"/console/hazards/{reported.ref}").status_code == 404
    answer = console.post(f"/console/hazards/{reported.ref}/confirm",
                          data={"csrf_token": token, "grade": "general", "category_code": "roof"})
    assert answer.status_code == 404 and _state(session, reported.ref) == HazardState.reported
    _, token = signed_in(Role.admin)
    assert 'id="form-confirm"' not in console.get(f"/console/hazards/{reported.ref}").text
    answer = console.post(f"/console/hazards/{reported.ref}/confirm",
                          data={"csrf_token": token, "grade": "general", "category_code": "roof"})
    assert answer.status_code == 403 and _state(session, reported.ref) == HazardState.reported


def test_a_state_that_moved_on_is_explained(console: TestClient, session: Session, signed_in) -> None:
    hazard = make_hazard(session, state=HazardState.closed)
    session.commit()
    _, token = signed_in(Role.officer)
    answer = console.post(f"/console/hazards/{hazard.ref}/confirm",
                          data={"csrf_token": token, "grade": "general", "category_code": "roof"})
    assert answer.status_code == 409 and "状态已变化" in answer.text
    assert console.post(f"/console/hazards/{hazard.ref}/explode", data={"csrf_token": token}).status_code == 404
    assert console.get("/console/hazards/YH-1999-000001").status_code == 404


def test_the_owner_submits_evidence_with_photos(console: TestClient, session: Session) -> None:
    owner = make_user(session, role=Role.owner)
    hazard = make_hazard(session, state=HazardState.rectifying, owner=owner)
    session.commit()
    token = sign_in(console, owner)
    base = f"/console/hazards/{hazard.ref}"
    answer = console.post(f"{base}/rectified", data={"csrf_token": token, "note": "已整改"},
                          files=[("photos", ("after.txt", b"not a photo", "text/plain"))])
    assert answer.status_code == 422 and 'id="err-photos"' in answer.text and "已整改" in answer.text
    answer = console.post(f"{base}/rectified", data={"csrf_token": token, "note": "已补打锚杆 6 根"},
                          files=[("photos", ("after.jpg", photo("JPEG", (640, 480)), "image/jpeg"))])
    assert answer.status_code == 303 and _state(session, hazard.ref) == HazardState.awaiting_verification
    assert len(photos_service.list_photos(session, hazard=hazard, user=owner)) == 1
    assert "/photos/" in console.get(base).text
