"""The kiosk's touch screen, driven by Chromium at the tablet's sizes, against a real Mosquitto and the service."""

import io
import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, expect
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from safety_service.board import service as board_service
from safety_service.bulletins import service as bulletins_service
from safety_service.bulletins.models import BulletinRead
from safety_service.clock import utc_now
from safety_service.config import Settings
from safety_service.database import session_scope
from safety_service.feedback.area import tell_area_kiosks
from safety_service.hazards.effects import Escalated
from safety_service.hazards.models import Hazard
from safety_service.hazards.states import Grade, HazardState
from safety_service.locations import service as locations_service
from safety_service.locations.schemas import CategoryCreate
from safety_service.mqtt.client import MqttService
from safety_service.photos.models import HazardPhoto
from tests.bulletins.builders import make_bulletin
from tests.conftest import make_settings
from tests.devices.app_process import AppProcess
from tests.hazards.builders import make_hazard
from tests.kiosks.builders import make_kiosk
from tests.live import chromium, csp_violations, screenshots
from tests.locations.builders import make_area, make_location
from tests.mqtt.clients import TestClient, wait_until
from tests.mqtt.mosquitto import Mosquitto
from tests.photos import images

LANDSCAPE, PORTRAIT = {"width": 1280, "height": 800}, {"width": 800, "height": 1280}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as running:
        yield running


@pytest.fixture
def mosquitto(tmp_path: Path) -> Iterator[Mosquitto]:
    broker = Mosquitto(tmp_path / "mosquitto").start()
    yield broker
    broker.stop()


@pytest.fixture
def world(settings: Settings, engine: Engine, mosquitto: Mosquitto) -> Iterator[tuple[str, str, MqttService]]:
    """A site of its own with one kiosk, and the service's intake on the broker."""
    site = f"app{uuid.uuid4().hex[:8]}"
    with session_scope(engine) as session:
        kiosk_id = make_kiosk(session, site=site)[0].kiosk_id
    service = MqttService(make_settings(settings.database_url, site=site, mqtt_url=mosquitto.url(),
                                        mqtt_client_id=f"safety-{site}"), engine, relay_grace=0.5)
    service.start()
    assert service.connected.wait(10)
    yield site, kiosk_id, service
    service.stop()


@pytest.fixture
def app(world: tuple[str, str, MqttService], mosquitto: Mosquitto, tmp_path: Path,
        request: pytest.FixtureRequest) -> Iterator[AppProcess]:
    site, kiosk_id, _ = world
    process = AppProcess(broker_url=mosquitto.url(), site=site, kiosk_id=kiosk_id, folder=tmp_path,
                         idle=getattr(request, "param", 90)).start()
    assert wait_until(lambda: process.state()["connected"], timeout=10)
    yield process
    process.stop()


def open_page(browser: Browser, app: AppProcess, viewport: dict) -> Page:
    page = browser.new_page(viewport=viewport)
    page.goto(app.url)
    expect(page.get_by_test_id("net")).to_have_text("网络已连接")
    return page


def shot(page: Page, tmp_path: Path, name: str) -> None:
    page.screenshot(path=screenshots(tmp_path) / f"kiosk-{name}.png", full_page=True)


def fill_report(page: Page, description: str) -> None:
    page.get_by_role("button", name="我要举报隐患").click()
    page.get_by_role("button", name="运输").click()
    page.get_by_role("button", name="护罩缺失").click()
    page.locator("#description").fill(description)


def hazards_of(engine: Engine, kiosk_id: str) -> list[Hazard]:
    with Session(engine) as session:
        from safety_service.kiosks.models import Kiosk
        kiosk = session.exec(select(Kiosk).where(Kiosk.kiosk_id == kiosk_id)).one()
        return list(session.exec(select(Hazard).where(Hazard.kiosk_id == kiosk.id)).all())


