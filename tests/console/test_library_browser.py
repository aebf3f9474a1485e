"""The hazard library in the console, in a real Chromium: the confirm form offers the nearest standard items and
the chosen one shows on the hazard; the admin page lists the library. Screenshots as the other browser tests."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from safety_service.config import Settings
from safety_service.database import session_scope
from safety_service.people.models import Role
from tests.hazards.builders import make_hazard
from tests.live import chromium, csp_violations, live_app, screenshots, sign_in
from tests.people.builders import make_user

DESKTOP = {"width": 1280, "height": 900}
WORLD: dict[str, str] = {}


def _world(engine: Engine) -> None:
    with session_scope(engine) as session:
        make_user(session, role=Role.officer, username="officer1")
        make_user(session, role=Role.admin, username="admin1")
        WORLD["ref"] = make_hazard(session, description="3102运输顺槽锚杆托盘松动，支护不符合规程").ref


@pytest.fixture
def live(settings: Settings, tmp_path: Path) -> Iterator[tuple[Settings, Engine]]:
    with live_app(settings, tmp_path, _world) as running:
        yield running


def test_an_officer_confirms_with_a_standard_item(live: tuple[Settings, Engine], tmp_path: Path) -> None:
    live_settings, _ = live
    base, shots = live_settings.public_url, screenshots(tmp_path)
    with chromium() as browser:
        page = browser.new_context(viewport=DESKTOP, locale="zh-CN").new_page()
        violations = csp_violations(page)
        sign_in(page, base, "officer1")
        page.goto(f"{base}/console/hazards/{WORLD['ref']}")
        page.get_by_label("一般", exact=True).check()
        first = page.locator("#confirm-library optgroup").first.locator("option").first
        page.select_option("#confirm-library", value=first.get_attribute("value"))
        page.locator("#form-confirm").screenshot(path=str(shots / "console-confirm-library.png"))
        page.locator("#form-confirm button").click()
        assert page.locator("#library-item").inner_text().startswith("锚杆")
        assert page.locator("#report-type").inner_text() == "物的不安全状态"
        sign_in(page, base, "admin1")
        page.goto(f"{base}/console/admin/library")
        page.screenshot(path=str(shots / "console-admin-library.png"))
        assert page.locator("#library tr").count() > 40 and violations == []
