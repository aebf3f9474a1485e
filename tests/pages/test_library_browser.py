"""The QR report page offers the standard hazard library (隐患标准库) as a miner types, in a real Chromium under
the pages' strict Content-Security-Policy; a tap puts the standard wording first, picks its category and sends the
item, which the hazard keeps; the pick is forgotten when its wording is taken out or another category picked."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from safety_service.config import Settings
from safety_service.hazards.library import LibraryItem
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
    shots, item_id = screenshots(tmp_path), _item_id(engine)
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
            assert page.locator("#library_item").input_value() == ""
            pick.click()
            assert page.locator("#library_item").input_value() == str(item_id)
            assert page.locator("#description").input_value() == f"{TITLE}：大巷皮带托辊不转，皮带跑偏"
            assert page.locator("input[name=category][value=electromechanical]").is_checked()
            assert page.locator("#library").is_hidden() and violations == []
        page.get_by_role("button", name="提交举报").click()
        page.locator("#tracking-code").wait_for()
    with Session(engine) as session:
        hazard = session.exec(select(Hazard).order_by(Hazard.id.desc())).first()
        assert hazard.description.startswith(TITLE) and hazard.library_item_id == item_id
        assert session.get(Category, hazard.category_id).code == "electromechanical"


def _item_id(engine: Engine) -> int:
    with Session(engine) as session:
        return session.exec(select(LibraryItem.id).where(LibraryItem.title == TITLE)).one()


def test_the_pick_is_forgotten_when_its_wording_or_category_goes(live: tuple[Settings, Engine]) -> None:
    live_settings, engine = live
    with chromium() as browser:
        page = browser.new_context(viewport=PHONE, locale="zh-CN").new_page()
        page.goto(tokens.report_url(live_settings, "PH-1"))
        for leave in ("category", "wording"):
            page.locator("#description").fill("")
            page.locator("input[name=category][value='']").check()
            page.locator("#description").press_sequentially("皮带托辊不转")
            page.locator("#library-items .pick", has_text=TITLE).click()
            assert page.locator("#library_item").input_value() == str(_item_id(engine))
            if leave == "category":
                page.locator("input[name=category][value=roof]").check()
            else:
                page.locator("#description").fill("皮带托辊不转")
            page.wait_for_function("document.getElementById('library_item').value === ''", timeout=5000)
        page.locator("#description").fill("皮带托辊不转，已停机")
        page.get_by_role("button", name="提交举报").click()
        page.locator("#tracking-code").wait_for()
    with Session(engine) as session:
        hazard = session.exec(select(Hazard).order_by(Hazard.id.desc())).first()
        assert hazard.description == "皮带托辊不转，已停机" and hazard.library_item_id is None


def test_a_pick_taken_off_before_sending_gives_the_form_again_without_it(live: tuple[Settings, Engine],
                                                                          tmp_path: Path) -> None:
    live_settings, engine = live
    shots, item_id = screenshots(tmp_path), _item_id(engine)
    with chromium() as browser:
        for name, size in (("phone", PHONE), ("desktop", DESKTOP)):
            with Session(engine) as session:  # an administrator took the item off meanwhile, or put it back
                session.get(LibraryItem, item_id).active = True
                session.commit()
            page = browser.new_context(viewport=size, locale="zh-CN").new_page()
            page.goto(tokens.report_url(live_settings, "PH-1"))
            page.locator("#description").press_sequentially("皮带托辊不转")
            page.locator("#library-items .pick", has_text=TITLE).click()
            with Session(engine) as session:
                session.get(LibraryItem, item_id).active = False
                session.commit()
            with page.expect_response(lambda answer: answer.request.method == "POST") as sent:
                page.get_by_role("button", name="提交举报").click()
            assert sent.value.status == 422
            assert "已停用" in page.locator("#library-error").inner_text()
            assert page.locator("#library_item").input_value() == ""
            assert page.locator("#description").input_value().startswith(TITLE)
            page.screenshot(path=str(shots / f"report-library-refused-{name}.png"), full_page=True)
            page.get_by_role("button", name="提交举报").click()
            page.locator("#tracking-code").wait_for()
    with Session(engine) as session:
        hazard = session.exec(select(Hazard).order_by(Hazard.id.desc())).first()
        assert hazard.description.startswith(TITLE) and hazard.library_item_id is None


def test_without_script_the_page_offers_nothing_and_sends_no_item(live: tuple[Settings, Engine]) -> None:
    live_settings, engine = live
    with chromium() as browser:
        page = browser.new_context(viewport=PHONE, locale="zh-CN", java_script_enabled=False).new_page()
        page.goto(tokens.report_url(live_settings, "PH-1"))
        page.locator("#description").fill("大巷皮带托辊不转，皮带跑偏")
        assert page.locator("#library").count() == 1 and page.locator("#library").is_hidden()
        page.get_by_role("button", name="提交举报").click()
        page.locator("#tracking-code").wait_for()
    with Session(engine) as session:
        hazard = session.exec(select(Hazard).order_by(Hazard.id.desc())).first()
        assert hazard.description == "大巷皮带托辊不转，皮带跑偏" and hazard.library_item_id is None
