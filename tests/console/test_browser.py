"""The console in a real headless Chromium at a tablet's size: the whole closed loop by two people,
and a counsellor planning a case.

An officer signs in, sees a new report arrive without reloading, confirms it and assigns it with
the five fixes; the owner signs in and submits the fix; the officer verifies and closes it; the
overdue board shows a hazard past its deadline. Screenshots go to a temporary folder, or to
docs/screenshots/ with SAFETY_UPDATE_SCREENSHOTS=1.
"""

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from safety_service.clock import utc_now
from safety_service.config import Settings
from safety_service.counselling.models import CounsellingCase
from safety_service.counselling.states import CaseState
from safety_service.database import session_scope
from safety_service.hazards.models import Hazard
from safety_service.hazards.states import Channel, HazardState
from safety_service.locations import service as locations_service
from safety_service.locations.schemas import AreaCreate, LocationCreate
from safety_service.people.models import Role
from tests.counselling.builders import assign, make_case
from tests.hazards.builders import make_hazard
from tests.live import chromium, csp_violations, live_app, screenshots, sign_in
from tests.people.builders import make_person, make_user

TABLET = {"width": 1024, "height": 768}


def _world(engine: Engine) -> None:
    with session_scope(engine) as session:
        site = locations_service.ensure_site(session, code="tianchen", name_zh="田陈煤矿")
        area = locations_service.add_area(session, site=site, data=AreaCreate(code="N1", name_zh="北一采区"))
        places = [locations_service.add_location(session, site=site, data=LocationCreate(
            code=code, name_zh=name, area_code=area.code)) for code, name in (
            ("PH-1", "主井井口"), ("RW-1302", "1302 回风巷"), ("WS-1", "机修车间"))]
        make_user(session, role=Role.officer, username="officer1")
        make_user(session, role=Role.owner, username="owner1")
        past = utc_now() - timedelta(days=4)
        make_hazard(session, state=HazardState.rectifying, location=places[1], now=past - timedelta(days=3),
                    deadline=past, description="1302 回风巷风门关闭不严，漏风", category_code="ventilation")
        for i, (state, source) in enumerate([(HazardState.closed, Channel.kiosk), (HazardState.confirmed, Channel.qr),
                                             (HazardState.awaiting_verification, Channel.console)]):
            make_hazard(session, state=state, source=source, location=places[i % 3],
                        now=utc_now() - timedelta(days=9 * i), deadline=utc_now() + timedelta(days=5),
                        description=("井口照明灯损坏", "机修车间地面油污", "皮带机托辊损坏")[i])


@pytest.fixture
def live(settings: Settings, tmp_path: Path) -> Iterator[tuple[str, Engine]]:
    """The app under uvicorn on 127.0.0.1, on a fresh database, the list polled every second."""
    with live_app(settings, tmp_path, _world, console_poll_seconds=1, console_stats_ttl_seconds=0) as (
            live_settings, engine):
        yield live_settings.public_url, engine


def _report(engine: Engine) -> str:
    with session_scope(engine) as session:
        location = locations_service.get_location(session, code="PH-1")
        return make_hazard(session, location=location, description="主井井口防护栏松动，有坠落风险").ref


