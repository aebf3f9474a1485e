"""The kiosk screen's library matches, unsafe-behaviour report and public list of awards, driven by Chromium at the
tablet's size (1280x800) against a real Mosquitto and the service; the library also after a restart offline."""

import random
import uuid
from datetime import timedelta
from pathlib import Path

from playwright.sync_api import Browser, Page, expect
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from safety_service.clock import as_utc, utc_now
from safety_service.database import session_scope
from safety_service.hazards import library
from safety_service.hazards.library import LibraryItemCreate
from safety_service.hazards.models import Hazard
from safety_service.hazards.states import HazardState, ReportType
from safety_service.locations import service as locations_service
from safety_service.locations.schemas import LocationCreate
from safety_service.mqtt.client import MqttService
from safety_service.people.models import Role
from safety_service.rewards import awards
from tests.devices import test_app as screen
from tests.devices.app_process import AppProcess
from tests.hazards.builders import make_hazard
from tests.live import csp_violations
from tests.mqtt.clients import wait_until
from tests.mqtt.mosquitto import Mosquitto
from tests.people.builders import make_person, make_user

PHONE, LANDSCAPE, open_page, shot = {"width": 390, "height": 844}, screen.LANDSCAPE, screen.open_page, screen.shot
browser, mosquitto, world, app = screen.browser, screen.mosquitto, screen.world, screen.app  # the screen's fixtures


def _hazard(engine: Engine, description: str) -> Hazard:
    with Session(engine) as session:
        return session.exec(select(Hazard).where(Hazard.description == description)).one()


def _report_screen(page: Page, words: str) -> None:
    page.get_by_role("button", name="我要举报隐患").click()
    page.locator("#description").fill(words)


def test_the_report_offers_the_library_as_the_worker_types_sends_the_match_and_works_offline(
        down_broker: str, browser: Browser, world: tuple[str, str, MqttService], mosquitto: Mosquitto, engine: Engine,
        tmp_path: Path) -> None:
    site, kiosk_id, _ = world
    number = random.randrange(10**6)
    title, typed = f"架空乘人装置第{number}组托绳轮缺失", f"架空乘人装置第{number}组托绳轮掉了"  # committed: our own
    with session_scope(engine) as session:
        item_id = library.add_item(session, data=LibraryItemCreate(category_code="transport", title=title, level="C",
                                                                   fix_days=2),
                                   actor=make_user(session, role=Role.admin), site=site).id
    app = AppProcess(broker_url=mosquitto.url(), site=site, kiosk_id=kiosk_id, folder=tmp_path).start()
    try:
        assert wait_until(lambda: app.state()["library_items"] > 0, timeout=10)
        page = open_page(browser, app, LANDSCAPE)
        violations = csp_violations(page)
        _report_screen(page, typed)
        offered = page.get_by_test_id("library")
        expect(offered.get_by_role("button", name=title)).to_be_visible()
        shot(page, tmp_path, "report-library")
        offered.get_by_role("button", name=title).click()
        expect(offered.get_by_role("button", name=title)).to_have_attribute("aria-pressed", "true")
        expect(page.get_by_role("button", name="运输", exact=True)).to_have_attribute("aria-pressed", "true")
        description = f"{title}：{typed}"
        expect(page.locator("#description")).to_have_value(description)
        page.get_by_role("button", name="匿名举报").click()
        page.get_by_role("button", name="提交").click()
        expect(page.get_by_test_id("result-title")).to_have_text("举报已受理", timeout=10_000)
        assert _hazard(engine, description).library_item_id == item_id
        assert violations == []
    finally:
        app.stop()
    offline = AppProcess(broker_url=down_broker, site=site, kiosk_id=kiosk_id,
                         folder=tmp_path).start()
    try:
        page = browser.new_page(viewport=LANDSCAPE)
        page.goto(offline.url)
        expect(page.get_by_test_id("net")).to_have_text("网络未连接")
        _report_screen(page, "托绳轮缺失")
        expect(page.get_by_test_id("library").get_by_role("button", name=title)).to_be_visible()
        shot(page, tmp_path, "report-library-offline")
    finally:
        offline.stop()


