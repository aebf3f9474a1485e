"""The scorecard page in a real headless Chromium on an officer's desktop: the table, the change on the
month before, the charts within the page's Content-Security-Policy. The screenshot goes to
docs/screenshots/ with SAFETY_UPDATE_SCREENSHOTS=1."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy.engine import Engine

from safety_service.config import Settings
from safety_service.database import session_scope
from safety_service.people.models import Role
from tests.live import chromium, csp_violations, live_app, screenshots, sign_in
from tests.people.builders import make_user
from tests.scorecard.builders import make_mine, march_work

DESKTOP = {"width": 1366, "height": 900}


def _world(engine: Engine) -> None:
    with session_scope(engine) as session:
        march_work(session, make_mine(session))
        make_user(session, role=Role.officer, username="officer-score")


@pytest.fixture
def live(settings: Settings, tmp_path: Path) -> Iterator[tuple[Settings, Engine]]:
    with live_app(settings, tmp_path, _world) as running:
        yield running


def test_an_officer_reads_the_units_month(live: tuple[Settings, Engine], tmp_path: Path) -> None:
    live_settings, _ = live
    with chromium() as browser:
        page = browser.new_context(viewport=DESKTOP, locale="zh-CN").new_page()
        violations = csp_violations(page)
        sign_in(page, live_settings.public_url, "officer-score")
        page.click("#nav-scorecard")
        page.fill("#s-month", "2025-03")
        page.click("#show")  # the month's page replaces the current month's, whose table has no rows
        expect(page.locator("table#scorecard tbody tr")).to_have_count(4)
        expect(page.locator("#charts svg")).to_have_count(3)
        page.screenshot(path=str(screenshots(tmp_path) / "console-scorecard.png"), full_page=True)
        assert violations == []


@pytest.mark.parametrize(("viewport", "locale"), [({"width": 768, "height": 1024}, "en-US"),
                                                  ({"width": 390, "height": 844}, "zh-CN")])
def test_the_scorecard_keeps_its_units_in_sight_when_it_scrolls(live: tuple[Settings, Engine],
                                                               viewport: dict[str, int], locale: str) -> None:
    """Sixteen columns scroll inside their box on a tablet or a phone; scrolled to its last column, each row still
    shows its unit (the unit had scrolled away with the rest), and no Chinese heading is broken (监督/员)."""
    live_settings, _ = live
    with chromium() as browser:
        page = browser.new_context(viewport=viewport, locale=locale).new_page()
        sign_in(page, live_settings.public_url, "officer-score")
        page.goto(f"{live_settings.public_url}/console/scorecard?month=2025-03")
        expect(page.locator("table#scorecard tbody tr")).to_have_count(4)
        box = page.locator("#scorecard").locator("xpath=..")
        assert box.evaluate("e => e.scrollWidth > e.clientWidth")  # it does scroll: else the test proves nothing
        box.evaluate("e => { e.scrollLeft = e.scrollWidth; }")
        left = box.evaluate("e => e.getBoundingClientRect().left")
        for cell in page.locator("#scorecard tr > th:first-child").all():
            assert abs(cell.bounding_box()["x"] - left) < 1, cell.inner_text()
        if locale == "zh-CN":
            broken = page.evaluate("""Array.from(document.querySelectorAll('#scorecard thead th'))
                .filter(th => { const r = document.createRange(); r.selectNodeContents(th);
                                return new Set(Array.from(r.getClientRects(), c => Math.round(c.top))).size > 1; })
                .map(th => th.textContent)""")
            assert broken == []