@pytest.mark.parametrize("viewport", [LANDSCAPE, PORTRAIT], ids=["landscape", "portrait"])
def test_a_report_with_two_photos_arrives_once_stripped_and_the_answer_shows(
        browser: Browser, app: AppProcess, world: tuple[str, str, MqttService], engine: Engine, tmp_path: Path,
        viewport: dict) -> None:
    page = open_page(browser, app, viewport)
    violations = csp_violations(page)
    orientation = "landscape" if viewport is LANDSCAPE else "portrait"
    shot(page, tmp_path, f"home-{orientation}")
    expect(page.locator("#phone")).to_have_text("紧急情况请拨调度室：0632-5851110")
    for whole in ("#phone .whole", "#go-behaviour .whole"):  # the number broke at its hyphen, 三违 in two
        box = page.locator(whole).bounding_box()
        assert box is not None and box["height"] < 50, (whole, box)
    fill_report(page, "皮带机尾护罩缺失，滚筒外露")
    urgent = page.get_by_role("button", name="紧急 · 立即危险")
    expect(page.get_by_test_id("urgent-note")).to_have_text("选“紧急”，调度室会马上收到通知")
    page.get_by_role("button", name="瓦斯").click()  # suggests urgent, does not choose it
    expect(page.get_by_test_id("urgent-note")).to_contain_text("如果现场有危险，请选“紧急”")
    expect(urgent).to_have_attribute("aria-pressed", "false")
    shot(page, tmp_path, f"report-hint-{orientation}")
    urgent.click()
    expect(urgent).to_have_attribute("aria-pressed", "true")
    for name in ("a.jpg", "b.jpg"):
        page.locator("#photo").set_input_files(
            {"name": name, "mimeType": "image/jpeg", "buffer": images.photo("JPEG", (2400, 1800))})
    expect(page.locator(".thumb")).to_have_count(2, timeout=20_000)  # shrinking is the browser's CPU work
    page.get_by_role("button", name="匿名举报").click()
    shot(page, tmp_path, f"report-{orientation}")
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_test_id("result-title")).to_have_text("举报已受理", timeout=10_000)
    [hazard] = hazards_of(engine, world[1])
    expect(page.get_by_test_id("hazard-ref")).to_have_text(hazard.ref)
    expect(page.get_by_test_id("tracking-code")).to_have_text(hazard.tracking_code)
    expect(page.get_by_test_id("result-urgent")).to_have_text("已按紧急上报，调度室已收到通知")
    assert hazard.urgent
    shot(page, tmp_path, f"answer-{orientation}")
    with Session(engine) as session:
        photos = session.exec(select(HazardPhoto).where(HazardPhoto.hazard_id == hazard.id)).all()
    assert len(photos) == 2
    for photo in photos:
        image = Image.open(io.BytesIO(photo.image))
        assert max(image.size) <= 1600 and not image.getexif() and "exif" not in image.info
    assert hazard.reporter_employee_no is None and hazard.description == "皮带机尾护罩缺失，滚筒外露"
    assert violations == []


def test_photos_picked_in_a_hurry_go_with_the_report_and_never_more_than_three(
        browser: Browser, app: AppProcess, world: tuple[str, str, MqttService], engine: Engine, tmp_path: Path) -> None:
    # A miner picks four photos, one after another while the first are still shrinking, and sends at once.
    page = open_page(browser, app, LANDSCAPE)
    fill_report(page, "主运输巷皮带跑偏")
    page.get_by_role("button", name="匿名举报").click()
    photo = images.photo("JPEG", (2400, 1800))
    page.context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": 20})  # a slow tablet
    for name in "abcd":
        page.locator("#photo").set_input_files({"name": f"{name}.jpg", "mimeType": "image/jpeg", "buffer": photo})
    expect(page.get_by_test_id("photo-busy")).to_have_text("照片处理中…")
    page.screenshot(path=screenshots(tmp_path) / "kiosk-photo-busy.png")
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_test_id("result-title")).to_have_text("举报已受理", timeout=60_000)
    [hazard] = hazards_of(engine, world[1])
    with Session(engine) as session:
        photos = session.exec(select(HazardPhoto).where(HazardPhoto.hazard_id == hazard.id)).all()
    assert len(photos) == 3


