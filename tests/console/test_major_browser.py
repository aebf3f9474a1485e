"""A major hazard in a real Chromium: the officer grades it 重大 with a situation of the standard, the owner submits
the treatment plan on the phone, the chief approves it; the detail page shows the major record. Screenshots as the
other browser tests."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from safety_service.config import Settings
from safety_service.database import session_scope
from safety_service.hazards.states import Grade, HazardState
from safety_service.people.models import Role
from tests.hazards.builders import PLAN, make_hazard
from tests.live import chromium, csp_violations, live_app, screenshots, sign_in
from tests.people.builders import make_user

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
WORLD: dict[str, str] = {}


def _world(engine: Engine) -> None:
    with session_scope(engine) as session:
        make_user(session, role=Role.officer, username="officer1")
        make_user(session, role=Role.chief, username="chief", name="孙建国")
        owner = make_user(session, role=Role.owner, username="owner1", name="杨军")
        WORLD["new"] = make_hazard(session, description="3102运输顺槽掘进工作面风量不足，微风作业").ref
        WORLD["fixing"] = make_hazard(session, state=HazardState.rectifying, grade=Grade.major, owner=owner,
                                      plan=False, description="南翼探放水钻孔未按设计施工，孔深不足").ref


@pytest.fixture
def live(settings: Settings, tmp_path: Path) -> Iterator[tuple[Settings, Engine]]:
    with live_app(settings, tmp_path, _world) as running:
        yield running


def test_grading_major_and_the_plan_from_the_owners_phone_to_the_chief(live: tuple[Settings, Engine],
                                                                       tmp_path: Path) -> None:
    live_settings, _ = live
    base, shots = live_settings.public_url, screenshots(tmp_path)
    with chromium() as browser:
        page = browser.new_context(viewport=DESKTOP, locale="zh-CN").new_page()
        violations = csp_violations(page)
        sign_in(page, base, "officer1")
        page.goto(f"{base}/console/hazards/{WORLD['new']}")
        page.get_by_label("重大", exact=True).check()
        page.select_option("#confirm-category", value="ventilation")
        page.locator("#form-confirm button").click()
        assert "须选择判定标准中的情形" in page.locator("#err-major_criterion").inner_text()
        page.get_by_label("重大", exact=True).check()
        page.select_option("#confirm-major-criterion", label=page.locator(
            "#confirm-major-criterion option", has_text="第八条第（一）项").inner_text())
        page.locator("#form-confirm").screenshot(path=str(shots / "console-confirm-major.png"))
        page.locator("#form-confirm button").click()
        assert page.locator("#major-basis").inner_text().startswith("第八条第（一）项")

        phone = browser.new_context(viewport=PHONE, locale="zh-CN").new_page()
        sign_in(phone, base, "owner1")
        phone.goto(f"{base}/console/hazards/{WORLD['fixing']}")
        for name, value in PLAN.model_dump().items():
            phone.fill(f"#plan-{name}", value)
        phone.screenshot(path=str(shots / "console-major-plan-phone.png"), full_page=True)
        phone.locator("#form-submit_plan button").click()
        assert "待审批" in phone.locator("#major-plans").inner_text()

        sign_in(page, base, "chief")
        page.goto(f"{base}/console/hazards/{WORLD['fixing']}")
        page.locator("#plan-approve").check()
        page.fill("#plan-note", "同意按方案实施")
        page.locator("#form-decide_plan button").click()
        plans = page.locator("#major-plans").inner_text()
        assert "已批准" in plans
        assert "杨军" in plans and "孙建国" in plans and "owner1" not in plans and "chief" not in plans  # by name
        page.screenshot(path=str(shots / "console-major-detail.png"), full_page=True)
        assert violations == []
