"""The standard hazard library (隐患标准库): seeded, kept by admins, matched as a reporter types, and kept on the
hazard an officer confirms with it."""

from datetime import timedelta
from decimal import Decimal
from itertools import pairwise

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from safety_service.clock import utc_now
from safety_service.config import Settings
from safety_service.errors import AlreadyExists, InvalidInput, PermissionDenied
from safety_service.hazards import library
from safety_service.hazards import service as hazards_service
from safety_service.hazards.library import LibraryItem, LibraryItemCreate, LibraryItemUpdate
from safety_service.hazards.matching import bigrams
from safety_service.hazards.schemas import HazardAssign, HazardConfirm
from safety_service.hazards.states import Grade, HazardState, ReportType
from safety_service.people.models import Role
from tests.hazards.builders import make_hazard
from tests.people.builders import auth, make_user

NEW_CATEGORIES = {"rock_burst", "monitoring", "hoisting"}


def _item(session: Session, title: str) -> LibraryItem:
    return session.exec(select(LibraryItem).where(LibraryItem.title == title)).one()


def test_the_migration_seeds_a_realistic_library_in_every_category(session: Session) -> None:
    items = library.list_items(session, active_only=True)
    assert len(items) >= 40
    assert {i.category for i in items} >= NEW_CATEGORIES
    assert {i.report_type for i in items} == set(ReportType)
    assert all(i.level is None for i in items if i.grade == Grade.major)


def test_bigrams_ignore_spaces_and_punctuation() -> None:
    assert bigrams("顶板 离层，") == {"顶板", "板离", "离层"}
    assert bigrams("水") == {"水"} and bigrams(" ，") == frozenset()


def test_the_nearest_wording_comes_first_and_the_category_narrows(session: Session) -> None:
    found = library.best_matches(session, text="3102运输顺槽顶板有离层和裂缝")
    assert found[0].title == "巷道顶板离层、裂缝未及时处理" and found[0].category == "roof"
    assert all(a.score >= b.score for a, b in pairwise(found))
    narrowed = library.best_matches(session, text="瓦斯传感器位置不对", category="monitoring")
    assert narrowed and {m.category for m in narrowed} == {"monitoring"}
    assert library.best_matches(session, text="？？") == []


def test_an_added_item_is_matched_at_once_and_a_retired_one_no_longer(session: Session) -> None:
    admin = make_user(session, role=Role.admin)
    title = "主扇风机房反风设施不完好"
    assert all(m.title != title for m in library.best_matches(session, text=title))
    item = library.add_item(session, actor=admin, site="tianchen", data=LibraryItemCreate(
        category_code="ventilation", title=title, level="A", fix_days=5, report_type=ReportType.unsafe_condition))
    assert library.best_matches(session, text="反风设施不完好")[0].title == title
    library.update_item(session, item_id=item.id, actor=admin, site="tianchen", data=LibraryItemUpdate(active=False))
    assert all(m.title != title for m in library.best_matches(session, text=title))


def test_only_an_admin_changes_the_library_and_bad_entries_name_the_field(session: Session) -> None:
    officer, admin = make_user(session, role=Role.officer), make_user(session, role=Role.admin)
    data = LibraryItemCreate(category_code="roof", title="新的顶板隐患描述", fix_days=3)
    with pytest.raises(PermissionDenied):
        library.add_item(session, actor=officer, site="tianchen", data=data)
    with pytest.raises(InvalidInput) as caught:
        library.add_item(session, actor=admin, site="tianchen", data=data.model_copy(update={"grade": Grade.major, "level": "A"}))
    assert caught.value.field == "level"
    with pytest.raises(AlreadyExists) as caught:
        library.add_item(session, actor=admin, site="tianchen", data=data.model_copy(update={"title": "防爆电气设备失爆"}))
    assert caught.value.field == "title"


