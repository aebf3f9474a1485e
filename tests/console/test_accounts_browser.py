"""The account pages in a real headless Chromium: an officer opens their account page and sets an email
address (also on a phone); an admin sees it and disables
the officer, whose open console then goes back to the sign-in page; repeated wrong passwords get the
wait on the sign-in page. Screenshots as in ``test_browser``."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.engine import Engine

from safety_service.config import Settings
from safety_service.database import session_scope
from safety_service.people.models import Role
from tests.live import chromium, live_app, screenshots
from tests.people.builders import PASSWORD, make_user

TABLET = {"width": 1024, "height": 768}
PHONE = {"width": 390, "height": 844}


def _world(engine: Engine) -> None:
    with session_scope(engine) as session:
        make_user(session, role=Role.officer, username="officer1")
        make_user(session, role=Role.admin, username="admin")


@pytest.fixture
def base(settings: Settings, tmp_path: Path) -> Iterator[str]:
    with live_app(settings, tmp_path, _world, login_max_failures=3) as (live_settings, _engine):
        yield live_settings.public_url


def _sign_in(page: Page, base: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/console/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("#sign-in")


def test_account_pages_end_sessions_in_a_browser(base: str, tmp_path: Path) -> None:
    shots = screenshots(tmp_path)
    with chromium() as browser:
        officer = browser.new_page(viewport=TABLET, locale="zh-CN")
        _sign_in(officer, base, "officer1")
        expect(officer.locator("#who")).to_contain_text("officer-")  # the person's name, not the login
        officer.click("#who")
        expect(officer.locator("#end-everywhere")).to_be_visible()
        officer.fill("#email", "zhang.san@tcmine.cn")
        officer.click("#save-email")
        expect(officer.locator("#done")).to_have_text("邮箱已保存。")
        expect(officer.locator("#email-now")).to_contain_text("zhang.san@tcmine.cn")
        officer.screenshot(path=str(shots / "console-account.png"), full_page=True)
        phone = browser.new_page(viewport=PHONE, locale="zh-CN", is_mobile=True)
        _sign_in(phone, base, "officer1")
        phone.goto(f"{base}/console/account")
        phone.fill("#email", "zhang.san@tcmine")  # the browser lets it through; the service does not
        phone.click("#save-email")
        expect(phone.locator("#err-email")).to_contain_text("请填写正确的邮箱地址")
        expect(phone.locator("#email")).to_have_value("zhang.san@tcmine")
        phone.screenshot(path=str(shots / "console-account-phone.png"), full_page=True)

        admin = browser.new_page(viewport=TABLET, locale="zh-CN")
        _sign_in(admin, base, "admin")
        admin.goto(f"{base}/console/admin/people")
        admin.click("#manage-officer1")
        expect(admin.locator("#email-shown")).to_have_text("zhang.san@tcmine.cn")
        admin.click("#toggle")
        expect(admin.locator("#state")).to_have_text("已停用")
        admin.screenshot(path=str(shots / "console-admin-account.png"), full_page=True)

        officer.reload()
        expect(officer.locator("#login-form")).to_be_visible()  # its session ended on the server
        for _ in range(3):
            _sign_in(officer, base, "officer1", "wrong-password")
        _sign_in(officer, base, "officer1")
        expect(officer.locator("#login-error")).to_contain_text("登录失败次数过多")
        officer.screenshot(path=str(shots / "console-login-throttled.png"), full_page=True)
