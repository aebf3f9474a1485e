"""An unreadable request answered as a page, in a real headless Chromium: an officer's hand-typed date that does
not exist (desktop), a family message whose photo field was tampered into a text and a QR link cut off before
its token, on the phone at 390x844; an owner's cut-off console link on the phone keeps the console's header.
Screenshots as in ``tests/console/test_browser``."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy.engine import Engine

from safety_service.config import Settings
from safety_service.database import session_scope
from safety_service.people.models import Role
from tests.counselling.test_family_browser import PHONE, _link
from tests.counselling.test_family_browser import _world as _family_world
from tests.live import chromium, csp_violations, live_app, screenshots, sign_in
from tests.people.builders import make_user

DESKTOP = {"width": 1280, "height": 800}


def _world(engine: Engine) -> None:
    _family_world(engine)
    with session_scope(engine) as session:
        make_user(session, role=Role.officer, username="officer1")
        make_user(session, role=Role.owner, username="owner1", name="张队长")


@pytest.fixture
def live(settings: Settings, tmp_path: Path) -> Iterator[tuple[Settings, Engine]]:
    with live_app(settings, tmp_path, _world) as running:
        yield running


def test_a_date_that_does_not_exist_and_a_tampered_photo_field_are_pages(live: tuple[Settings, Engine],
                                                                         tmp_path: Path) -> None:
    settings, engine = live
    base, shots = settings.public_url, screenshots(tmp_path)
    _, family_url = _link(settings, engine)
    with chromium() as browser:
        desk = browser.new_page(viewport=DESKTOP, locale="zh-CN")
        violations = csp_violations(desk)
        sign_in(desk, base, "officer1")
        answer = desk.goto(f"{base}/console/risks/coverage?start=2026-02-30&end=2026-03-31")
        assert answer is not None and answer.status == 422
        expect(desk.locator("#problem")).to_contain_text("地址里“start”的值无法识别")
        expect(desk.locator("#nav")).to_be_visible()  # the officer's way on: the menu, bell and name stay
        desk.screenshot(path=str(shots / "console-unreadable-address.png"))

        phone = browser.new_page(viewport=PHONE, locale="zh-CN", is_mobile=True)
        violations += csp_violations(phone)
        phone.goto(family_url)
        # what a tampered page sends: the photo field's file input replaced by a text
        phone.evaluate("""() => { const form = document.querySelector('#form-message');
            form.querySelector('input[type=file]').remove();
            const text = document.createElement('input'); text.name = 'photo'; text.value = 'not a file';
            form.appendChild(text); }""")
        phone.fill("#text", "平安")
        phone.click("#form-message button[type=submit]")
        expect(phone.locator("#problem")).to_contain_text("表单里“photo”的内容无法识别，没有保存任何内容")
        phone.screenshot(path=str(shots / "family-unreadable-phone.png"), full_page=True)

        answer = phone.goto(f"{base}/r/")  # a QR link cut off before its token
        assert answer is not None and answer.status == 404
        expect(phone.locator("#problem")).to_contain_text("没有这个页面。请重新扫描现场的二维码")
        phone.screenshot(path=str(shots / "qr-cut-off-link-phone.png"), full_page=True)

        sign_in(phone, base, "owner1")  # an owner on the phone follows a link cut off in a chat message
        answer = phone.goto(f"{base}/console/hazards/YH-2026-0")
        assert answer is not None and answer.status == 404
        expect(phone.locator("#who")).to_contain_text("张队长 · ")
        phone.screenshot(path=str(shots / "console-unknown-page-phone.png"), full_page=True)
        assert violations == []