def test_offline_the_report_is_pending_and_goes_out_when_the_broker_is_back(
        browser: Browser, app: AppProcess, world: tuple[str, str, MqttService], mosquitto: Mosquitto,
        engine: Engine, tmp_path: Path) -> None:
    page = open_page(browser, app, LANDSCAPE)
    mosquitto.stop()
    expect(page.get_by_test_id("net")).to_have_text("网络未连接", timeout=10_000)
    fill_report(page, "副井口信号灯不亮")
    page.locator("#employee").press_sequentially("10086")
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_test_id("result-title")).to_have_text("已保存，网络恢复后自动发送")
    expect(page.get_by_test_id("pending")).to_have_text("待发送 1 条")
    shot(page, tmp_path, "offline-saved")
    page.get_by_role("button", name="返回首页").last.click()
    page.get_by_role("button", name="值班员").click()
    page.locator("#pin").fill("2468")
    page.get_by_role("button", name="打开").click()
    expect(page.locator("#pending-list li")).to_contain_text("副井口信号灯不亮")
    shot(page, tmp_path, "attendant-pending")
    page.get_by_role("button", name="返回首页").last.click()
    page.get_by_role("button", name="我的举报").click()
    page.locator("#mine-query").fill("10086")
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#mine-list li")).to_contain_text("等待发送")
    mosquitto.start()
    expect(page.get_by_test_id("net")).to_have_text("网络已连接", timeout=60_000)
    expect(page.get_by_test_id("pending")).to_have_text("", timeout=60_000)
    [hazard] = hazards_of(engine, world[1])
    assert hazard.reporter_employee_no == "10086"
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#mine-list li").first).to_contain_text(hazard.ref)
    shot(page, tmp_path, "mine")


def test_the_answer_screen_turns_from_saved_to_accepted_when_the_ack_comes(
        browser: Browser, app: AppProcess, world: tuple[str, str, MqttService], mosquitto: Mosquitto,
        engine: Engine) -> None:
    page = open_page(browser, app, PORTRAIT)
    mosquitto.stop()
    expect(page.get_by_test_id("net")).to_have_text("网络未连接", timeout=10_000)
    fill_report(page, "风门关不严")
    page.get_by_role("button", name="紧急 · 立即危险").click()
    page.get_by_role("button", name="匿名举报").click()
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_test_id("result-title")).to_have_text("已保存，网络恢复后自动发送")
    expect(page.get_by_test_id("result-urgent")).to_have_text("紧急情况请立即打电话给调度室 0632-5851110")
    mosquitto.start()
    expect(page.get_by_test_id("result-title")).to_have_text("举报已受理", timeout=60_000)
    expect(page.get_by_test_id("result-urgent")).to_have_text("已按紧急上报，调度室已收到通知")
    [hazard] = hazards_of(engine, world[1])
    expect(page.get_by_test_id("hazard-ref")).to_have_text(hazard.ref)
    assert hazard.urgent


def test_a_draft_survives_the_app_being_killed(browser: Browser, app: AppProcess) -> None:
    page = open_page(browser, app, LANDSCAPE)
    fill_report(page, "3102运输顺槽顶板淋水")
    page.locator("#employee").press_sequentially("2001")
    assert wait_until(lambda: app.draft_file.exists() and "2001" in app.draft_file.read_text(), timeout=20)
    app.kill()
    app.start()
    page.goto(app.url)
    expect(page.locator("#description")).to_have_value("3102运输顺槽顶板淋水")
    expect(page.locator("#employee")).to_have_value("2001")
    expect(page.get_by_role("button", name="运输")).to_have_attribute("aria-pressed", "true")


def test_a_published_bulletin_shows_and_its_reading_is_counted(
        browser: Browser, app: AppProcess, world: tuple[str, str, MqttService], engine: Engine,
        tmp_path: Path) -> None:
    site = world[0]
    with session_scope(engine) as session:
        bulletin_id = make_bulletin(session, site=site, title="井口防滑").id
        bulletins_service.write_retained(session, site=site, now=utc_now())
    page = open_page(browser, app, PORTRAIT)
    expect(page.get_by_test_id("carousel")).to_contain_text("井口防滑", timeout=10_000)
    shot(page, tmp_path, "bulletin")
    page.get_by_role("button", name="我已阅读").click()
    page.locator("#read-employee").press_sequentially("3003")
    page.locator("#read-employee").press("Enter")  # a card reader ends with Enter
    expect(page.locator("#read-note")).to_have_text("已确认阅读，谢谢")

    def counted() -> int:
        with Session(engine) as session:
            return session.exec(select(func.count()).select_from(BulletinRead).where(
                BulletinRead.bulletin_id == bulletin_id)).one()
    assert wait_until(lambda: counted() == 1, timeout=10)


@pytest.mark.parametrize("app", [2], indirect=True)
def test_idle_the_screen_forgets_the_form_and_the_identity(browser: Browser, app: AppProcess) -> None:
    page = open_page(browser, app, LANDSCAPE)
    fill_report(page, "有人未戴自救器")
    page.locator("#employee").press_sequentially("4004")
    expect(page.get_by_role("button", name="我要举报隐患")).to_be_visible(timeout=10_000)
    assert wait_until(lambda: not app.draft_file.exists(), timeout=20)
    page.get_by_role("button", name="我要举报隐患").click()
    expect(page.locator("#description")).to_have_value("")
    expect(page.locator("#employee")).to_have_value("")