def test_confirming_with_an_item_keeps_it_and_takes_its_level_report_type_and_fix_days(session: Session) -> None:
    officer, owner = make_user(session, role=Role.officer), make_user(session, role=Role.owner)
    item = _item(session, "防爆电气设备失爆")  # B, 1 day, 物的不安全状态
    hazard = make_hazard(session, state=HazardState.reported)
    hazards_service.confirm(session, hazard=hazard, actor=officer, data=HazardConfirm(
        grade=Grade.general, category_code="electromechanical", library_item=item.id))
    assert hazard.library_item_id == item.id and hazard.report_type == ReportType.unsafe_condition
    assert hazard.level_id == item.level_id
    now = utc_now()
    hazards_service.assign(session, hazard=hazard, actor=officer, now=now, data=HazardAssign(
        owner=owner.username, measures="更换失爆部件", funds=Decimal(0), contingency_plan="停电处理"))
    assert hazard.deadline == now + timedelta(days=item.fix_days)


def test_the_officer_overrides_the_item_and_a_foreign_item_is_refused(session: Session) -> None:
    officer = make_user(session, role=Role.officer)
    item = _item(session, "防爆电气设备失爆")
    hazard = make_hazard(session, state=HazardState.reported)
    with pytest.raises(InvalidInput) as caught:
        hazards_service.confirm(session, hazard=hazard, actor=officer, data=HazardConfirm(
            grade=Grade.general, category_code="roof", library_item=item.id))
    assert caught.value.field == "library_item"
    hazards_service.confirm(session, hazard=hazard, actor=officer, data=HazardConfirm(
        grade=Grade.general, category_code="electromechanical", library_item=item.id, level="C",
        report_type=ReportType.management))
    assert hazard.report_type == ReportType.management
    assert hazard.level_id != item.level_id


def test_the_api_matches_for_anyone_and_lets_only_admins_change(client: TestClient, session: Session,
                                                                settings: Settings) -> None:
    answer = client.get("/api/v1/hazard-library/matches", params={"text": "皮带托辊不转跑偏"})
    assert answer.status_code == 200 and answer.json()[0]["category"] == "electromechanical"
    assert client.get("/api/v1/hazard-library/matches", params={"text": ""}).status_code == 422
    body = {"category_code": "hoisting", "title": "提升机闸瓦间隙超限", "level": "B", "fix_days": 2}
    officer, admin = make_user(session, role=Role.officer), make_user(session, role=Role.admin)
    assert client.post("/api/v1/hazard-library", json=body, headers=auth(officer, settings)).status_code == 403
    created = client.post("/api/v1/hazard-library", json=body, headers=auth(admin, settings))
    assert created.status_code == 201 and created.json()["level"] == "B"
    hazard = make_hazard(session, state=HazardState.reported, category_code="hoisting")
    confirmed = client.post(f"/api/v1/hazards/{hazard.ref}/confirm", headers=auth(officer, settings), json={
        "grade": "general", "category_code": "hoisting", "library_item": created.json()["id"],
        "report_type": "unsafe_condition"})
    assert confirmed.status_code == 200, confirmed.text
    shown = client.get(f"/api/v1/hazards/{hazard.ref}", headers=auth(officer, settings)).json()
    assert (shown["library_item"], shown["report_type"], shown["level"]) == ("提升机闸瓦间隙超限", "unsafe_condition", "B")
    wrong = client.post("/api/v1/hazard-library", json={**body, "title": "别的", "category_code": "nope"},
                        headers=auth(admin, settings))
    assert wrong.status_code in {404, 422} and "category_code" in wrong.text
    changed = client.patch(f"/api/v1/hazard-library/{created.json()['id']}", json={"fix_days": 4},
                           headers=auth(admin, settings))
    assert changed.status_code == 200 and changed.json()["fix_days"] == 4
    listed = client.get("/api/v1/hazard-library", params={"category": "hoisting"}, headers=auth(officer, settings))
    assert listed.status_code == 200 and {i["category"] for i in listed.json()} == {"hoisting"}
