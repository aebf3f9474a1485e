"""The officer's boards in a real headless Chromium: the overdue board readable and complete, queues that
move, the location filter by name, the kiosk page.

The overdue board's screenshot goes to docs/screenshots/ with SAFETY_UPDATE_SCREENSHOTS=1.
"""

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.engine import Engine

from safety_service.clock import utc_now
from safety_service.config import Settings
from safety_service.database import session_scope
from safety_service.feedback.scheduled import flag_overdue_steps
from safety_service.hazards.scheduled import escalate_overdue
from safety_service.hazards.states import Grade, HazardState
from safety_service.kiosks import service as kiosks_service
from safety_service.locations import service as locations_service
from safety_service.locations.schemas import AreaCreate, LocationCreate
from safety_service.people.models import Role
from tests.hazards.builders import make_hazard
from tests.kiosks.builders import make_kiosk
from tests.live import chromium, csp_violations, live_app, screenshots, sign_in
from tests.people.builders import make_user

DESKTOP = {"width": 1280, "height": 900}


def _world(engine: Engine, settings: Settings) -> None:
    with session_scope(engine) as session:
        site = locations_service.ensure_site(session, code="tianchen", name_zh="田陈煤矿")
        area = locations_service.add_area(session, site=site, data=AreaCreate(code="N1", name_zh="北一采区"))
        places = [locations_service.add_location(session, site=site, data=LocationCreate(
            code=code, name_zh=name, area_code=area.code)) for code, name in (
            ("PH-1", "主井井口"), ("RW-1302", "1302 回风巷"), ("WS-1", "机修车间"))]
        officer = make_user(session, role=Role.officer, username="officer1", name="刘洋", team="安全科")
        owner = make_user(session, role=Role.owner, username="owner1", name="杨军", team="综采一队")
        make_user(session, role=Role.chief, username="chief1", name="王建国", team="矿领导")
        now = utc_now()
        make_hazard(session, state=HazardState.rectifying, location=places[1], now=now - timedelta(days=9),
                    deadline=now - timedelta(days=5), description="1302 回风巷风门关闭不严，漏风",
                    officer=officer, owner=owner)
        make_hazard(session, location=places[0], now=now - timedelta(days=3), description="主井井口防护栏松动")
        make_hazard(session, state=HazardState.awaiting_verification, location=places[2], officer=officer,
                    owner=owner, now=now - timedelta(days=4), deadline=now + timedelta(days=5),
                    description="机修车间砂轮机防护罩缺失", grade=Grade.major)
        make_hazard(session, location=places[2], now=now - timedelta(hours=2), description="机修车间地面油污")
        escalate_overdue(session, now=now, settings=settings)
        flag_overdue_steps(session, now=now, settings=settings)


@pytest.fixture
def live(settings: Settings, tmp_path: Path) -> Iterator[tuple[str, Engine]]:
    """The app under uvicorn on 127.0.0.1, on a fresh database, the list polled every second."""
    holder: dict[str, Settings] = {}

    def world(engine: Engine) -> None:
        _world(engine, holder["settings"])

    holder["settings"] = settings
    with live_app(settings, tmp_path, world, console_poll_seconds=1, console_stats_ttl_seconds=0) as (
            live_settings, engine):
        yield live_settings.public_url, engine


def _colour(page: Page, selector: str, prop: str) -> str:
    return page.eval_on_selector(selector, f"e => getComputedStyle(e).{prop}")


def test_the_escalation_badge_is_readable_on_the_overdue_board(live: tuple[str, Engine], tmp_path: Path) -> None:
    base, _ = live
    with chromium() as browser:
        page = browser.new_context(viewport=DESKTOP, locale="zh-CN").new_page()
        page.set_default_timeout(10_000)
        violations = csp_violations(page)
        sign_in(page, base, "officer1")
        page.click("#tab-overdue")
        badge = "tr.overdue .badge.escalated"
        expect(page.locator(badge)).to_contain_text("已督办第 3 级")
        assert _colour(page, badge, "color") != _colour(page, badge, "backgroundColor")
        assert _colour(page, badge, "color") == "rgb(255, 255, 255)"
        page.screenshot(path=str(screenshots(tmp_path) / "console-overdue.png"), full_page=True)
        assert violations == []


