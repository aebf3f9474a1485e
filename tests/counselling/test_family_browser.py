"""The family co-supervisor's phone page in a real headless Chromium at 390x844: the wife opens her link, sees
what the worker agreed to share, records a talk and leaves a message for the kiosks; a revoked link opens
nothing. Screenshots as in ``tests/console/test_browser``."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy.engine import Engine
from sqlmodel import select

from safety_service.config import Settings
from safety_service.counselling import cosupervision, family
from safety_service.counselling.cosupervision_schemas import FamilyLinkCreate
from safety_service.counselling.models import CounsellingCase, FamilyLink
from safety_service.counselling.states import CaseState
from safety_service.database import session_scope
from safety_service.people.models import Role, User
from tests.counselling.builders import make_case
from tests.live import chromium, csp_violations, live_app, screenshots
from tests.people.builders import make_user

PHONE = {"width": 390, "height": 844}


def _world(engine: Engine) -> None:
    with session_scope(engine) as session:
        counsellor = make_user(session, role=Role.counsellor, username="counsellor1")
        make_case(session, state=CaseState.counselling, counsellor=counsellor)


@pytest.fixture
def live(settings: Settings, tmp_path: Path) -> Iterator[tuple[Settings, Engine]]:
    with live_app(settings, tmp_path, _world) as running:
        yield running


def _link(settings: Settings, engine: Engine) -> tuple[int, str]:
    with session_scope(engine) as session:
        counsellor = session.exec(select(User).where(User.username == "counsellor1")).one()
        case = session.exec(select(CounsellingCase).where(CounsellingCase.counsellor_id == counsellor.id)).one()
        contact = family.list_contacts(session, person_id=case.person_id)[0]
        link = cosupervision.issue(session, case=case, actor=counsellor, settings=settings,
                                   data=FamilyLinkCreate(family_contact_id=contact.id, share_stage=True))
        return link.id, f"{settings.public_url}/f/{cosupervision.token(link, settings)}"


def test_the_wife_follows_the_case_and_records_a_talk_on_her_phone(live: tuple[Settings, Engine],
                                                                   tmp_path: Path) -> None:
    settings, engine = live
    link_id, url = _link(settings, engine)
    shots = screenshots(tmp_path)
    with chromium() as browser:
        phone = browser.new_page(viewport=PHONE, locale="zh-CN", is_mobile=True)
        violations = csp_violations(phone)
        phone.goto(url)
        expect(phone.locator("#stage")).to_have_text("正在帮教")
        expect(phone.locator("#plan")).to_have_count(0)  # the worker did not agree to share the plan
        phone.click("label.cat:has-text('谈心')")
        phone.fill("#note", "晚饭后聊了下井前检查自救器的事")
        phone.click("#form-visit button[type=submit]")
        expect(phone.locator("#done")).to_have_text("已记录，谢谢您的配合。")
        phone.fill("#text", "安全第一，我们等你平安回家！")
        phone.fill("#signature", "妻子")
        phone.check("input[name=kiosk_consent]")
        phone.click("#form-message button[type=submit]")
        expect(phone.locator("#done")).to_contain_text("亲情寄语已提交")
        expect(phone.locator("#ours")).to_contain_text("待帮教员审核")
        expect(phone.locator("#ours")).to_contain_text("· 谈心")
        phone.screenshot(path=str(shots / "family-phone.png"), full_page=True)
        assert violations == []
        with session_scope(engine) as session:
            link = session.get(FamilyLink, link_id)
            case = session.get(CounsellingCase, link.case_id)
            cosupervision.revoke(session, case=case, link_id=link_id, actor=make_user(session, role=Role.admin))
        phone.goto(url)
        expect(phone.locator("#problem")).to_have_text("这个链接无效、已过期或已被收回。")
        expect(phone.locator("header span")).to_have_text("亲情帮教")
        phone.screenshot(path=str(shots / "family-phone-revoked.png"))
