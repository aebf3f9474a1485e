"""A round checked in at the place, in a real headless Chromium at phone size (390×844): the inspector
scans the location's label, answers the checklist without network, and the round is sent once the
network is back; and the four-colour map for the safety department. Screenshots go to a temporary
folder, or to docs/screenshots/ with SAFETY_UPDATE_SCREENSHOTS=1.
"""

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy.engine import Engine
from sqlmodel import select

from safety_service.clock import utc_now
from safety_service.config import Settings
from safety_service.database import session_scope
from safety_service.hazards.models import Hazard
from safety_service.inspections import service as inspections_service
from safety_service.inspections.models import InspectionRound
from safety_service.inspections.states import RoundState
from safety_service.locations import service as locations_service
from safety_service.locations.schemas import AreaCreate, LocationCreate
from safety_service.people.models import Role
from safety_service.photos.models import HazardPhoto
from safety_service.qr import tokens
from safety_service.risks import service as risks_service
from safety_service.risks.schemas import ControlCreate, RiskCreate, RiskPointCreate
from tests.hazards.builders import make_hazard
from tests.inspections.builders import make_plan
from tests.live import chromium, csp_violations, live_app, screenshots, sign_in
from tests.people.builders import make_user
from tests.photos.images import photo

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def _world(engine: Engine) -> None:
    with session_scope(engine) as session:
        site = locations_service.ensure_site(session, code="tianchen", name_zh="田陈煤矿")
        area = locations_service.add_area(session, site=site, data=AreaCreate(code="N1", name_zh="北一采区"))
        for code, name in (("CM-1302", "1302 综采工作面"), ("BD-1", "主运输皮带巷"), ("ZJ-1", "主井提升机房"),
                           ("BD-S", "中央变电所")):
            locations_service.add_location(session, site=site, data=LocationCreate(code=code, name_zh=name,
                                                                                   area_code=area.code))
        controls = [ControlCreate(kind="engineering", measure="液压支架初撑力不低于24MPa", unit="综采一队", person="王建国"),
                    ControlCreate(kind="management", measure="敲帮问顶，及时处理活矸", unit="综采一队", person="李明"),
                    ControlCreate(kind="protection", measure="作业人员佩戴自救器", unit="安全科", person="赵强")]
        risks_service.add_risk_point(session, data=RiskPointCreate(
            code="RP-1302", name="1302 综采工作面", area_code="N1", location_codes=["CM-1302"], risks=[RiskCreate(
                hazard_source="顶板离层、片帮冒顶", accident_type="顶板事故", likelihood=4, severity=5,
                controls=controls)]))
        for code, name, place, l, s in (("RP-BD", "主运输皮带巷", "BD-1", 3, 4), ("RP-ZJ", "主井提升系统", "ZJ-1", 2, 5),
                                         ("RP-BS", "中央变电所", "BD-S", 1, 4)):
            risks_service.add_risk_point(session, data=RiskPointCreate(code=code, name=name, location_codes=[place],
                                         risks=[RiskCreate(hazard_source="设备故障", accident_type="机电事故",
                                                           likelihood=l, severity=s, controls=controls[1:2])]))
        make_hazard(session, location=locations_service.get_location(session, code="CM-1302"),
                    description="1302 工作面 45# 支架初撑力不足")
        leader = make_user(session, role=Role.owner, username="leader1")
        make_user(session, role=Role.officer, username="officer1")
        make_plan(session, points=[risks_service.get_risk_point(session, code="RP-1302")], inspector=leader,
                  frequency="shift", starts_on=(utc_now() - timedelta(days=1)).date())
        inspections_service.schedule(session, now=utc_now(), timezone="Asia/Shanghai")


@pytest.fixture
def live(settings: Settings, tmp_path: Path) -> Iterator[tuple[Settings, Engine]]:
    with live_app(settings, tmp_path, _world) as served:
        yield served


def test_a_round_recorded_offline_is_sent_when_back_online(live: tuple[Settings, Engine], tmp_path: Path) -> None:
    live_settings, engine = live
    base, shots = live_settings.public_url, screenshots(tmp_path)
    label = "/r/" + tokens.sign(tokens.keyring(live_settings), "CM-1302")
    with chromium() as browser:
        context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
        page = context.new_page()
        page.set_default_timeout(10_000)
        violations = csp_violations(page)
        sign_in(page, base, "leader1")
        page.goto(base + label)
        page.click("#round-link")
        expect(page.locator("#round-place")).to_contain_text("1302 综采工作面")
        assert page.evaluate("navigator.serviceWorker.ready.then(r => r.active !== null)")
        page.reload()  # the service worker now holds this page
        page.screenshot(path=str(shots / "round-phone.png"), full_page=True)
        context.set_offline(True)
        radios = page.locator("form.round-form fieldset.check")
        radios.nth(0).locator("input[value=ok]").check()
        radios.nth(1).locator("input[value=bad]").check()
        radios.nth(1).locator("textarea").fill("顶板有活矸未处理")
        (tmp_path / "roof.jpg").write_bytes(photo("JPEG", (2400, 1800)))
        radios.nth(1).locator("input[type=file]").set_input_files(str(tmp_path / "roof.jpg"))
        expect(radios.nth(1).locator("input[type=hidden]")).to_have_value(re.compile(r"^data:image/jpeg;base64,"))
        radios.nth(2).locator("input[value=ok]").check()
        page.click("form.round-form button[type=submit]")
        expect(page.locator("#round-status")).to_contain_text("没有网络")
        page.screenshot(path=str(shots / "round-phone-offline.png"), full_page=True)
        with session_scope(engine) as session:
            assert session.exec(select(InspectionRound).where(InspectionRound.state == RoundState.done)).all() == []
        context.set_offline(False)
        expect(page.locator("#round-status")).to_contain_text("已补交 1 条")
        with session_scope(engine) as session:
            inspection = session.exec(select(InspectionRound).where(InspectionRound.state == RoundState.done)).one()
            assert inspection.window_start <= inspection.checked_at < inspection.window_end
            found = session.exec(select(Hazard).where(Hazard.source == "inspection")).one()
            assert "顶板有活矸未处理" in found.description and found.failed_control_id is not None
            [kept] = session.exec(select(HazardPhoto).where(HazardPhoto.hazard_id == found.id)).all()
            assert max(kept.width, kept.height) <= 1280  # shrunk in the phone, kept there while offline
            assert found.risk_point_id is not None
        assert violations == []


def test_the_four_colour_map(live: tuple[Settings, Engine], tmp_path: Path) -> None:
    live_settings, _ = live
    shots = screenshots(tmp_path)
    with chromium() as browser:
        page = browser.new_context(viewport=DESKTOP, locale="zh-CN").new_page()
        page.set_default_timeout(10_000)
        violations = csp_violations(page)
        sign_in(page, live_settings.public_url, "officer1")
        page.goto(live_settings.public_url + "/console/risks/map")
        expect(page.locator("#flagged")).to_contain_text("1302 综采工作面")
        expect(page.locator('g.risk-point[data-level="major"]')).to_have_count(1)
        page.screenshot(path=str(shots / "risk-map.png"), full_page=True)
        page.emulate_media(media="print")
        expect(page.locator("#arrange")).to_be_hidden()
        assert violations == []