def test_the_closed_loop_in_the_console(live: tuple[str, Engine], tmp_path: Path) -> None:
    base, engine = live
    shots = screenshots(tmp_path)
    with chromium() as browser:
        page = browser.new_context(viewport=TABLET, locale="zh-CN").new_page()
        page.set_default_timeout(10_000)
        violations = csp_violations(page)
        sign_in(page, base, "officer1")
        ref = _report(engine)
        expect(page.locator(f'tr[data-ref="{ref}"]')).to_be_visible()  # arrived without a reload
        page.click(f'tr[data-ref="{ref}"] a')
        page.check('#form-confirm input[value="general"]')
        page.select_option("#confirm-category", "roof")
        page.click("#form-confirm button")
        expect(page.locator("#state")).to_have_text("已核实")
        _assign_to_owner1(page)
        expect(page.locator("#state")).to_have_text("整改中")
        expect(page.locator("#owner")).to_contain_text("owner-")  # the person's name (the builder's), not the login
        sign_in(page, base, "owner1")
        expect(page.locator(f'tr[data-ref="{ref}"]')).to_be_visible()
        page.click(f'tr[data-ref="{ref}"] a')
        page.fill("#rectified-note", "已更换立柱 2 根，警示牌已安装")
        page.click("#form-rectified button")
        expect(page.locator("#state")).to_have_text("待验收")
        sign_in(page, base, "officer1")
        page.goto(f"{base}/console/hazards/{ref}")
        page.check("#verify-pass")
        page.fill("#verify-note", "现场验收合格")
        page.screenshot(path=str(shots / "console-detail.png"), full_page=True)
        page.click("#form-verify button")
        expect(page.locator("#state")).to_have_text("已销号")
        expect(page.locator("#history li")).to_have_count(5)
        page.goto(f"{base}/console/")
        page.click("#tab-overdue")
        late = page.locator("tr.overdue")
        expect(late).to_have_count(2)  # the fix past its deadline, and the one waiting 18 days for verification
        expect(late.locator(".late[data-step=rectification]")).to_contain_text("已超期 4 天")
        page.click("#tab-all")
        expect(page.locator("#hazards tbody tr")).to_have_count(5)
        page.screenshot(path=str(shots / "console-queue.png"), full_page=True)
        page.goto(f"{base}/console/stats")
        expect(page.locator("#charts svg")).to_have_count(6)
        page.screenshot(path=str(shots / "console-stats.png"), full_page=True)
        assert violations == []  # the polling, the forms and the charts all within the Content-Security-Policy
    with Session(engine) as session:
        hazard = session.exec(select(Hazard).where(Hazard.ref == ref)).one()
    assert (hazard.state, hazard.verification_note) == (HazardState.closed, "现场验收合格")


def _assign_to_owner1(page: Page) -> None:
    """Fill in the assignment (the five fixes) for owner1 and send it."""
    page.select_option("#assign-owner", "owner1")
    page.fill("#assign-measures", "更换防护栏立柱，加装警示牌")
    page.fill("#assign-funds", "800")
    page.fill("#assign-deadline", (utc_now() + timedelta(days=3, hours=8)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#assign-plan", "整改前设警戒，禁止靠近")
    page.click("#form-assign button")


def test_a_counsellor_works_a_case_in_the_console(live: tuple[str, Engine], tmp_path: Path) -> None:
    base, engine = live
    shots = screenshots(tmp_path)
    with session_scope(engine) as session:
        counsellor = make_user(session, role=Role.counsellor, username="counsellor1")
        case = make_case(session, person=make_person(session, name="马超", team="综采一队"))
        assign(session, counsellor, case)  # a counsellor sees the cases assigned to them
        case_id = case.id
    with chromium() as browser:
        page = browser.new_context(viewport=TABLET, locale="zh-CN").new_page()
        page.set_default_timeout(10_000)
        sign_in(page, base, "counsellor1")
        page.click(f'tr[data-case="{case_id}"] a')
        expect(page.locator("#state")).to_have_text("待制定方案")
        page.select_option("#contacts-relation", "spouse")
        page.fill("#contacts-name", "李梅")
        page.fill("#contacts-phone", "13800138000")
        page.check("#contacts-worker_consent")
        page.click("#form-contacts button")
        expect(page.locator("#contacts")).to_contain_text("李梅")
        page.fill("#plan-plan", "每周谈心一次，家访一次，组织家属座谈")
        page.click("#form-plan button")
        expect(page.locator("#state")).to_have_text("已制定方案")
        expect(page.locator("#form-agreement")).to_be_visible()
        page.screenshot(path=str(shots / "console-case.png"), full_page=True)
        gap = page.evaluate("document.querySelector('#cosupervision > h3').getBoundingClientRect().top"
                            " - document.querySelector('#form-link button').getBoundingClientRect().bottom")
        assert gap >= 10, gap  # the family's records had started right under the link form's button (0 px)
        page.click("#nav-figures")
        expect(page.locator("#charts svg")).to_have_count(2)
    with Session(engine) as session:
        case = session.get(CounsellingCase, case_id)
    assert (case.state, case.plan) == (CaseState.planned, "每周谈心一次，家访一次，组织家属座谈")
