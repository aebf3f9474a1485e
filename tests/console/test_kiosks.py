"""The console's kiosk page: an administrator registers, disables, enables, rotates and removes kiosks."""

import re

from fastapi.testclient import TestClient
from sqlmodel import Session

from safety_service.kiosks import service as kiosks_service
from safety_service.kiosks.service import check_mosquitto_hash
from safety_service.people.models import Role
from tests.kiosks.builders import make_kiosk
from tests.locations.builders import make_location

PASSWORD = re.compile(r'<code id="kiosk-password">([^<]+)</code>')


def test_only_administrators_reach_the_kiosk_page(console: TestClient, session: Session, signed_in) -> None:
    kiosk, _ = make_kiosk(session)
    for role in (Role.officer, Role.chief):
        _, token = signed_in(role)
        assert console.get("/console/admin/kiosks").status_code == 403, role
        assert console.post(f"/console/admin/kiosks/{kiosk.kiosk_id}/disable",
                            data={"csrf_token": token}).status_code == 403
    assert kiosks_service.get_kiosk(session, kiosk_id=kiosk.kiosk_id).active


def test_an_administrator_registers_a_kiosk_and_sees_its_password_once(console: TestClient, session: Session,
                                                                       signed_in) -> None:
    location = make_location(session, name_zh="主井井口接待站")
    _, token = signed_in(Role.admin)
    answer = console.post("/console/admin/kiosks", data={"csrf_token": token, "kiosk_id": "PH-MAIN-09",
                                                         "location_code": location.code})
    assert answer.status_code == 200, answer.text
    assert "井口终端 PH-MAIN-09 已登记。" in answer.text and "消息代理已更新" in answer.text
    password = PASSWORD.search(answer.text).group(1)
    assert check_mosquitto_hash(password, kiosks_service.get_kiosk(session, kiosk_id="PH-MAIN-09").password_hash)
    page = console.get("/console/admin/kiosks").text
    assert 'data-kiosk="PH-MAIN-09"' in page and "主井井口接待站" in page and password not in page


def test_bad_kiosk_input_is_shown_beside_the_field(console: TestClient, session: Session, signed_in) -> None:
    kiosk, _ = make_kiosk(session)
    _, token = signed_in(Role.admin)
    taken = console.post("/console/admin/kiosks", data={"csrf_token": token, "kiosk_id": kiosk.kiosk_id,
                                                        "location_code": make_location(session).code})
    assert taken.status_code == 422 and 'id="err-kiosk_id"' in taken.text and "编号已被使用" in taken.text
    nowhere = console.post("/console/admin/kiosks", data={"csrf_token": token, "kiosk_id": "PH-NEW-1",
                                                          "location_code": "NOWHERE"})
    assert nowhere.status_code == 422 and 'id="err-location_code"' in nowhere.text
    assert console.post("/console/admin/kiosks", data={"kiosk_id": "PH-NEW-2"}).status_code == 403  # no CSRF token


def test_disable_enable_rotate_and_remove_from_the_page(console: TestClient, session: Session, signed_in) -> None:
    kiosk, old = make_kiosk(session)
    _, token = signed_in(Role.admin)

    def act(action: str) -> str:
        answer = console.post(f"/console/admin/kiosks/{kiosk.kiosk_id}/{action}", data={"csrf_token": token})
        assert answer.status_code == 200, answer.text
        session.refresh(kiosk)
        return answer.text

    assert f"井口终端 {kiosk.kiosk_id} 已停用。" in act("disable") and not kiosk.active
    assert "已停用" in console.get("/console/admin/kiosks").text
    assert f"井口终端 {kiosk.kiosk_id} 已启用。" in act("enable") and kiosk.active
    new = PASSWORD.search(act("rotate")).group(1)
    assert check_mosquitto_hash(new, kiosk.password_hash) and not check_mosquitto_hash(old.password, kiosk.password_hash)
    assert f"井口终端 {kiosk.kiosk_id} 已移除。" in act("remove") and kiosk.state == "removed"
    again = console.post(f"/console/admin/kiosks/{kiosk.kiosk_id}/enable", data={"csrf_token": token})
    assert again.status_code == 409 and "已移除，不能再做任何操作" in again.text
    session.refresh(kiosk)
    assert kiosk.state == "removed"
    assert console.post("/console/admin/kiosks/no-such-kiosk/disable", data={"csrf_token": token}).status_code == 404
    assert console.post(f"/console/admin/kiosks/{kiosk.kiosk_id}/explode",
                        data={"csrf_token": token}).status_code == 404
