"""Every answer carries a Content-Security-Policy, ``nosniff`` and a Referrer-Policy, and every page works
under that policy in a real headless Chromium: no violation reported on any console or public page, the
charts drawn, the report form's button disabled once it is sent."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect
from sqlalchemy.engine import Engine
from sqlmodel import Session

from safety_service.config import Settings
from safety_service.counselling import pairing
from safety_service.counselling.schemas import CasePair
from safety_service.database import session_scope
from safety_service.hazards.states import HazardState
from safety_service.locations import service as locations_service
from safety_service.locations.schemas import AreaCreate, LocationCreate
from safety_service.people.models import Role
from safety_service.qr import tokens
from tests.bulletins.builders import make_bulletin
from tests.counselling.builders import make_case
from tests.hazards.builders import make_hazard
from tests.live import chromium, csp_violations, live_app, screenshots, sign_in
from tests.people.builders import auth, make_person, make_user

DESKTOP, PHONE = {"width": 1280, "height": 800}, {"width": 390, "height": 844}
STRICT = "default-src 'none'"


@pytest.mark.parametrize("path", ["/api/v1/hazards", "/api/v1/nothing-here", "/console/login", "/points",
                                  "/r/not-a-token", "/console/static/console.css", "/healthz"])
def test_every_answer_carries_the_security_headers(client: TestClient, session: Session, settings: Settings,
                                                   path: str) -> None:
    answer = client.get(path, headers=auth(make_user(session, role=Role.officer), settings))
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["referrer-policy"] == "same-origin"
    policy = answer.headers["content-security-policy"]
    assert policy.startswith(STRICT) and "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy


def test_the_api_docs_get_their_own_policy(client: TestClient) -> None:
    for path in ("/docs", "/redoc", "/docs/oauth2-redirect"):
        policy = client.get(path).headers["content-security-policy"]
        assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy and "https:" not in policy


def _world(engine: Engine) -> None:
    with session_scope(engine) as session:
        site = locations_service.ensure_site(session, code="tianchen", name_zh="田陈煤矿")
        area = locations_service.add_area(session, site=site, data=AreaCreate(code="N1", name_zh="北一采区"))
        place = locations_service.add_location(session, site=site, data=LocationCreate(
            code="PH-1", name_zh="主井井口", area_code=area.code))
        users = {role: make_user(session, role=role, username=f"{role}1")
                 for role in (Role.officer, Role.admin, Role.counsellor, Role.supervisor, Role.owner)}
        for state in (HazardState.reported, HazardState.rectifying, HazardState.closed):
            make_hazard(session, state=state, location=place, description="皮带机托辊损坏")
        case = make_case(session, person=make_person(session, name="马超", team="综采一队"))
        # A counsellor sees the cases assigned to them: an admin pairs this one with counsellor1.
        pairing.pair(session, case=case, data=CasePair(counsellor="counsellor1"), actor=users[Role.admin])
        make_bulletin(session)


@pytest.fixture
def live(settings: Settings, tmp_path: Path) -> Iterator[tuple[Settings, Engine]]:
    with live_app(settings, tmp_path, _world, console_stats_ttl_seconds=0) as running:
        yield running


CONSOLE_PAGES = {
    "officer1": ["/console/", "/console/hazards/{ref}", "/console/stats", "/console/ledger",
                 "/console/bulletins", "/console/bulletins/new", "/console/bulletins/1", "/console/supervisors",
                 "/console/supervisors/figures", "/console/rewards", "/console/violations/new",
                 "/console/violations"],
    "admin1": ["/console/admin/people", "/console/admin/locations", "/console/admin/categories",
               "/console/admin/dead-letters"],
    "supervisor1": ["/console/violations/new", "/console/violations"],
    "owner1": ["/console/"],
    "counsellor1": ["/console/cases", "/console/counselling/figures", "/console/cases/1"],
}
SHOTS = {"/console/": "queue", "/console/stats": "stats", "/console/cases/1": "case",
         "/console/hazards/{ref}": "detail"}


def _walk_console(page: Page, base: str, shots: Path, size: str) -> None:
    ref = ""
    for username, paths in CONSOLE_PAGES.items():
        sign_in(page, base, username)
        for path in paths:
            answer = page.goto(base + path.format(ref=ref))
            assert answer is not None and answer.status == 200, (username, path)
            ref = ref or page.locator("tr[data-ref]").first.get_attribute("data-ref") or ""
            if path in ("/console/stats", "/console/counselling/figures"):
                expect(page.locator("#charts svg").first).to_be_visible()
            if path in SHOTS and username != "owner1":
                page.screenshot(path=str(shots / f"csp-{SHOTS[path]}-{size}.png"), full_page=True)
    page.locator("a[href^='/console/workers/']").first.click()  # from the case: the worker's violations
    expect(page.locator("#violations tbody tr")).to_have_count(1)


def _walk_public(page: Page, base: str, settings: Settings, shots: Path, size: str) -> None:
    page.goto(tokens.report_url(settings, "PH-1"))
    expect(page.locator("#bulletin")).to_be_visible()
    page.screenshot(path=str(shots / f"csp-report-{size}.png"), full_page=True)
    page.locator("form[data-once]").evaluate("form => form.dispatchEvent(new Event('submit'))")
    expect(page.locator("form[data-once] button")).to_be_disabled()  # the page's own script ran
    page.goto(tokens.report_url(settings, "PH-1"))
    page.fill("#description", "井口照明灯损坏")
    page.locator("form[data-once] button").click()
    code, ref = page.locator("#tracking-code").inner_text(), page.locator("#ref").inner_text()
    page.screenshot(path=str(shots / f"csp-receipt-{size}.png"), full_page=True)
    page.locator("#track").click()
    expect(page.locator("#state")).to_be_visible()
    assert page.url == f"{base}/t"  # the code travels in the form, never in an address a log keeps
    page.goto(f"{base}/points")
    page.fill("#tracking_codes", code)
    page.locator("form[action='/points'] button").click()
    expect(page.locator(f"#report-{ref}")).to_be_visible()
    page.screenshot(path=str(shots / f"csp-points-{size}.png"), full_page=True)


def test_every_page_works_under_its_policy_in_chromium(live: tuple[Settings, Engine], tmp_path: Path) -> None:
    live_settings, _ = live
    base, shots = live_settings.public_url, screenshots(tmp_path)
    with chromium() as browser:
        for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            page = browser.new_context(viewport=viewport, locale="zh-CN").new_page()
            page.set_default_timeout(10_000)
            violations = csp_violations(page)
            _walk_console(page, base, shots, size)
            _walk_public(page, base, live_settings, shots, size)
            for path in ("/docs", "/redoc"):  # their CDN is out of reach here; their inline script may run
                page.goto(base + path)
            assert violations == [], violations
