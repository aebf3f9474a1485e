"""At a phone's size in Chromium: the QR page offers the location's risk points in their colours, and the one
chosen reaches the hazard."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from safety_service.config import Settings
from safety_service.database import session_scope
from safety_service.hazards.models import Hazard
from safety_service.locations import service as locations_service
from safety_service.locations.schemas import LocationCreate
from safety_service.qr import tokens
from safety_service.risks.models import RiskPoint
from tests.live import chromium, csp_violations, live_app, screenshots
from tests.risks.builders import make_risk_point

PHONE = {"width": 390, "height": 844}


def _face_with_points(engine: Engine) -> None:
    with session_scope(engine) as session:
        site = locations_service.ensure_site(session, code="tianchen", name_zh="田陈煤矿")
        face = locations_service.add_location(session, site=site, data=LocationCreate(
            code="FACE-3102", name_zh="3102综采工作面", name_en="Longwall face 3102"))
        make_risk_point(session, location=face, likelihood=5, severity=5, name="综采工作面顶板管理", code="RP-ROOF")
        make_risk_point(session, location=face, likelihood=3, severity=4, name="采煤机割煤", code="RP-SHEARER")
        make_risk_point(session, location=face, likelihood=2, severity=2, name="工作面照明", code="RP-LIGHT")


@pytest.fixture
def live(settings: Settings, tmp_path: Path) -> Iterator[tuple[Settings, Engine]]:
    with live_app(settings, tmp_path, _face_with_points) as running:
        yield running


def test_a_miner_names_the_risk_point_on_the_phone(live: tuple[Settings, Engine], tmp_path: Path) -> None:
    live_settings, engine = live
    with chromium() as browser:
        page = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                   locale="zh-CN").new_page()
        violations = csp_violations(page)
        page.goto(tokens.report_url(live_settings, "FACE-3102"))
        points = page.locator("#risk-points label.rp")
        assert points.count() == 4  # three risk points and 不清楚, highest level first
        assert points.nth(0).inner_text().startswith("重大风险") and "综采工作面顶板管理" in points.nth(0).inner_text()
        points.filter(has_text="采煤机割煤").click()
        page.get_by_text("顶板", exact=True).click()
        page.fill("#description", "采煤机滚筒截齿缺失，喷雾不开")
        page.screenshot(path=str(screenshots(tmp_path) / "report-page-risk-point.png"), full_page=True)
        page.get_by_role("button", name="提交举报").click()
        assert page.locator("#ref").inner_text().startswith("YH-")
        assert violations == []
    with Session(engine) as session:
        hazard = session.exec(select(Hazard).where(Hazard.description == "采煤机滚筒截齿缺失，喷雾不开")).one()
        point = session.exec(select(RiskPoint).where(RiskPoint.code == "RP-SHEARER")).one()
        assert hazard.risk_point_id == point.id
