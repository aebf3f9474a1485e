"""A request a page cannot read — a hand-typed date that does not exist, an id that is not a number, a text
where a photo goes — is answered with a page naming the field, in the reader's language; the API keeps
answering FastAPI's JSON list of problems (its contract, docs/api-errors.md)."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from safety_service.hazards.models import Hazard
from safety_service.main import create_app
from safety_service.people.models import Role
from safety_service.qr import tokens
from tests.conftest import make_settings, use_session
from tests.counselling.test_family_attacks import _linked
from tests.locations.builders import make_location
from tests.people.builders import auth, make_user


def _page(answer, status: int) -> str:
    assert answer.status_code == status, answer.text[:300]
    assert answer.headers["content-type"].startswith("text/html"), answer.headers["content-type"]
    return answer.text


def test_a_console_address_with_a_date_that_does_not_exist_names_the_field(console: TestClient, signed_in) -> None:
    signed_in(Role.officer)
    for path in ("/console/risks/coverage", "/console/risks/coverage.xlsx"):
        page = _page(console.get(path, params={"start": "2026-02-30"}), 422)
        assert "地址里“start”的值无法识别" in page and 'id="problem"' in page
    page = _page(console.get("/console/risks/coverage", params={"start": "2026-02-30", "lang": "en"}), 422)
    assert "“start” is not a value this page understands" in page


def test_a_console_period_the_calendar_cannot_hold_is_a_page_naming_its_day(console: TestClient, signed_in) -> None:
    """0001-01-01 parses, but in the mine's zone it begins before UTC's year 1: the service's refusal names it."""
    signed_in(Role.officer)
    page = _page(console.get("/console/risks/coverage", params={"start": "0001-01-01", "end": "0001-01-31"}), 422)
    assert "地址里“start”的值无法识别" in page


def test_a_console_path_whose_id_is_not_a_number_is_the_unknown_page(console: TestClient, signed_in) -> None:
    signed_in(Role.admin)
    for path in ("/console/admin/people/abc", "/console/admin/people/99999999999999999999", "/console/inbox/x"):
        assert "没有找到这个页面或隐患" in _page(console.get(path), 404)


def test_a_signed_out_reader_of_an_unreadable_console_address_is_sent_to_sign_in(console: TestClient) -> None:
    answer = console.get("/console/admin/people/abc")
    assert answer.status_code == 303 and answer.headers["location"].startswith("/console/login")


@pytest.fixture
def client(database_url: str, engine: Engine, session: Session) -> Iterator[TestClient]:
    app = create_app(make_settings(database_url), engine, run_scheduler=False)
    use_session(app, session)
    with TestClient(app) as test_client:
        yield test_client


def test_a_family_message_with_a_text_where_the_photo_goes_is_a_page_in_the_family_language(
        client: TestClient, session: Session, settings) -> None:
    _, _, _, token = _linked(session, settings)
    session.commit()
    sent = {"text": "平安", "signature": "妻子", "kiosk_consent": "yes", "photo": "not a file"}
    page = _page(client.post(f"/f/{token}/message", data=sent), 422)
    assert "表单里“photo”的内容无法识别，没有保存任何内容" in page
    assert "请联系工会帮教员" in page and "调度室" not in page  # the family's way on, not the miner's
    assert "<header><span>亲情帮教</span>" in page and "随手拍" not in page  # the family's name of the pages
    cut_off = _page(client.get("/f/"), 404)  # a family link cut off before its token: the link does not open
    assert "这个链接无效、已过期或已被收回" in cut_off and "二维码" not in cut_off and "调度室" not in cut_off
    assert "<header><span>亲情帮教</span>" in cut_off
    page = _page(client.post(f"/f/{token}/message", data=sent, headers={"Accept-Language": "en"}), 422)
    assert "“photo” could not be read; nothing was saved" in page
    assert "<header><span>Family help-education</span>" in page
    miner = _page(client.get("/r/"), 404)  # a miner's cut-off link keeps the service's name
    assert "<header><span>安全隐患随手拍</span>" in miner


def test_the_api_keeps_its_json_list_of_problems(client: TestClient, session: Session, settings) -> None:
    officer = make_user(session, role=Role.officer)
    session.commit()
    answer = client.get("/api/v1/hazards", params={"limit": "abc"}, headers=auth(officer, settings))
    assert answer.status_code == 422 and answer.headers["content-type"] == "application/json"
    assert answer.json()["detail"][0]["loc"] == ["query", "limit"]


def test_an_address_the_console_does_not_have_is_its_unknown_page(console: TestClient, signed_in) -> None:
    signed_in(Role.officer)
    for path in ("/console/nonexistent", "/console/hazards/YH-2026-000001/nonsense/more"):
        assert "没有找到这个页面或隐患" in _page(console.get(path), 404)


def test_a_cut_off_qr_link_is_a_page_saying_to_scan_again_in_the_readers_language(client: TestClient) -> None:
    for path in ("/r/", "/r", "/nothing"):
        assert "没有这个页面。请重新扫描现场的二维码" in _page(client.get(path), 404)
    english = _page(client.get("/r/", headers={"Accept-Language": "en"}), 404)
    assert "There is no such page. Scan the code posted at the site again" in english


def test_the_api_keeps_its_json_for_an_address_it_does_not_have(client: TestClient) -> None:
    answer = client.get("/api/v1/nothing")
    assert answer.status_code == 404 and answer.json() == {"detail": "Not Found"}
    assert client.post("/healthz").headers["content-type"] == "application/json"  # a 405 stays FastAPI's


NO_BOUNDARY = {"content-type": "multipart/form-data"}  # a multipart body the parser cannot even start on


def test_a_public_form_that_cannot_be_read_at_all_is_a_page_and_stores_nothing(
        client: TestClient, session: Session, settings) -> None:
    """A report, a tracking look-up, a points look-up or a family message sent as multipart without its boundary:
    the form's page in the reader's language (it was FastAPI's JSON 400), nothing stored."""
    location = make_location(session, name_zh="主井井口", code=None)
    _, _, _, token = _linked(session, settings)
    session.commit()
    before = session.exec(select(func.count()).select_from(Hazard)).one()
    report = "/r/" + tokens.sign(tokens.keyring(settings), location.code)
    for path in (report, "/t", "/points", f"/f/{token}/message"):
        page = _page(client.post(path, content=b"description=x", headers=NO_BOUNDARY), 400)
        assert "表单无法读取（可能没有传完整），没有保存任何内容" in page, path
    english = _page(client.post(report, content=b"x", headers={**NO_BOUNDARY, "Accept-Language": "en"}), 400)
    assert "The form could not be read (it may not have been sent in full); nothing was saved" in english
    assert session.exec(select(func.count()).select_from(Hazard)).one() == before
    api = client.post("/api/v1/auth/token", content=b"x", headers=NO_BOUNDARY)
    assert api.headers["content-type"] == "application/json"  # the API keeps FastAPI's answers


def test_a_console_form_that_cannot_be_read_at_all_is_the_consoles_page(console: TestClient, signed_in) -> None:
    signed_in(Role.officer)
    page = _page(console.post("/console/account/email", content=b"x", headers=NO_BOUNDARY), 400)
    assert "表单无法读取（可能没有传完整），没有保存任何改动" in page and 'id="problem"' in page
    signed_out = console.post("/console/login", content=b"x", headers={**NO_BOUNDARY, "Accept-Language": "en"})
    assert "The form could not be read" in _page(signed_out, 400)
