"""The QR report page offers the standard hazard library (隐患标准库) as a miner types, in a real Chromium under
the pages' strict Content-Security-Policy; a tap puts the standard wording first and picks its category."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from safety_service.config import Settings
from safety_service.hazards.models import Hazard
from safety_service.locations.models import Category
from safety_service.qr import tokens
from tests.live import chromium, csp_violations, live_app, screenshots
from tests.pages.test_browser import DESKTOP, PHONE, _one_location

TITLE = "带式输送机托辊不转、跑偏或保护装置不全"


@pytest.fixture
def live(settings: Settings, tmp_path: Path) -> Iterator[tuple[Settings, Engine]]:
    with live_app(settings, tmp_path, _one_location) as running:
        yield running


def test_a_miner_taps_a_suggested_standard_wording(live: tuple[Settings, Engine], tmp_path: Path) -> None:
    live_settings, engine = live
    shots = screenshots(tmp_path)
    with chromium() as browser:
        for name, size in (("phone", PHONE), ("desktop", DESKTOP)):
            page = browser.new_context(viewport=size, locale="zh-CN").new_page()
            violations = csp_violations(page)
            page.goto(tokens.report_url(live_settings, "PH-1"))
            assert page.locator("#library").is_hidden()
            page.locator("#description").press_sequentially("大巷皮带托辊不转，皮带跑偏")
            pick = page.locator("#library-items .pick", has_text=TITLE)
            pick.wait_for()
            page.screenshot(path=str(shots / f"report-library-{name}.png"), full_page=True)
            pick.click()
            assert page.locator("#description").input_value() == f"{TITLE}：大巷皮带托辊不转，皮带跑偏"
            assert page.locator("input[name=category][value=electromechanical]").is_checked()
            assert page.locator("#library").is_hidden() and violations == []
        page.get_by_role("button", name="提交举报").click()
        page.locator("#tracking-code").wait_for()
    with Session(engine) as session:
        hazard = session.exec(select(Hazard).order_by(Hazard.id.desc())).first()
        assert hazard.description.startswith(TITLE)
        assert session.get(Category, hazard.category_id).code == "electromechanical"
