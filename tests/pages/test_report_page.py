"""The miner's report page: scan, fill in, send, get a tracking code; refused codes make no report."""

import re
import uuid

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from safety_service.config import Settings
from safety_service.hazards.models import Hazard
from safety_service.main import create_app
from safety_service.pages import views as pages_views
from safety_service.photos.models import HazardPhoto
from safety_service.qr import tokens
from tests.conftest import make_settings, use_session
from tests.pages.conftest import InlineWriter
from tests.photos.images import photo, png_header_only


def _path(settings: Settings, code: str) -> str:
    return "/r/" + tokens.sign(tokens.keyring(settings), code)


def _count(session: Session) -> int:
    return session.exec(select(func.count()).select_from(Hazard)).one()


def _form(**fields: str) -> dict[str, str]:
    return {"description": "顶板有裂缝，锚杆松动", "category": "roof", "client_report_id": str(uuid.uuid4()),
            **fields}


def test_the_page_is_chinese_small_and_shows_the_location(pages: TestClient, settings: Settings, location) -> None:
    page = pages.get(_path(settings, location.code))
    assert page.status_code == 200 and '<html lang="zh-CN">' in page.text
    assert "主井井口" in page.text and "顶板" in page.text and "可以匿名举报" in page.text
    assert len(page.content) < 100_000 and "<script src" not in page.text
    assert re.search(r'name="client_report_id" value="[0-9a-f-]{36}"', page.text)


def test_english_by_accept_language_or_the_switch_which_is_remembered(pages: TestClient, settings: Settings,
                                                                      location) -> None:
    path = _path(settings, location.code)
    assert "Report a hazard" in pages.get(path, headers={"Accept-Language": "en-GB,en;q=0.9"}).text
    switched = pages.get(path + "?lang=en")
    assert "Main shaft" in switched.text and "anonymously" in switched.text and switched.cookies.get("lang") == "en"
    assert '<html lang="en">' in pages.get(path).text  # the cookie now
    assert '<html lang="zh-CN">' in pages.get(path + "?lang=zh-CN").text


def test_a_report_goes_through_the_intake_path_and_a_resubmit_is_the_same_report(
        pages: TestClient, session: Session, settings: Settings, location) -> None:
    before, form = _count(session), _form(reporter_name="王五", employee_no="")
    first = pages.post(_path(settings, location.code), data=form)
    assert first.status_code == 201, first.text
    code = re.search(r'id="tracking-code">(\w+)<', first.text).group(1)
    ref = re.search(r'id="ref"[^>]*>(YH-[\d-]+)<', first.text).group(1)
    assert f'href="/t/{code}"' not in first.text and f'name="tracking_code" value="{code}"' in first.text
    assert f"以后打开 {settings.public_url}/t 输入查询码" in first.text  # where to type it in later
    again = pages.post(_path(settings, location.code), data=form)
    assert again.status_code == 200 and code in again.text and "没有重复登记" in again.text
    assert _count(session) == before + 1
    hazard = session.exec(select(Hazard).where(Hazard.ref == ref)).one()
    assert (hazard.source, hazard.reporter_name, hazard.tracking_code) == ("qr", "王五", code)


def test_an_anonymous_report_with_a_photo_stores_the_photo_once(pages: TestClient, session: Session,
                                                                 settings: Settings, location) -> None:
    form = _form(category="")
    files = {"photo": ("IMG_0001.HEIC", photo("HEIF"), "image/heic")}
    sent = pages.post(_path(settings, location.code), data=form, files=files)
    assert sent.status_code == 201, sent.text
    pages.post(_path(settings, location.code), data=form, files=files)
    hazard = session.exec(select(Hazard).where(Hazard.client_report_id == form["client_report_id"])).one()
    assert hazard.reporter_name is None and hazard.reporter_employee_no is None and hazard.category_id is None
    stored = session.exec(select(HazardPhoto).where(HazardPhoto.hazard_id == hazard.id)).all()
    assert len(stored) == 1 and stored[0].image.startswith(b"\xff\xd8")


