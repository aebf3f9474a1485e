"""The kiosk screen's rating (满意/基本满意/不满意) of a closed report made at it, driven by Chromium at the tablet's
size, against a real Mosquitto and the service's intake."""

import json
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from safety_service.config import Settings
from safety_service.database import session_scope
from safety_service.feedback.models import HazardRating
from safety_service.hazards import service as hazards_service
from safety_service.hazards.states import HazardState
from safety_service.locations import service as locations_service
from safety_service.locations.schemas import LocationCreate
from safety_service.mqtt.client import MqttService
from tests.conftest import make_settings
from tests.devices.app_process import AppProcess
from tests.devices.test_app import LANDSCAPE, browser, fill_report, mosquitto, open_page, shot  # noqa: F401
from tests.feedback.builders import advance
from tests.kiosks.builders import make_kiosk
from tests.live import csp_violations
from tests.mqtt.clients import wait_until
from tests.mqtt.mosquitto import Mosquitto


@pytest.fixture
def site_app(settings: Settings, engine: Engine, mosquitto: Mosquitto,  # noqa: F811
             tmp_path: Path) -> Iterator[AppProcess]:
    """A site of its own whose kiosk stands at one of its locations (so the service's notices are the site's),
    the service's intake, and the kiosk's screen."""
    site = f"rate{uuid.uuid4().hex[:8]}"
    with session_scope(engine) as session:
        site_row = locations_service.ensure_site(session, code=site, name_zh="测试矿")
        location = locations_service.add_location(session, site=site_row, data=LocationCreate(
            code=f"L-{site}", name_zh="副井井口"))
        kiosk_id = make_kiosk(session, location=location, site=site)[0].kiosk_id
    service = MqttService(make_settings(settings.database_url, site=site, mqtt_url=mosquitto.url(),
                                        mqtt_client_id=f"safety-{site}"), engine, relay_grace=0.2)
    service.start()
    assert service.connected.wait(10)
    process = AppProcess(broker_url=mosquitto.url(), site=site, kiosk_id=kiosk_id, folder=tmp_path).start()
    try:
        assert wait_until(lambda: process.state()["connected"], timeout=10)
        yield process
    finally:
        process.stop()
        service.stop()


def report_and_close(page: Page, engine: Engine, description: str) -> str:
    """A report made on the screen, then closed by the officers; its hazard reference."""
    fill_report(page, description)
    page.get_by_role("button", name="匿名举报").click()
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_test_id("result-title")).to_have_text("举报已受理", timeout=10_000)
    ref = page.get_by_test_id("hazard-ref").inner_text()
    with session_scope(engine) as session:
        advance(session, hazards_service.get_hazard(session, ref=ref), HazardState.closed)
    page.get_by_role("button", name="返回首页").last.click()
    return ref


def stored(engine: Engine, ref: str) -> list[tuple[str, str]]:
    with Session(engine) as session:
        hazard = hazards_service.get_hazard(session, ref=ref)
        return [(r.rating, r.channel) for r in
                session.exec(select(HazardRating).where(HazardRating.hazard_id == hazard.id)).all()]


def test_a_closed_report_is_offered_for_a_one_tap_rating_in_chinese_and_english(
        browser: Browser, site_app: AppProcess, engine: Engine, tmp_path: Path) -> None:  # noqa: F811
    page = open_page(browser, site_app, LANDSCAPE)
    violations = csp_violations(page)
    expect(page.get_by_test_id("go-rate")).to_be_hidden()
    ref = report_and_close(page, engine, "皮带机尾护罩缺失，滚筒外露")
    go = page.get_by_test_id("go-rate")
    expect(go).to_have_text("评价整改结果（1 条）", timeout=20_000)
    shot(page, tmp_path, "rating-home")
    go.click()
    card = page.get_by_test_id("rate-list").locator("li")
    expect(card).to_have_count(1)
    expect(card).to_contain_text(ref)
    expect(card).to_contain_text("皮带机尾护罩缺失，滚筒外露")
    expect(card).to_contain_text("整改已验收合格")
    for name in ("满意", "基本满意", "不满意"):
        box = card.get_by_role("button", name=name, exact=True).bounding_box()
        assert box is not None and box["height"] >= 110 and box["width"] >= 200  # a gloved finger's target
    shot(page, tmp_path, "rating-zh")
    page.get_by_role("button", name="English").click()
    expect(page.locator("#screen-rate h1")).to_have_text("Are you satisfied with how your report was handled?")
    expect(card.get_by_role("button", name="Mostly satisfied")).to_be_visible()
    shot(page, tmp_path, "rating-en")
    card.get_by_role("button", name="Mostly satisfied").click()
    expect(card).to_contain_text("Rated: Mostly satisfied. Thank you!", timeout=10_000)
    shot(page, tmp_path, "rating-done-en")
    assert stored(engine, ref) == [("basic", "kiosk")]
    page.get_by_role("button", name="Home").last.click()
    expect(page.get_by_test_id("go-rate")).to_be_hidden()
    assert violations == []


def test_offline_a_rating_is_saved_and_counted_once_the_network_is_back(
        browser: Browser, site_app: AppProcess, engine: Engine, mosquitto: Mosquitto,  # noqa: F811
        tmp_path: Path) -> None:
    page = open_page(browser, site_app, {"width": 390, "height": 844})
    ref = report_and_close(page, engine, "副井口信号灯不亮")
    page.get_by_test_id("go-rate").click(timeout=20_000)
    shot(page, tmp_path, "rating-phone")
    mosquitto.stop()
    expect(page.get_by_test_id("net")).to_have_text("网络未连接", timeout=10_000)
    page.get_by_test_id("rate-list").get_by_role("button", name="不满意").click()
    expect(page.get_by_test_id("rate-list")).to_contain_text("已保存：不满意，网络恢复后自动发送", timeout=10_000)
    shot(page, tmp_path, "rating-offline")
    mosquitto.start()
    assert wait_until(lambda: stored(engine, ref) == [("dissatisfied", "kiosk")], timeout=60)


def _post(app: AppProcess, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(f"{app.url}api/ratings", data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_the_rating_api_refuses_bad_input_naming_the_field(site_app: AppProcess) -> None:
    assert _post(site_app, {"hazard_ref": "YH-2026-000001", "rating": "great"}) == (400, {
        "error": "must be one of satisfied, basic, dissatisfied", "field": "rating"})
    status, body = _post(site_app, {"hazard_ref": "YH-2026-000001", "rating": "basic"})
    assert (status, body["field"]) == (400, "hazard_ref")  # not a closed report of this kiosk
    with pytest.raises(urllib.error.HTTPError) as found:
        urllib.request.urlopen(f"{site_app.url}api/ratings/not-a-uuid", timeout=5)
    assert found.value.code == 400 and json.loads(found.value.read())["field"] == "rating_id"