def test_the_api_refuses_bad_input_naming_the_field(app: AppProcess) -> None:
    import urllib.error
    import urllib.request

    def post(path: str, body: bytes, host: str = "127.0.0.1") -> tuple[int, dict]:
        request = urllib.request.Request(f"{app.url}api/{path}", data=body, method="POST",
                                         headers={"Host": f"{host}:{app.port}"})
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    assert post("reports", b"{") == (400, {"error": "must be JSON", "field": "body"})
    good_id = str(uuid.uuid4())
    assert post("reports", json.dumps({"report_id": good_id, "description": " "}).encode())[1]["field"] == "description"
    photo = {"report_id": good_id, "description": "x", "photos": ["aGVsbG8="]}
    assert post("reports", json.dumps(photo).encode())[1]["field"] == "photos.0"
    assert post("pending", b'{"pin": "0000"}') == (400, {"error": "wrong PIN", "field": "pin"})
    assert post("state", b"{}", host="attacker.example")[0] == 403


def test_the_board_shows_a_newly_confirmed_major_hazard(
        browser: Browser, app: AppProcess, world: tuple[str, str, MqttService], engine: Engine,
        tmp_path: Path) -> None:
    site = world[0]
    with session_scope(engine) as session:
        area = make_area(session)
        location = make_location(session, area=area, name_zh="3102运输顺槽")
        hazard = make_hazard(session, state=HazardState.confirmed, grade=Grade.major, location=location,
                             description="顶板离层仪读数超限", reporter_employee_no="20231086")
        ref = hazard.ref
        board_service.write_retained(session, site=site, area=area, now=utc_now(), timezone="Asia/Shanghai")
        code = f"c{uuid.uuid4().hex[:8]}"  # categories are shared by every site of the test database
        locations_service.add_category(session, data=CategoryCreate(code=code, name_zh="热害", name_en="Heat"),
                                       site=site, now=utc_now())
    try:
        page = open_page(browser, app, LANDSCAPE)
        carousel = page.get_by_test_id("carousel")
        expect(carousel).to_contain_text("挂牌督办重大隐患", timeout=10_000)
        expect(carousel).to_contain_text(ref)
        expect(carousel).to_contain_text("工号尾号 1086")
        expect(carousel).not_to_contain_text("20231086")
        shot(page, tmp_path, "board")
        page.get_by_role("button", name="我要举报隐患").click()  # the category the service published is a button
        expect(page.get_by_test_id("categories").get_by_role("button", name="热害")).to_be_visible(timeout=10_000)
    finally:
        with session_scope(engine) as session:
            session.delete(locations_service.get_category(session, code=code))


def test_an_overdue_hazard_of_the_area_shows_first_in_the_idle_rotation(
        browser: Browser, app: AppProcess, world: tuple[str, str, MqttService], engine: Engine,
        tmp_path: Path) -> None:
    from safety_service.kiosks.models import Kiosk
    with session_scope(engine) as session:
        kiosk = session.exec(select(Kiosk).where(Kiosk.kiosk_id == world[1])).one()
        hazard = make_hazard(session, state=HazardState.rectifying, description="3102运输顺槽顶板淋水，锚网破损")
        hazard.location_id = kiosk.location_id  # the kiosk's own place (it has no area)
        session.add(hazard)
        session.flush()
        ref = hazard.ref
        tell_area_kiosks(session, now=utc_now(), escalated=[Escalated(
            hazard_id=hazard.id, ref=ref, location_id=kiosk.location_id, level=2, description=hazard.description)])
    page = open_page(browser, app, LANDSCAPE)
    carousel = page.get_by_test_id("carousel")
    expect(carousel).to_contain_text("隐患超期督办", timeout=10_000)
    expect(carousel).to_contain_text(f"本区域隐患 {ref} 超期未整改")
    expect(carousel).to_contain_text("已报安全员督办")
    shot(page, tmp_path, "area-alert")


