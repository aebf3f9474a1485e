"""A miner's whole visit in a real headless Chromium at a phone's size: scan, report, track.

The server is the real app under uvicorn with its batch writer, on a fresh database of the
current backend. Screenshots go to a temporary folder, or to docs/screenshots/ with
SAFETY_UPDATE_SCREENSHOTS=1.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from safety_service.config import Settings
from safety_service.database import session_scope
from safety_service.hazards.models import Hazard
from safety_service.hazards.states import HazardState
from safety_service.locations import service as locations_service
from safety_service.locations.schemas import LocationCreate
from safety_service.photos.models import HazardPhoto
from safety_service.qr import images, tokens
from tests.hazards.builders import make_hazard
from tests.live import assert_fits_screen, chromium, csp_violations, live_app, screenshots
from tests.locations.builders import make_location
from tests.people.builders import make_person
from tests.photos.images import photo
from tests.qr.decode import decode_png

PHONE = {"width": 390, "height": 844}


def _one_location(engine: Engine) -> None:
    with session_scope(engine) as session:
        site = locations_service.ensure_site(session, code="tianchen", name_zh="田陈煤矿")
        locations_service.add_location(session, site=site, data=LocationCreate(
            code="PH-1", name_zh="主井井口", name_en="Main shaft pithead"))


@pytest.fixture
def live(settings: Settings, tmp_path: Path) -> Iterator[tuple[Settings, Engine]]:
    """The app under uvicorn on 127.0.0.1 with a fresh, migrated database holding one location."""
    with live_app(settings, tmp_path, _one_location) as running:
        yield running


def test_a_miner_scans_reports_with_a_photo_and_follows_the_report(live: tuple[Settings, Engine],
                                                                   tmp_path: Path) -> None:
    live_settings, engine = live
    shots = screenshots(tmp_path)
    (scanned,) = decode_png(images.qr_png(tokens.report_url(live_settings, "PH-1")))
    (tmp_path / "hazard.jpg").write_bytes(photo("JPEG", (1200, 900), orientation=6))
    with chromium() as browser:
        page = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                   locale="zh-CN").new_page()
        violations = csp_violations(page)
        page.goto(scanned)
        assert page.locator("#location").inner_text() == "主井井口"
        page.get_by_text("顶板", exact=True).click()
        page.fill("#description", "1302 回风巷 50 米处顶板掉渣，锚杆松动")
        page.set_input_files("#photo", str(tmp_path / "hazard.jpg"))
        page.screenshot(path=str(shots / "report-page.png"), full_page=True)
        page.get_by_role("button", name="提交举报").click()
        code = page.locator("#tracking-code").inner_text()
        assert len(code) == 12 and page.locator("#ref").inner_text().startswith("YH-")
        page.screenshot(path=str(shots / "receipt-page.png"), full_page=True)
        page.locator("#track").click()
        assert page.locator("#state").inner_text() == "已收到，等待安全员核实"
        assert page.url.endswith("/t") and code not in page.url  # the code stays out of URLs and histories
        page.screenshot(path=str(shots / "tracking-page.png"), full_page=True)
        page.get_by_role("link", name="English").click()
        assert page.locator("#state").inner_text().startswith("Received")
        assert violations == []
    with Session(engine) as session:
        hazard = session.exec(select(Hazard).where(Hazard.tracking_code == code)).one()
        stored = session.exec(select(HazardPhoto).where(HazardPhoto.hazard_id == hazard.id)).one()
    assert (hazard.source, hazard.reporter_name, stored.height > stored.width) == ("qr", None, True)


def test_the_report_page_fits_a_phone_in_either_language(live: tuple[Settings, Engine], tmp_path: Path) -> None:
    """No sideways scrolling in Chinese or English: the English category names (Electromechanical) had widened the
    three columns of buttons past the screen."""
    live_settings, _ = live
    shots = screenshots(tmp_path)
    with chromium() as browser:
        for locale in ("zh-CN", "en-US"):
            page = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale=locale).new_page()
            page.goto(tokens.report_url(live_settings, "PH-1"))
            assert page.locator(".cat").count() > 10
            page.screenshot(path=str(shots / f"report-page-{locale}.png"), full_page=True)
            assert_fits_screen(page)


def test_every_field_of_the_report_pages_is_a_full_size_target(live: tuple[Settings, Engine]) -> None:
    """On both report forms every field a miner taps, with gloves on, spans the form and is at least 44 px tall:
    the unsafe behaviour form's time had been a 20 px strip at the browser's small type, and the photo picker a
    small grey button on both."""
    live_settings, _ = live
    with chromium() as browser:
        page = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN").new_page()
        for kind in ("", "?kind=behaviour"):
            page.goto(tokens.report_url(live_settings, "PH-1") + kind)
            assert page.locator(FIELDS).count() >= 4, kind
            assert page.evaluate(SMALL_FIELDS, FIELDS) == [], kind


FIELDS = "main textarea, main input:not([type=hidden]):not([type=radio]):not([type=checkbox])"
# The fields narrower than the form's column (the main's width less its padding), or under 44 px tall; a file
# field by its button.
SMALL_FIELDS = """fields => {
    const main = document.querySelector('main'), style = getComputedStyle(main);
    const column = main.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return Array.from(document.querySelectorAll(fields)).filter(field => {
        const box = field.getBoundingClientRect();
        const tall = field.type === 'file'
            ? parseFloat(getComputedStyle(field, '::file-selector-button').minHeight) || 0 : box.height;
        return tall < 44 || box.width < column * 0.8;
    }).map(field => field.id);
}"""


DESKTOP = {"width": 1280, "height": 800}
WORLD: dict[str, str] = {}


def _a_confirmed_anonymous_report(engine: Engine) -> None:
    with session_scope(engine) as session:
        hazard = make_hazard(session, state=HazardState.confirmed, location=make_location(session, code="PH-1"))
        WORLD.update(code=hazard.tracking_code, ref=hazard.ref, employee_no=make_person(session).employee_no)


def _phone_and_desktop(browser: Browser) -> Iterator[tuple[str, Page]]:
    """A page at a phone's size, then one at a desktop's, each in its own context (cookies), in Chinese."""
    for name, size, mobile in (("phone", PHONE, True), ("desktop", DESKTOP, False)):
        context = browser.new_context(viewport=size, device_scale_factor=2 if mobile else 1, is_mobile=mobile,
                                      has_touch=mobile, locale="zh-CN")
        yield name, context.new_page()


def test_a_miner_types_the_code_into_the_tracking_form_and_claims_the_points(settings: Settings,
                                                                             tmp_path: Path) -> None:
    shots = screenshots(tmp_path)
    with live_app(settings, tmp_path, _a_confirmed_anonymous_report) as (live_settings, _), chromium() as browser:
        for name, page in _phone_and_desktop(browser):
            page.goto(f"{live_settings.public_url}/t")
            page.fill("#tracking_code", WORLD["code"].lower())
            page.screenshot(path=str(shots / f"tracking-form-{name}.png"), full_page=True)
            page.get_by_role("button", name="查询").click()
            assert page.locator("#ref").inner_text() == WORLD["ref"] and page.url.endswith("/t")
            page.locator("#my-points button").click()
            page.locator(f"#claim-{WORLD['ref']}").fill(WORLD["employee_no"])
            page.screenshot(path=str(shots / f"points-claim-{name}.png"), full_page=True)
        page.get_by_role("button", name="领取积分").click()  # the desktop's, the second and last
        assert WORLD["ref"] in page.locator("#claimed").inner_text() and page.locator("#balance").inner_text() == "10"
        page.screenshot(path=str(shots / "points-claimed-desktop.png"), full_page=True)


def test_a_report_refused_by_the_rate_limit_keeps_what_was_typed(settings: Settings, tmp_path: Path) -> None:
    shots = screenshots(tmp_path)
    with live_app(settings, tmp_path, _one_location, report_rate_per_minute=1) as (live_settings, _), \
            chromium() as browser:
        url = tokens.report_url(live_settings, "PH-1")
        for name, page in _phone_and_desktop(browser):
            for attempt in (1, 2) if name == "phone" else (2,):
                page.goto(url)
                page.get_by_text("通风", exact=True).click()
                page.fill("#description", f"1302 回风巷风门关不严 ({attempt})")
                page.fill("#reporter_name", "李四")
                page.get_by_role("button", name="提交举报").click()
            assert "秒后再点" in page.locator("#retry").inner_text()
            assert page.locator("#description").input_value() == "1302 回风巷风门关不严 (2)"
            assert page.locator("#reporter_name").input_value() == "李四"
            page.screenshot(path=str(shots / f"report-rate-limited-{name}.png"), full_page=True)