def test_bad_input_shows_the_form_again_with_messages_and_stores_nothing(pages: TestClient, session: Session,
                                                                         settings: Settings, location) -> None:
    before, path = _count(session), _path(settings, location.code)
    empty = pages.post(path, data=_form(description="  ", reporter_name="李"))
    assert empty.status_code == 422 and "请填写隐患描述" in empty.text and 'value="李"' in empty.text
    unknown = pages.post(path, data=_form(category="unicorns", lang="en"))
    assert unknown.status_code == 422 and "Please pick a kind" in unknown.text
    too_long = pages.post(path, data=_form(category="x" * 5000, lang="en"))  # was a 500
    assert too_long.status_code == 422 and "Please pick a kind" in too_long.text
    not_photo = pages.post(path, data=_form(), files={"photo": ("x.pdf", b"%PDF-1.4 nope", "application/pdf")})
    assert not_photo.status_code == 422 and "只支持 JPEG、PNG、WebP、HEIC" in not_photo.text
    long_name = pages.post(path, data=_form(reporter_name="名" * 65))
    assert long_name.status_code == 422 and "姓名不能超过 64 个字" in long_name.text
    assert _count(session) == before


def test_a_photo_over_the_pixel_cap_is_refused_beside_the_field_with_what_to_do(
        pages: TestClient, session: Session, settings: Settings, location) -> None:
    before, path = _count(session), _path(settings, location.code)
    heif_max = {"photo": ("IMG_0002.PNG", png_header_only(8064, 6048), "image/png")}  # a 48 MP full-resolution photo
    refused = pages.post(path, data=_form(), files=heif_max)
    assert refused.status_code == 422 and "照片分辨率过大" in refused.text and "手机默认的分辨率" in refused.text
    assert _count(session) == before


def test_refused_codes_show_a_clear_page_and_never_make_a_report(pages: TestClient, session: Session,
                                                                 settings: Settings, location) -> None:
    before, good = _count(session), tokens.sign(tokens.keyring(settings), location.code)
    forged = "/r/" + good[:-3] + ("xyz" if not good.endswith("xyz") else "abc")
    assert pages.get(forged).status_code == 403 and "伪造" in pages.get(forged).text
    assert pages.post(forged, data=_form()).status_code == 403
    assert pages.get("/r/hello").status_code == 404
    retired_key = tokens.sign(tokens.keyring(Settings(qr_keys="old:" + "s" * 20)), location.code)
    assert pages.get("/r/" + retired_key).status_code == 410 and "已停用" in pages.get("/r/" + retired_key).text
    location.active = False
    session.add(location)
    session.flush()
    retired = pages.post("/r/" + good, data=_form())
    assert retired.status_code == 410 and "这个地点已停用" in retired.text
    assert _count(session) == before


ODD_VALUES = ["", " ", "\u0000", "a\u0000b", "x" * 5000, "😀" * 300, "roof", "NOWHERE", "' OR 1=1 --", "\u202e",
              "-1", "99999999999999999999", "\r\n", "<script>alert(1)</script>"]


def test_no_odd_value_in_any_field_of_the_public_form_is_a_server_error(database_url: str, engine: Engine,
                                                                         session: Session, location) -> None:
    """Each field of the report form set to each odd value, with and without a photo: a form error or a
    receipt, never a 5xx (a 5,000-character category was one)."""
    settings = make_settings(database_url, report_rate_per_minute=0, public_rate_per_minute=0)
    app = create_app(settings, engine, run_scheduler=False)
    use_session(app, session)
    app.dependency_overrides[pages_views.get_report_writer] = lambda: InlineWriter(session, settings.timezone)
    with TestClient(app) as pages:
        for name in ("client_report_id", "category", "description", "reporter_name", "employee_no", "lang"):
            for value in ODD_VALUES:
                for files in (None, {"photo": ("a.jpg", b"\x00\xff" * 10, "image/jpeg")}):
                    answer = pages.post(_path(settings, location.code), data=_form(**{name: value}), files=files)
                    assert answer.status_code < 500, (name, value[:20], answer.status_code)