def test_a_worker_who_identifies_again_sees_the_notices_about_earlier_reports(
        browser: Browser, app: AppProcess, world: tuple[str, str, MqttService], mosquitto: Mosquitto,
        engine: Engine) -> None:
    site, kiosk_id, _ = world
    page = open_page(browser, app, PORTRAIT)
    fill_report(page, "主井口安全门关不上")
    page.locator("#employee").press_sequentially("5005")
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_test_id("result-title")).to_have_text("举报已受理", timeout=10_000)
    ref = page.get_by_test_id("hazard-ref").inner_text()
    service = TestClient(mosquitto.url())
    assert service.ready()
    service.publish(f"safety/{site}/kiosk/{kiosk_id}/notice", json.dumps({
        "schema": "kiosk-notice/1", "notice_id": 9001, "kind": "report_feedback", "hazard_ref": ref,
        "title": {"zh": "您的隐患举报已确认", "en": "Your hazard report was confirmed"},
        "body": {"zh": "已安排整改。", "en": "Rectification has been assigned."}, "at": "2026-12-03T08:00:00Z"},
        ensure_ascii=False))
    service.close()
    page.get_by_role("button", name="再举报一条").click()
    page.locator("#description").fill("副井口照明不足")
    page.locator("#employee").press_sequentially("5005")
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_test_id("result-notices")).to_contain_text("您的隐患举报已确认", timeout=10_000)
    expect(page.get_by_test_id("result-notices")).to_contain_text(ref)


def test_the_report_offers_the_risk_points_of_the_kiosk_location_and_the_board_shows_the_four_colours(
        browser: Browser, world: tuple[str, str, MqttService], mosquitto: Mosquitto, engine: Engine,
        tmp_path: Path) -> None:
    from safety_service.kiosks.models import Kiosk
    from safety_service.locations.models import Location
    from tests.risks.builders import make_risk_point

    site, kiosk_id, _ = world
    tag = uuid.uuid4().hex[:6]  # committed rows: codes of their own
    with session_scope(engine) as session:
        area = make_area(session)
        home = session.get(Location, session.exec(select(Kiosk).where(Kiosk.kiosk_id == kiosk_id)).one().location_id)
        home.area_id = area.id
        session.add(home)
        face = make_risk_point(session, location=home, likelihood=5, severity=5, name="3102综采工作面",
                               code=f"F{tag}")
        make_risk_point(session, location=home, likelihood=2, severity=2, name="井口候车室", code=f"W{tag}")
        make_risk_point(session, location=make_location(session, area=area), likelihood=3, severity=4,
                        name="主运输大巷皮带", code=f"B{tag}")
        make_hazard(session, state=HazardState.confirmed, location=home, description="支架立柱漏液")
        board_service.write_retained(session, site=site, area=area, now=utc_now(), timezone="Asia/Shanghai")
        home_code = home.code
    app = AppProcess(broker_url=mosquitto.url(), site=site, kiosk_id=kiosk_id, folder=tmp_path,
                     home_location=home_code).start()
    try:
        assert wait_until(lambda: app.state()["connected"] and app.state()["risk_points"], timeout=10)
        board = open_page(browser, app, LANDSCAPE)
        expect(board.get_by_test_id("carousel")).to_contain_text("本区域四色风险分布", timeout=10_000)
        expect(board.locator(".riskmap .cell.level-major.flagged")).to_contain_text("3102综采工作面")
        expect(board.locator(".riskmap .cell")).to_have_count(3)
        shot(board, tmp_path, "board-riskmap")
        page = open_page(browser, app, {"width": 390, "height": 844})
        page.get_by_role("button", name="我要举报隐患").click()
        points = page.get_by_test_id("risk-points")
        expect(points.get_by_role("button")).to_have_count(3)  # the two of this place and 不清楚
        expect(points).not_to_contain_text("主运输大巷皮带")
        points.get_by_role("button").filter(has_text="3102综采工作面").click()
        expect(points.get_by_role("button").filter(has_text="3102综采工作面")).to_have_attribute("aria-pressed", "true")
        page.locator("#description").fill("3102工作面支架初撑力不足")
        page.get_by_role("button", name="匿名举报").click()
        shot(page, tmp_path, "report-risk-point-phone")
        page.get_by_role("button", name="提交").click()
        expect(page.get_by_test_id("result-title")).to_have_text("举报已受理", timeout=10_000)
        with Session(engine) as session:
            hazard = session.exec(select(Hazard).where(Hazard.description == "3102工作面支架初撑力不足")).one()
            assert hazard.risk_point_id == face.id and hazard.location_id == home.id
    finally:
        app.stop()
