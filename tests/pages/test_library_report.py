"""The QR page sends the standard hazard library item (隐患标准库) the miner picked (``library_item``): kept on the
hazard and in its first event by the intake's one rule; an unknown, retired or other-category item, or one that is
no id, is refused with the form again naming the field (what was typed kept, the pick dropped)."""

import uuid

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from safety_service.config import Settings
from safety_service.hazards import library
from safety_service.hazards.library import LibraryItem, LibraryItemCreate, LibraryItemUpdate
from safety_service.hazards.models import Hazard, HazardEvent
from safety_service.locations.models import Category
from safety_service.people.models import Role
from safety_service.qr import tokens
from tests.people.builders import make_user

TYPED = "架空乘人装置托绳轮缺失：机尾第三组"
REFUSED = "所选的常见隐患已停用或与所选类别不符"


def _path(settings: Settings, code: str) -> str:
    return "/r/" + tokens.sign(tokens.keyring(settings), code)


def _form(**fields: str) -> dict[str, str]:
    return {"description": TYPED, "client_report_id": str(uuid.uuid4()), **fields}


def _item(session: Session, settings: Settings, category: str = "transport", *, active: bool = True) -> int:
    admin = make_user(session, role=Role.admin)
    title = f"架空乘人装置托绳轮缺失{uuid.uuid4().hex[:6]}"
    item = library.add_item(session, data=LibraryItemCreate(category_code=category, title=title, fix_days=2),
                            actor=admin, site=settings.site)
    if not active:
        library.update_item(session, item_id=item.id, data=LibraryItemUpdate(active=False), actor=admin,
                            site=settings.site)
    return item.id


def _hazard(session: Session, form: dict[str, str]) -> Hazard | None:
    return session.exec(select(Hazard).where(Hazard.client_report_id == form["client_report_id"])).first()


def test_the_picked_item_is_kept_on_the_hazard_and_in_its_first_event(pages: TestClient, session: Session,
                                                                      settings: Settings, location) -> None:
    item_id = _item(session, settings)
    form = _form(category="transport", library_item=str(item_id))
    answer = pages.post(_path(settings, location.code), data=form)
    assert answer.status_code == 201, answer.text
    hazard = _hazard(session, form)
    assert hazard is not None and hazard.library_item_id == item_id
    event = session.exec(select(HazardEvent).where(HazardEvent.hazard_id == hazard.id)).one()
    assert event.data["library_item"] == item_id


def test_the_picked_item_gives_its_category_when_none_was_chosen(pages: TestClient, session: Session,
                                                                 settings: Settings, location) -> None:
    item_id = _item(session, settings)
    form = _form(library_item=str(item_id))
    assert pages.post(_path(settings, location.code), data=form).status_code == 201
    hazard = _hazard(session, form)
    transport = session.exec(select(Category.id).where(Category.code == "transport")).one()
    assert hazard is not None and hazard.library_item_id == item_id and hazard.category_id == transport


def test_a_page_without_a_pick_sends_none(pages: TestClient, session: Session, settings: Settings, location) -> None:
    form = _form(category="roof", library_item="")
    assert pages.post(_path(settings, location.code), data=form).status_code == 201
    hazard = _hazard(session, form)
    assert hazard is not None and hazard.library_item_id is None


def test_the_page_carries_the_field_for_the_script(pages: TestClient, settings: Settings, location) -> None:
    page = pages.get(_path(settings, location.code)).text
    assert 'name="library_item" id="library_item" value=""' in page


@pytest.mark.parametrize("problem", ["retired", "other_category", "missing"])
def test_an_item_that_cannot_be_the_match_is_refused_naming_the_field(
        pages: TestClient, session: Session, settings: Settings, location, problem: str) -> None:
    if problem == "missing":
        item_id = (session.exec(select(col(LibraryItem.id)).order_by(col(LibraryItem.id).desc())).first() or 0) + 1000
    else:
        item_id = _item(session, settings, active=problem != "retired")
    form = _form(category="roof" if problem == "other_category" else "transport", library_item=str(item_id))
    answer = pages.post(_path(settings, location.code), data=form)
    assert answer.status_code == 422
    assert 'id="library-error"' in answer.text and REFUSED in answer.text
    assert TYPED in answer.text and 'name="library_item" id="library_item" value=""' in answer.text
    assert _hazard(session, form) is None


@pytest.mark.parametrize("value", ["abc", "0", "-3", "1.5", "99999999999999999999", "\uff11\uff12"])  # the last: full-width digits
def test_a_value_that_is_no_id_is_refused_naming_the_field(pages: TestClient, session: Session,
                                                           settings: Settings, location, value: str) -> None:
    form = _form(category="transport", library_item=value)
    answer = pages.post(_path(settings, location.code), data=form)
    assert answer.status_code == 422 and 'id="library-error"' in answer.text
    assert _hazard(session, form) is None
