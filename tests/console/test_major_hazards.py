"""The console's major hazard steps: grading 重大 names a situation of the standard, the plan is submitted and
approved on the detail page, and the page shows the hazard's major record."""

from fastapi.testclient import TestClient
from sqlmodel import Session

from safety_service.hazards.models import Hazard
from safety_service.hazards.states import Grade, HazardState
from safety_service.people.models import Role
from tests.hazards.builders import PLAN, a_criterion, make_hazard


def test_confirming_major_without_a_situation_names_the_field_and_with_one_keeps_it(
        console: TestClient, session: Session, signed_in) -> None:
    hazard = make_hazard(session, description="3102运输顺槽掘进工作面风量不足")
    _officer, token = signed_in(Role.officer)
    page = console.get(f"/console/hazards/{hazard.ref}").text
    assert "第八条第（一）项 矿井总风量不足" in page and "（5）通风系统不完善、不可靠" in page
    refused = console.post(f"/console/hazards/{hazard.ref}/confirm", data={
        "csrf_token": token, "grade": "major", "category_code": "ventilation"})
    assert refused.status_code == 422 and 'id="err-major_criterion"' in refused.text
    answer = console.post(f"/console/hazards/{hazard.ref}/confirm", data={
        "csrf_token": token, "grade": "major", "category_code": "ventilation",
        "major_criterion": str(a_criterion(session))})
    assert answer.status_code == 303
    session.expire_all()
    assert session.get(Hazard, hazard.id).major_criterion_id == a_criterion(session)
    page = console.get(f"/console/hazards/{hazard.ref}").text
    assert '<dd id="major-basis">第八条第（一）项（通风系统不完善、不可靠）' in page and 'id="form-submit_plan"' in page


def test_the_plan_is_submitted_and_approved_on_the_page(console: TestClient, session: Session, signed_in) -> None:
    hazard = make_hazard(session, state=HazardState.rectifying, grade=Grade.major, plan=False)
    _officer, token = signed_in(Role.officer)
    incomplete = console.post(f"/console/hazards/{hazard.ref}/submit_plan", data={
        "csrf_token": token, "goal_and_tasks": "恢复风量"})
    assert incomplete.status_code == 422
    assert all(f'id="err-{name}"' in incomplete.text for name in ("situation_and_cause", "safety_and_emergency"))
    submitted = console.post(f"/console/hazards/{hazard.ref}/submit_plan",
                             data={"csrf_token": token, **PLAN.model_dump()})
    assert submitted.status_code == 303
    _chief, token = signed_in(Role.chief)
    page = console.get(f"/console/hazards/{hazard.ref}").text
    assert 'id="form-decide_plan"' in page and "待审批" in page
    no_reason = console.post(f"/console/hazards/{hazard.ref}/decide_plan", data={"csrf_token": token,
                                                                                 "approved": "false"})
    assert no_reason.status_code == 422 and 'id="err-note"' in no_reason.text
    approved = console.post(f"/console/hazards/{hazard.ref}/decide_plan", data={"csrf_token": token,
                                                                                "approved": "true", "note": "同意"})
    assert approved.status_code == 303
    page = console.get(f"/console/hazards/{hazard.ref}").text
    assert "已批准" in page and "同意" in page and 'id="major-report-pdf"' in page


def test_a_general_hazard_says_nothing_of_the_major_steps(console: TestClient, session: Session,
                                                          signed_in) -> None:
    hazard = make_hazard(session, state=HazardState.rectifying)
    signed_in(Role.chief)
    page = console.get(f"/console/hazards/{hazard.ref}").text
    assert 'id="major-record"' not in page and "只用于重大隐患" not in page and 'id="form-stop_production"' not in page


def test_the_stop_production_area_is_named_as_such_and_every_other_area_field_plainly(
        console: TestClient, session: Session, signed_in) -> None:
    """The stop-production form's 停产撤人区域 had the console's key for an area, and its catalogue part, joined
    later, renamed every area field (the queue's and ledger's filters, the locations, the supervisors)."""
    hazard = make_hazard(session, state=HazardState.rectifying, grade=Grade.major)
    signed_in(Role.chief)
    page = console.get(f"/console/hazards/{hazard.ref}").text
    assert '<label for="stop_production-area">停产撤人区域</label>' in page
    queue = console.get("/console/?queue=all").text
    assert '<label>区域<select name="area" id="f-area">' in queue and "停产撤人" not in queue
