"""The behaviour-report queue (desktop and phone), a report's decision and the lead counsellors' page in a real
headless Chromium; screenshots as in ``test_browser``."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy.engine import Engine

from safety_service.config import Settings
from safety_service.database import session_scope
from safety_service.people.models import Role
from tests.counselling.test_behaviour import REPORTER, make_behaviour_report
from tests.live import chromium, live_app, screenshots, sign_in
from tests.people.builders import make_person, make_user

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def _world(engine: Engine) -> None:
    with session_scope(engine) as session:
        make_user(session, role=Role.supervisor, username="leader1")
        make_user(session, role=Role.admin, username="admin")
        make_user(session, role=Role.counsellor, username="counsellor1", name="刘帮教")
        make_person(session, name="王班长", team="掘进二队").employee_no = "2201"
        make_behaviour_report(session)
        make_behaviour_report(session, person_name=None)


@pytest.fixture
def base(settings: Settings, tmp_path: Path) -> Iterator[str]:
    with live_app(settings, tmp_path, _world) as (live_settings, _engine):
        yield live_settings.public_url


def test_a_supervisor_decides_a_report_and_an_admin_names_a_lead(base: str, tmp_path: Path) -> None:
    shots = screenshots(tmp_path)
    with chromium() as browser:
        page = browser.new_page(viewport=DESKTOP, locale="zh-CN")
        sign_in(page, base, "leader1")
        page.click("#nav-behaviour")
        expect(page.locator("#behaviour-reports tbody tr")).to_have_count(2)
        page.screenshot(path=str(shots / "console-behaviour-queue.png"), full_page=True)
        phone = browser.new_page(viewport=PHONE, locale="zh-CN", is_mobile=True)
        sign_in(phone, base, "leader1")
        phone.goto(f"{base}/console/behaviour")
        phone.screenshot(path=str(shots / "console-behaviour-queue-phone.png"), full_page=True)
        page.locator("#behaviour-reports tbody tr a").first.click()
        expect(page.locator("#form-violation")).to_be_visible()
        assert REPORTER not in page.content()
        page.fill("#violation-employee_no", "NOBODY")
        page.click("#record-violation")
        expect(page.locator("#err-employee_no")).to_be_visible()
        expect(page.locator("#err-kind")).to_be_visible()
        page.screenshot(path=str(shots / "console-behaviour-errors.png"), full_page=True)
        page.fill("#violation-employee_no", "2201")
        page.check("#kind-illegal_command")
        page.click("#record-violation")
        expect(page.locator("#decided")).to_be_visible()
        expect(page.locator("#behaviour-reports tbody tr")).to_have_count(1)
        sign_in(page, base, "admin")
        page.goto(f"{base}/console/admin/leads")
        page.select_option("#lead-username", "counsellor1")
        page.fill("#lead-team", "掘进二队")
        page.click("#add-lead-button")
        expect(page.locator("#done")).to_be_visible()
        expect(page.locator("#leads")).to_contain_text("掘进二队")
        page.screenshot(path=str(shots / "console-leads.png"), full_page=True)
