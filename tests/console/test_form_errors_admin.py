"""The admin forms and one's own account name every error at once: a service's refusal (a code or name
taken, an unknown area or location) beside the fields that failed their format, with what was typed kept."""

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from safety_service.kiosks.models import Kiosk
from safety_service.locations.models import Category, Location
from safety_service.notifications.models import Channel
from safety_service.people import service as people_service
from safety_service.people.models import Role
from tests.console.test_form_errors import _errors
from tests.kiosks.builders import make_kiosk
from tests.locations.builders import make_location


def test_the_account_form_names_a_taken_username_and_a_nameless_new_worker_with_the_rest(
        console: TestClient, session: Session, signed_in) -> None:
    admin, token = signed_in(Role.admin)
    answer = console.post("/console/admin/people", data={
        "csrf_token": token, "username": admin.username, "role": "boss", "password": "short",
        "employee_no": "NEW-77001", "name": "", "team": "机电二队"})
    assert answer.status_code == 422
    assert _errors(answer.text, "username", "role", "password", "name") == []
    assert "已被占用" in answer.text and "新工号须填写姓名" in answer.text
    assert 'value="NEW-77001"' in answer.text and 'value="机电二队"' in answer.text and "short" not in answer.text
    assert people_service.get_person(session, employee_no="NEW-77001") is None


def test_the_location_and_category_forms_name_every_error(console: TestClient, session: Session, signed_in) -> None:
    place = make_location(session)
    session.commit()
    _, token = signed_in(Role.admin)
    answer = console.post("/console/admin/locations", data={
        "csrf_token": token, "code": place.code, "name_zh": "", "name_en": "Shed", "area_code": "NO-AREA",
        "kind": "palace"})
    assert answer.status_code == 422 and _errors(answer.text, "code", "name_zh", "area_code", "kind") == []
    assert "已被占用" in answer.text and "没有这个代码" in answer.text and 'value="Shed"' in answer.text
    assert session.exec(select(Location).where(Location.name_en == "Shed")).first() is None
    answer = console.post("/console/admin/categories", data={"csrf_token": token, "code": "roof", "name_zh": "",
                                                             "name_en": "Heat"})
    assert answer.status_code == 422 and _errors(answer.text, "code", "name_zh") == []
    assert session.exec(select(Category).where(Category.name_en == "Heat")).first() is None


def test_the_library_form_names_every_error(console: TestClient, signed_in) -> None:
    _, token = signed_in(Role.admin)
    answer = console.post("/console/admin/library", data={
        "csrf_token": token, "category_code": "no-such-category", "title": "防爆电气设备失爆", "grade": "major",
        "level": "B", "fix_days": "-3", "report_type": "management"})
    assert answer.status_code == 422
    assert _errors(answer.text, "category_code", "title", "level", "fix_days") == []


def test_the_kiosk_form_names_a_taken_id_and_an_unknown_location_together(console: TestClient, session: Session,
                                                                          signed_in) -> None:
    kiosk, _ = make_kiosk(session)
    session.commit()
    _, token = signed_in(Role.admin)
    answer = console.post("/console/admin/kiosks", data={"csrf_token": token, "kiosk_id": kiosk.kiosk_id,
                                                         "location_code": "NOWHERE"})
    assert answer.status_code == 422 and _errors(answer.text, "kiosk_id", "location_code") == []
    assert session.exec(select(Kiosk).where(Kiosk.kiosk_id == kiosk.kiosk_id)).one().id == kiosk.id


def test_the_channel_form_names_a_taken_name_with_a_bad_target_and_keeps_the_ticks(
        console: TestClient, session: Session, signed_in) -> None:
    _, token = signed_in(Role.admin)
    first = console.post("/console/admin/channels", data={"csrf_token": token, "name": "调度室群", "kind": "wecom",
                                                          "target": "https://example.invalid/hook?key=1"})
    assert first.status_code == 200
    answer = console.post("/console/admin/channels", data={
        "csrf_token": token, "name": "调度室群", "kind": "wecom", "target": "not a url", "secret": "s3cret-value",
        "events": ["urgent", "overdue"], "grades": ["major"]})
    assert answer.status_code == 422 and _errors(answer.text, "name", "target") == []
    assert "已被占用" in answer.text and "s3cret-value" not in answer.text
    assert 'value="urgent" checked' in answer.text and 'value="major" checked' in answer.text
    assert len(session.exec(select(Channel).where(Channel.name == "调度室群")).all()) == 1


def test_the_password_form_names_a_short_new_password_and_a_wrong_current_one_together(
        console: TestClient, signed_in) -> None:
    _, token = signed_in(Role.officer)
    answer = console.post("/console/account/password", data={"csrf_token": token, "current_password": "not-mine-1",
                                                              "new_password": "short"})
    assert answer.status_code == 422 and _errors(answer.text, "current_password", "new_password") == []
