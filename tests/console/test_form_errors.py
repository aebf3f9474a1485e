"""A form names every error at once: the service's own rules (a past deadline, an unknown owner or
duplicate) beside the fields that failed their format, not in a second pass."""

from fastapi.testclient import TestClient
from sqlmodel import Session

from safety_service.hazards.states import HazardState
from safety_service.people.models import Role
from tests.console.test_detail import _local, _state
from tests.console.test_violations import _local as violation_local
from tests.hazards.builders import make_hazard
from tests.locations.builders import make_location


def _errors(html: str, *fields: str) -> list[str]:
    return [field for field in fields if f'id="err-{field}"' not in html]


def test_the_assign_form_names_a_past_deadline_with_the_other_errors(console: TestClient, session: Session,
                                                                     signed_in, console_settings) -> None:
    hazard = make_hazard(session, state=HazardState.confirmed)
    session.commit()
    _, token = signed_in(Role.officer)
    answer = console.post(f"/console/hazards/{hazard.ref}/assign", data={
        "csrf_token": token, "owner": "", "measures": "补打锚杆", "funds": "abc",
        "deadline": _local(-1, console_settings), "contingency_plan": ""})
    assert answer.status_code == 422
    assert _errors(answer.text, "owner", "funds", "contingency_plan", "deadline") == []
    assert "期限必须晚于现在" in answer.text
    answer = console.post(f"/console/hazards/{hazard.ref}/assign", data={
        "csrf_token": token, "owner": "nobody", "measures": "", "funds": "1",
        "deadline": _local(-1, console_settings), "contingency_plan": "设警戒"})
    assert answer.status_code == 422 and _errors(answer.text, "owner", "measures", "deadline") == []
    assert _state(session, hazard.ref) == HazardState.confirmed


def test_the_verify_and_reject_forms_name_every_error(console: TestClient, session: Session, signed_in,
                                                      console_settings) -> None:
    waiting, reported = make_hazard(session, state=HazardState.awaiting_verification), make_hazard(session)
    session.commit()
    _, token = signed_in(Role.officer)
    answer = console.post(f"/console/hazards/{waiting.ref}/verify", data={
        "csrf_token": token, "passed": "", "note": "", "new_deadline": _local(-2, console_settings)})
    assert answer.status_code == 422 and _errors(answer.text, "passed", "note", "new_deadline") == []
    answer = console.post(f"/console/hazards/{reported.ref}/reject", data={
        "csrf_token": token, "reason": "", "duplicate_of": "YH-1999-000001"})
    assert answer.status_code == 422 and _errors(answer.text, "reason", "duplicate_of") == []


def test_the_violation_form_names_every_error(console: TestClient, session: Session, signed_in,
                                              console_settings) -> None:
    place = make_location(session)
    session.commit()
    _, token = signed_in(Role.officer)
    answer = console.post("/console/violations/new", data={
        "csrf_token": token, "employee_no": "NOBODY", "kind": "", "occurred_at": violation_local(5, console_settings),
        "location_code": place.code, "description": "", "hazard_ref": "YH-1999-000001"})
    assert answer.status_code == 422
    assert _errors(answer.text, "employee_no", "kind", "occurred_at", "description", "hazard_ref") == []
    assert "没有这个工号的职工" in answer.text and "不能晚于现在" in answer.text


def test_a_time_outside_the_calendar_is_named_as_such_not_as_missing(console: TestClient, session: Session,
                                                                      signed_in) -> None:
    place = make_location(session)
    session.commit()
    _, token = signed_in(Role.officer)
    for moment in ("9998-12-31T23:00", "9999-12-31T23:00"):  # the last day's local hour is still in the calendar
        answer = console.post("/console/violations/new", data={
            "csrf_token": token, "employee_no": "NOBODY", "kind": "illegal_operation", "occurred_at": moment,
            "location_code": place.code, "description": "未按规定佩戴自救器"})
        assert answer.status_code == 422, moment
        assert ("日期须在 1900-01-01 至 9998-12-31 之间" in answer.text) == moment.startswith("9999"), moment
