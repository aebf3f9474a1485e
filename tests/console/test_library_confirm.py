"""The console's confirm form offers the standard hazard library, nearest the report's words first; the officer's
pick is kept on the hazard with its level and report type."""

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from safety_service.hazards.levels import HazardLevel
from safety_service.hazards.library import LibraryItem
from safety_service.hazards.models import Hazard
from safety_service.hazards.states import HazardState, ReportType
from safety_service.people.models import Role
from tests.hazards.builders import make_hazard

TITLE = "锚杆（索）托盘松动、失效或支护密度不符合作业规程"


def test_the_form_suggests_the_nearest_item_and_confirming_keeps_it(console: TestClient, session: Session,
                                                                    signed_in) -> None:
    hazard = make_hazard(session, description="3102运输顺槽锚杆托盘松动，支护不符合规程")
    _officer, token = signed_in(Role.officer)
    page = console.get(f"/console/hazards/{hazard.ref}").text
    suggested = page.split('label="与描述最接近"')[1].split("</optgroup>")[0]
    assert TITLE in suggested and "物的不安全状态" in page and "冲击地压" in page
    item = session.exec(select(LibraryItem).where(LibraryItem.title == TITLE)).one()
    answer = console.post(f"/console/hazards/{hazard.ref}/confirm", data={
        "csrf_token": token, "grade": "general", "category_code": "roof", "library_item": str(item.id)})
    assert answer.status_code == 303
    session.expire_all()
    stored = session.get(Hazard, hazard.id)
    assert stored.state == HazardState.confirmed and stored.library_item_id == item.id
    assert stored.report_type == ReportType.unsafe_condition
    assert session.get(HazardLevel, stored.level_id).code == "C"
    page = console.get(f"/console/hazards/{hazard.ref}").text
    assert f'<dd id="library-item">{TITLE}</dd>' in page and '<dd id="report-type">物的不安全状态</dd>' in page


def test_an_item_of_another_category_is_named_beside_its_field(console: TestClient, session: Session,
                                                               signed_in) -> None:
    hazard = make_hazard(session)
    _officer, token = signed_in(Role.officer)
    item = session.exec(select(LibraryItem).where(LibraryItem.title == "防爆电气设备失爆")).one()
    answer = console.post(f"/console/hazards/{hazard.ref}/confirm", data={
        "csrf_token": token, "grade": "general", "category_code": "roof", "library_item": str(item.id),
        "report_type": "management"})
    assert answer.status_code == 422 and "该标准条目不存在、已停用或不属于所选类别" in answer.text
    bad = console.post(f"/console/hazards/{hazard.ref}/confirm", data={
        "csrf_token": token, "grade": "general", "category_code": "roof", "report_type": "nonsense"})
    assert bad.status_code == 422
    session.expire_all()
    assert session.get(Hazard, hazard.id).state == HazardState.reported


def test_an_administrator_keeps_the_library_in_the_console(console: TestClient, session: Session, signed_in) -> None:
    signed_in(Role.officer)
    assert console.get("/console/admin/library").status_code == 403
    _admin, token = signed_in(Role.admin)
    page = console.get("/console/admin/library").text
    assert "防爆电气设备失爆" in page and "冲击地压" in page and "管理缺陷" in page
    form = {"csrf_token": token, "category_code": "monitoring", "title": "一氧化碳传感器报警值设置错误",
            "grade": "general", "level": "B", "fix_days": "1", "report_type": "management"}
    assert console.post("/console/admin/library", data=form).status_code == 303
    item = session.exec(select(LibraryItem).where(LibraryItem.title == form["title"])).one()
    assert (item.fix_days, item.report_type) == (1, ReportType.management)
    again = console.post("/console/admin/library", data=form)
    assert again.status_code == 422 and 'id="err-title"' in again.text
    major = console.post("/console/admin/library", data={**form, "title": "另一条", "grade": "major"})
    assert major.status_code == 422 and 'id="err-level"' in major.text