def test_an_unsafe_behaviour_report_says_what_where_when_and_keeps_the_reporter_from_the_person(
        browser: Browser, app: AppProcess, engine: Engine, tmp_path: Path) -> None:
    page = open_page(browser, app, LANDSCAPE)
    violations = csp_violations(page)
    page.get_by_role("button", name="举报不安全行为（三违）").click()
    expect(page.get_by_test_id("behaviour-privacy")).to_have_text("您的姓名和工号绝不会告诉被举报人。")
    page.get_by_role("button", name="违章指挥").click()
    expect(page.locator("#behaviour-what")).to_have_value("违章指挥：")
    what = f"违章指挥：带班班长安排两人在未支护的顶板下清煤（{uuid.uuid4().hex[:6]}）"
    page.locator("#behaviour-what").fill(what)
    page.get_by_role("button", name="提交").last.click()
    expect(page.locator("#behaviour-error")).to_have_text("请选择什么时候")
    page.get_by_test_id("behaviour-times").get_by_role("button", name="1小时前").click()
    expect(page.get_by_test_id("behaviour-at")).to_contain_text("大约在")
    page.locator("#behaviour-person").fill("王班长")
    expect(page.locator("#behaviour-error")).to_have_text("")
    shot(page, tmp_path, "behaviour")
    chosen_at = utc_now() - timedelta(hours=1)
    page.locator("#behaviour-submit").click()
    expect(page.get_by_test_id("result-title")).to_have_text("举报已受理", timeout=10_000)
    hazard = _hazard(engine, what)
    assert abs(as_utc(hazard.behaviour_at) - chosen_at) < timedelta(minutes=2)
    assert (hazard.behaviour_person, hazard.report_type, hazard.reporter_employee_no, hazard.urgent) == (
        "王班长", ReportType.unsafe_act, None, False)
    assert violations == []
    english = open_page(browser, app, PHONE)
    english.get_by_role("button", name="English").click()
    english.get_by_role("button", name="Report unsafe behaviour").click()
    expect(english.get_by_test_id("behaviour-privacy")).to_have_text(
        "Your name and employee number are never told to the person reported.")
    english.get_by_test_id("behaviour-times").get_by_role("button", name="Just now").click()
    shot(english, tmp_path, "behaviour-en-phone")


def test_the_idle_rotation_shows_the_public_list_of_awards_with_a_name_only_by_consent(
        browser: Browser, world: tuple[str, str, MqttService], mosquitto: Mosquitto, engine: Engine,
        tmp_path: Path) -> None:
    site, kiosk_id, _ = world
    with session_scope(engine) as session:
        site_row = locations_service.ensure_site(session, code=site, name_zh="测试矿")
        place = locations_service.add_location(session, site=site_row, data=LocationCreate(
            code=f"L{uuid.uuid4().hex[:8]}", name_zh="3号联络巷"))
        chief, officer = make_user(session, role=Role.chief), make_user(session, role=Role.officer)
        for name, shown in (("李强", True), ("张伟", False)):
            person = make_person(session, name=name)
            hazard = make_hazard(session, state=HazardState.confirmed, location=place,
                                 reporter_employee_no=person.employee_no)
            award = awards.propose(session, hazard=hazard, actor=officer, now=utc_now(),
                                   report_type=ReportType.unsafe_condition)
            awards.decide(session, award=award, approved=True, reason=None, actor=chief, now=utc_now())
            awards.consent(session, hazard=hazard, employee_no=person.employee_no, shown=shown)
    app = AppProcess(broker_url=mosquitto.url(), site=site, kiosk_id=kiosk_id, folder=tmp_path).start()
    try:
        assert wait_until(lambda: len(app.state()["awards"]) == 2, timeout=10)
        page = open_page(browser, app, LANDSCAPE)
        carousel = page.get_by_test_id("carousel")
        expect(carousel).to_contain_text("举报奖励公示")
        expect(carousel.locator(".awards li")).to_have_count(2)
        expect(carousel).to_contain_text("李强")
        expect(carousel).not_to_contain_text("张伟")
        expect(carousel).to_contain_text("未公开姓名")
        expect(carousel).to_contain_text("3号联络巷")
        shot(page, tmp_path, "awards")
        page.get_by_role("button", name="English").click()
        expect(carousel).to_contain_text("Report rewards")
        shot(page, tmp_path, "awards-en")
    finally:
        app.stop()
