"""The admin pages: people and roles, locations with their QR codes and label sheet, categories."""

import json
import uuid

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from safety_service.config import Settings
from safety_service.hazards.models import Hazard
from safety_service.locations import service as locations_service
from safety_service.mqtt.models import DeadLetter
from safety_service.people import service as people_service
from safety_service.people.models import Role
from tests.kiosks.builders import make_kiosk
from tests.locations.builders import make_location


def test_only_administrators_reach_the_admin_pages(console: TestClient, signed_in) -> None:
    for role in (Role.officer, Role.chief, Role.owner):
        signed_in(role)
        assert console.get("/console/admin/people").status_code == 403, role
        assert console.get("/console/admin/qr/sheet.pdf").status_code == 403, role
        assert console.get("/console/admin/dead-letters").status_code == 403, role


def test_an_administrator_adds_an_account(console: TestClient, session: Session, signed_in) -> None:
    _, token = signed_in(Role.admin)
    answer = console.post("/console/admin/people", data={
        "csrf_token": token, "username": "owner-wang", "role": "owner", "password": "long-enough-pw",
        "employee_no": "T9001", "name": "王强", "team": "机电队"})
    assert answer.status_code == 303
    assert people_service.get_user(session, username="owner-wang").role == Role.owner
    page = console.get("/console/admin/people").text
    assert "owner-wang" in page and "王强" in page and "整改责任人" in page


def test_bad_account_input_is_shown_beside_the_field(console: TestClient, session: Session, signed_in) -> None:
    admin, token = signed_in(Role.admin)
    answer = console.post("/console/admin/people", data={
        "csrf_token": token, "username": admin.username, "role": "officer", "password": "short"})
    assert answer.status_code == 422 and 'id="err-password"' in answer.text
    answer = console.post("/console/admin/people", data={
        "csrf_token": token, "username": admin.username, "role": "officer", "password": "long-enough-pw"})
    assert answer.status_code == 422 and 'id="err-username"' in answer.text and "已被占用" in answer.text
    assert "long-enough-pw" not in answer.text
    assert console.post("/console/admin/people", data={"username": "x"}).status_code == 403


def test_locations_with_their_qr_codes_and_the_label_sheet(console: TestClient, session: Session,
                                                           signed_in) -> None:
    location = make_location(session, name_zh="副井井口")
    _, token = signed_in(Role.admin)
    page = console.get("/console/admin/locations").text
    assert "副井井口" in page and f"/console/admin/qr/{location.code}.png" in page
    png = console.get(f"/console/admin/qr/{location.code}.png")
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    sheet = console.get("/console/admin/qr/sheet.pdf")
    assert sheet.status_code == 200 and sheet.content.startswith(b"%PDF")
    answer = console.post("/console/admin/locations", data={"csrf_token": token, "code": "WS-9", "name_zh": "机修车间",
                                                           "kind": "workshop"})
    assert answer.status_code == 303 and locations_service.get_location(session, code="WS-9").name_zh == "机修车间"
    answer = console.post("/console/admin/locations", data={"csrf_token": token, "code": "bad code!", "name_zh": ""})
    assert answer.status_code == 422 and 'id="err-code"' in answer.text and 'id="err-name_zh"' in answer.text


def test_categories_are_data(console: TestClient, session: Session, signed_in) -> None:
    _, token = signed_in(Role.admin)
    assert "顶板" in console.get("/console/admin/categories").text
    answer = console.post("/console/admin/categories", data={"csrf_token": token, "code": "heat", "name_zh": "热害",
                                                            "name_en": "Heat"})
    assert answer.status_code == 303 and "热害" in console.get("/console/admin/categories").text
    answer = console.post("/console/admin/categories", data={"csrf_token": token, "code": "heat", "name_zh": "热害"})
    assert answer.status_code == 422 and 'id="err-code"' in answer.text
    assert console.get("/console/admin/nothing").status_code == 404


def test_an_administrator_applies_a_dead_letter_again(console: TestClient, session: Session, signed_in,
                                                      console_settings: Settings) -> None:
    kiosk, _ = make_kiosk(session, site=console_settings.site)
    topic = f"safety/{console_settings.site}/kiosk/{kiosk.kiosk_id}/report"
    report = json.dumps({"schema": "kiosk-report/1", "report_id": str(uuid.uuid4()),
                         "created_at": "2026-11-24T08:00:00+08:00", "description": "副井罐笼信号失灵"})
    good, bad = (DeadLetter(topic=topic, payload=payload, reason="not_applied: ValueError: since fixed",
                            kiosk_id=kiosk.kiosk_id) for payload in (report, "garbage"))
    session.add_all([good, bad])
    session.commit()
    _, token = signed_in(Role.admin)
    page = console.get("/console/admin/dead-letters")
    assert page.status_code == 200 and f'data-letter="{good.id}"' in page.text and "重新处理" in page.text
    refused = console.post(f"/console/admin/dead-letters/{bad.id}/replay", data={"csrf_token": token})
    assert refused.status_code == 409 and 'id="refused"' in refused.text and "invalid_json" in refused.text
    applied = console.post(f"/console/admin/dead-letters/{good.id}/replay", data={"csrf_token": token})
    assert applied.status_code == 303
    shown = console.get(applied.headers["location"]).text
    assert 'id="applied"' in shown and f'data-letter="{good.id}"' not in shown and f'data-letter="{bad.id}"' in shown
    assert session.exec(select(Hazard).where(Hazard.kiosk_id == kiosk.id)).one().description == "副井罐笼信号失灵"


def test_a_location_kind_is_chosen_from_a_fixed_list(console: TestClient, session: Session, signed_in) -> None:
    _, token = signed_in(Role.admin)
    page = console.get("/console/admin/locations").text
    assert '<select id="loc-kind" name="kind">' in page and '<option value="working_face" >采掘工作面</option>' in page
    answer = console.post("/console/admin/locations", data={"csrf_token": token, "code": "SH-1", "name_zh": "材料棚",
                                                           "kind": "shed"})
    assert answer.status_code == 422 and 'id="err-kind"' in answer.text
    assert "SH-1" not in console.get("/console/admin/locations").text
