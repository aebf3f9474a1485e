"""The pages cut by unit in a real headless Chromium on a desktop: a counsellor's help-education figures, an
officer's reward ledger, awards, risk register, map and inspection coverage, each with the unit chooser the
statistics page has. Screenshots go to docs/screenshots/ with SAFETY_UPDATE_SCREENSHOTS=1."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from safety_service.clock import utc_now
from safety_service.config import Settings
from safety_service.database import session_scope
from safety_service.inspections import service as inspections_service
from safety_service.people.models import Role
from tests.counselling.builders import make_violation
from tests.inspections.builders import make_plan
from tests.live import chromium, csp_violations, live_app, screenshots, sign_in
from tests.people.builders import make_user
from tests.rewards.test_unit_cut import make_rewarded
from tests.risks.builders import make_placed_points
from tests.units.builders import member

DESKTOP = {"width": 1366, "height": 900}
PAGES = (("counsellor-cut", "/console/counselling/figures", "console-case-figures-unit.png"),
         ("officer-cut", "/console/rewards", "console-rewards-unit.png"),
         ("officer-cut", "/console/awards", "console-awards-unit.png"),
         ("officer-cut", "/console/risks", "console-risks-unit.png"),
         ("officer-cut", "/console/risks/map", "console-risk-map-unit.png"),
         ("officer-cut", "/console/risks/coverage", "console-risk-coverage-unit.png"))


def _world(engine: Engine) -> None:
    with session_scope(engine) as session:
        found = make_rewarded(session)
        tree = found.tree
        for unit in (tree.crew, tree.crew, tree.team, tree.other):
            make_violation(session, person=member(session, unit, name="赵六"))
        points = make_placed_points(session, tree)
        make_plan(session, points=list(points.values()), frequency="shift", starts_on=utc_now().date())
        inspections_service.schedule(session, now=utc_now(), timezone="Asia/Shanghai")
        make_user(session, role=Role.counsellor, username="counsellor-cut")
        make_user(session, role=Role.officer, username="officer-cut")


@pytest.fixture
def live(settings: Settings, tmp_path: Path) -> Iterator[tuple[Settings, Engine]]:
    with live_app(settings, tmp_path, _world) as running:
        yield running


def test_each_page_is_cut_by_the_unit_chosen(live: tuple[Settings, Engine], tmp_path: Path) -> None:
    live_settings, _ = live
    base = live_settings.public_url
    with chromium() as browser:
        for username, path, shot in PAGES:
            page = browser.new_context(viewport=DESKTOP, locale="zh-CN").new_page()
            violations = csp_violations(page)
            sign_in(page, base, username)
            page.goto(f"{base}{path}")
            page.select_option("#s-unit", label="综采一队")
            with page.expect_navigation():
                page.locator("#s-unit").locator("xpath=ancestor::form").locator("button").first.click()
            assert "unit=" in page.url and page.locator("#s-unit option:checked").inner_text() == "综采一队", path
            assert "综采一队（含所属班组" in page.content(), path  # the scope line names the unit and its rule
            page.screenshot(path=str(screenshots(tmp_path) / shot), full_page=True)
            assert violations == [], path
            page.context.close()
