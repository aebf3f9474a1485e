"""The hazard library's item page in the console: administrators change and retire items; a retired item leaves
the forms but stays on the hazards that matched it; errors show beside their fields."""

from fastapi.testclient import TestClient
from sqlmodel import Session

from safety_service.hazards import library
from safety_service.hazards.library import LibraryItemCreate
from safety_service.people.models import Role
from tests.people.builders import make_user


def _item(session: Session, title: str = "架空乘人装置托绳轮缺失") -> int:
    admin = make_user(session, role=Role.admin)
    item = library.add_item(session, data=LibraryItemCreate(category_code="transport", title=title, level="C",
                                                            fix_days=2), actor=admin, site="tianchen")
    session.commit()
    return item.id


def test_only_administrators_change_library_items(console: TestClient, session: Session, signed_in) -> None:
    item_id = _item(session, "猴车托绳轮缺失一处")
    for role in (Role.officer, Role.chief):
        _, token = signed_in(role)
        assert console.get(f"/console/admin/library/{item_id}").status_code == 403
        assert console.post(f"/console/admin/library/{item_id}", data={"csrf_token": token, "active": "false"}
                            ).status_code == 403


def test_an_administrator_changes_and_retires_an_item(console: TestClient, session: Session, signed_in) -> None:
    item_id = _item(session)
    _, token = signed_in(Role.admin)
    assert f'href="/console/admin/library/{item_id}"' in console.get("/console/admin/library").text
    page = console.get(f"/console/admin/library/{item_id}").text
    assert "架空乘人装置托绳轮缺失" in page and "停用后不再出现" in page
    form = {"csrf_token": token, "category_code": "transport", "title": "架空乘人装置托绳轮缺失或损坏",
            "grade": "general", "level": "B", "fix_days": "3", "report_type": "unsafe_condition", "active": "false"}
    assert console.post(f"/console/admin/library/{item_id}", data=form).status_code == 303
    item = library.get_item(session, item_id=item_id, field="id")
    session.refresh(item)
    assert (item.title, item.fix_days, item.active) == ("架空乘人装置托绳轮缺失或损坏", 3, False)
    assert item_id not in {i.id for i in library.list_items(session, active_only=True)}


def test_every_bad_field_of_the_item_form_shows_at_once(console: TestClient, session: Session, signed_in) -> None:
    item_id = _item(session, "主要通风机房无专人值守")
    _, token = signed_in(Role.admin)
    bad = console.post(f"/console/admin/library/{item_id}", data={
        "csrf_token": token, "category_code": "transport", "title": "x", "grade": "lethal", "fix_days": "0",
        "active": "maybe"})
    assert bad.status_code == 422
    for field in ("title", "grade", "fix_days", "active"):
        assert f'id="err-{field}"' in bad.text, field
    unknown = console.post(f"/console/admin/library/{item_id}", data={
        "csrf_token": token, "category_code": "transport", "title": "主要通风机房无专人值守", "grade": "general",
        "level": "Z", "fix_days": "2", "active": "true"})
    assert unknown.status_code == 422 and 'id="err-level"' in unknown.text
    assert console.get("/console/admin/library/999999").status_code == 404