def test_every_step_past_its_time_limit_is_on_the_overdue_board(live: tuple[str, Engine]) -> None:
    base, _ = live
    with chromium() as browser:
        page = browser.new_context(viewport=DESKTOP, locale="zh-CN").new_page()
        page.set_default_timeout(10_000)
        sign_in(page, base, "officer1")
        page.click("#tab-triage")  # the old report is marked where it is listed; the new one is not
        expect(page.locator("#hazards tbody tr")).to_have_count(2)
        expect(page.locator("tr.overdue")).to_have_count(1)
        expect(page.locator("tr.overdue .step-late")).to_contain_text("核实超时 2 天")
        page.click("#tab-overdue")
        marks = page.locator("tr.overdue .step-late")
        expect(marks).to_have_count(3)
        assert sorted(marks.evaluate_all("ms => ms.map(m => m.dataset.step)")) == [
            "rectification", "triage", "verification"]
        expect(page.locator("tr.overdue .step-late[data-step=verification]")).to_contain_text("验收超时 2 天")
        expect(page.locator("tr.overdue .step-late[data-step=rectification]")).to_contain_text("已超期 5 天")
        expect(page.locator("#late-counts")).to_have_text("超时未办：核实 1 条，整改 1 条，验收 1 条")


def _new(engine: Engine, **kwargs: object) -> str:
    with session_scope(engine) as session:
        location = locations_service.get_location(session, code="PH-1")
        return make_hazard(session, location=location, description="主井井口罐笼信号失灵", **kwargs).ref


def test_queues_that_move_show_counts_new_rows_and_major_ones(live: tuple[str, Engine], tmp_path: Path) -> None:
    base, engine = live
    with chromium() as browser:
        page = browser.new_context(viewport=DESKTOP, locale="zh-CN").new_page()
        page.set_default_timeout(10_000)
        violations = csp_violations(page)
        sign_in(page, base, "officer1")
        expect(page.locator("#count-triage")).to_have_text("2")
        expect(page.locator("#count-overdue")).to_have_text("3")
        expect(page.locator("tr.fresh")).to_have_count(0)  # what was there on the first visit is not news
        ref = _new(engine)
        row = page.locator(f'tr[data-ref="{ref}"]')
        expect(row).to_have_class(re.compile(r"\bfresh\b"))
        expect(page.locator("#count-triage")).to_have_text("3")
        expect(page.locator("#fresh-note")).to_be_visible()
        assert page.title().startswith("(1) ")
        assert _colour(page, f'tr[data-ref="{ref}"] td', "backgroundColor") != _colour(
            page, "tr[data-ref]:not(.fresh) td", "backgroundColor")
        page.reload()  # still news after a reload: only a look (a click, or "mark all seen") makes it seen
        expect(row).to_have_class(re.compile(r"\bfresh\b"))
        page.click("#seen-all")
        expect(page.locator("tr.fresh")).to_have_count(0)
        expect(page.locator("#fresh-note")).to_be_hidden()
        sign_in(page, base, "chief1")
        expect(page.locator("#tab-major.on")).to_be_visible()
        expect(page.locator("#alarm")).to_be_hidden()
        major = _new(engine, state=HazardState.confirmed, grade=Grade.major)
        expect(page.locator("#alarm")).to_be_visible()
        expect(page.locator("#alarm")).to_contain_text(f"新的重大隐患：{major} 主井井口")
        assert page.title().startswith("‼ (1) ")
        page.screenshot(path=str(screenshots(tmp_path) / "console-major-alarm.png"), full_page=True)
        page.click("#alarm-seen")
        expect(page.locator("#alarm")).to_be_hidden()
        assert violations == []


def test_the_kiosk_page_reads_at_a_glance(live: tuple[str, Engine], tmp_path: Path) -> None:
    base, engine = live
    with session_scope(engine) as session:
        make_user(session, role=Role.admin, username="admin1")
        kiosk, _ = make_kiosk(session, location=locations_service.get_location(session, code="PH-1"),
                              kiosk_id="kiosk-ph1")
        kiosks_service.set_status(kiosk, state="online", version="2.3.1", at=utc_now() - timedelta(hours=30))
    with chromium() as browser:
        page = browser.new_context(viewport=DESKTOP, locale="zh-CN").new_page()
        sign_in(page, base, "admin1")
        page.goto(f"{base}/console/admin/kiosks")
        row = page.locator('tr[data-kiosk="kiosk-ph1"]')
        expect(row.locator(".presence")).to_contain_text("在线")
        expect(row.locator(".presence")).to_contain_text("1 天 6 小时")
        expect(row.locator(".last-report")).to_contain_text("尚无举报")
        page.screenshot(path=str(screenshots(tmp_path) / "console-kiosks.png"), full_page=True)
