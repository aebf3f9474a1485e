"""A reporter rates their closed report in a real headless Chromium at a phone's size."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from safety_service.config import Settings
from safety_service.database import session_scope
from safety_service.feedback.models import HazardRating
from safety_service.hazards.states import HazardState
from tests.hazards.builders import make_hazard
from tests.live import chromium, csp_violations, live_app, screenshots

PHONE = {"width": 390, "height": 844}


def _closed_report(engine: Engine) -> None:
    with session_scope(engine) as session:
        make_hazard(session, state=HazardState.closed, description="3102 皮带巷托辊损坏，皮带跑偏")


@pytest.fixture
def live(settings: Settings, tmp_path: Path) -> Iterator[tuple[Settings, Engine]]:
    with live_app(settings, tmp_path, _closed_report) as running:
        yield running


def test_a_reporter_rates_a_closed_report_on_the_phone(live: tuple[Settings, Engine], tmp_path: Path) -> None:
    live_settings, engine = live
    shots = screenshots(tmp_path)
    with Session(engine) as session:
        from safety_service.hazards.models import Hazard

        code = session.exec(select(Hazard.tracking_code)).one()
    with chromium() as browser:
        page = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                   locale="zh-CN").new_page()
        violations = csp_violations(page)
        page.goto(f"{live_settings.public_url}/t")
        page.fill("#tracking_code", code)
        page.get_by_role("button", name="查询").click()
        assert page.locator("#state").inner_text() == "已整改并验收销号"
        buttons = page.locator("#rating button.rate")
        assert buttons.count() == 3 and all(box["width"] >= 100 and box["height"] >= 44 for box in
                                            (buttons.nth(i).bounding_box() for i in range(3)))
        page.screenshot(path=str(shots / "tracking-rating.png"), full_page=True)
        page.get_by_role("button", name="基本满意").click()
        assert "你的评价：基本满意" in page.locator("#rated").inner_text()
        assert page.get_by_role("button", name="基本满意").get_attribute("aria-pressed") == "true"
        page.screenshot(path=str(shots / "tracking-rated.png"), full_page=True)
        assert violations == []
    with Session(engine) as session:
        assert session.exec(select(HazardRating.rating)).one() == "basic"
