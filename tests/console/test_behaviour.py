"""Workers' reports of unsafe behaviour in the console: the queue and a report for those who record violations,
the two decisions, every error of a form at once, and never the reporter, least of all to the person reported."""

import uuid
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from safety_service.clock import utc_now
from safety_service.counselling.behaviour import BehaviourDecision, Outcome
from safety_service.counselling.models import Violation, ViolationItem
from safety_service.counselling.states import ViolationKind, ViolationSeverity
from safety_service.people.models import Person, Role
from tests.console.conftest import sign_in
from tests.counselling.test_behaviour import REPORTER, make_behaviour_report
from tests.people.builders import make_person, make_user

DECIDERS = (Role.supervisor, Role.officer, Role.chief, Role.admin)


def _local(hours: float, settings) -> str:
    return (utc_now() + timedelta(hours=hours)).astimezone(ZoneInfo(settings.timezone)).strftime("%Y-%m-%dT%H:%M")


@pytest.mark.parametrize("role", list(Role))
def test_only_those_who_record_violations_see_and_decide_reports(console: TestClient, session: Session, signed_in,
                                                                 role: Role) -> None:
    hazard, _ = make_behaviour_report(session)
    session.commit()
    _, token = signed_in(role)
    queue, page = console.get("/console/behaviour"), console.get(f"/console/behaviour/{hazard.ref}")
    rejected = console.post(f"/console/behaviour/{hazard.ref}/reject", data={"csrf_token": token, "reason": "不属实"})
    decision = session.exec(select(BehaviourDecision).where(BehaviourDecision.hazard_id == hazard.id)).first()
    if role in DECIDERS:
        assert queue.status_code == 200 and f'data-report="{hazard.ref}"' in queue.text
        assert page.status_code == 200 and 'id="form-violation"' in page.text and 'id="form-reject"' in page.text
        assert rejected.status_code == 303 and decision.outcome == Outcome.rejected and decision.reason == "不属实"
        assert 'id="nav-behaviour"' in queue.text
    else:
        assert queue.status_code in (403, 303) and page.status_code in (403, 303)
        assert rejected.status_code in (403, 303) and decision is None
        assert hazard.description not in queue.text + page.text


def test_a_report_becomes_a_violation_of_the_worker_identified(console: TestClient, session: Session, signed_in,
                                                               console_settings) -> None:
    hazard, _ = make_behaviour_report(session)
    worker = make_person(session, name="王班长")
    session.commit()
    supervisor, token = signed_in(Role.supervisor)
    page = console.get(f"/console/behaviour/{hazard.ref}").text
    assert hazard.description in page and "王班长" in page and "3号联络巷" in page
    answer = console.post(f"/console/behaviour/{hazard.ref}/violation", data={
        "csrf_token": token, "employee_no": worker.employee_no, "kind": "illegal_command", "severity": "serious",
        "occurred_at": _local(-2, console_settings), "description": "班长安排在未支护顶板下作业，经核实属实"})
    assert answer.status_code == 303 and answer.headers["location"] == f"/console/behaviour?decided={hazard.ref}"
    violation = session.exec(select(Violation).where(Violation.person_id == worker.id)).one()
    assert violation.kind == ViolationKind.illegal_command and violation.severity == ViolationSeverity.serious
    assert violation.hazard_id is None and violation.recorded_by_id == supervisor.id
    assert violation.location_id == hazard.location_id
    queue = console.get(answer.headers["location"]).text
    assert 'id="decided"' in queue and f'data-report="{hazard.ref}"' not in queue  # no longer waiting
    assert f'data-report="{hazard.ref}"' in console.get("/console/behaviour?outcome=violation").text
    decided = console.get(f"/console/behaviour/{hazard.ref}").text
    assert 'id="form-violation"' not in decided and f"#violation-{violation.id}" in decided
    again = console.post(f"/console/behaviour/{hazard.ref}/reject", data={"csrf_token": token, "reason": "x"})
    assert again.status_code == 422 and 'id="err-ref"' not in again.text  # the forms are gone: the outcome shows
    assert session.exec(select(BehaviourDecision).where(BehaviourDecision.hazard_id == hazard.id)).one().outcome \
        == Outcome.violation


def test_every_error_of_a_decision_is_named_at_once(console: TestClient, session: Session, signed_in,
                                                    console_settings) -> None:
    hazard, _ = make_behaviour_report(session)
    item = ViolationItem(kind=ViolationKind.labour_discipline, title=f"班中睡岗 {uuid.uuid4().hex[:6]}",
                         severity=ViolationSeverity.serious)
    session.add(item)
    session.commit()
    _, token = signed_in(Role.officer)
    url = f"/console/behaviour/{hazard.ref}/violation"
    answer = console.post(url, data={"csrf_token": token, "employee_no": "NOBODY", "kind": "",
                                     "occurred_at": _local(5, console_settings), "description": "x" * 2001})
    assert answer.status_code == 422
    assert all(f'id="err-{f}"' in answer.text for f in ("employee_no", "kind", "occurred_at", "description"))
    assert "没有这个工号的职工" in answer.text and "不能晚于现在" in answer.text
    answer = console.post(url, data={"csrf_token": token, "employee_no": "NOBODY", "kind": "illegal_command",
                                     "item_id": str(item.id), "severity": "dreadful"})
    assert answer.status_code == 422
    assert all(f'id="err-{f}"' in answer.text for f in ("employee_no", "item_id", "severity"))
    assert 'value="NOBODY"' in answer.text  # what was typed stays
    refused = console.post(f"/console/behaviour/{hazard.ref}/reject", data={"csrf_token": token, "reason": " "})
    assert refused.status_code == 422 and 'id="err-reason"' in refused.text
    assert session.exec(select(BehaviourDecision).where(BehaviourDecision.hazard_id == hazard.id)).first() is None
    assert console.post(url, data={"employee_no": "1", "kind": "illegal_command"}).status_code == 403  # no CSRF
    assert console.get("/console/behaviour?outcome=lost").status_code == 422
    assert console.get("/console/behaviour/YH-1999-000001").status_code == 404


def test_the_person_reported_never_sees_who_reported_them(console: TestClient, session: Session,
                                                          console_settings) -> None:
    """A team leader reported for 违章指挥 who records violations himself: the queue, the report, the violation
    recorded against him and the hazard register never tell him who reported."""
    hazard, reporter = make_behaviour_report(session)
    leader = make_user(session, role=Role.supervisor, name="王班长")
    officer = make_user(session, role=Role.officer)
    session.commit()
    token = sign_in(console, officer)
    console.post(f"/console/behaviour/{hazard.ref}/violation", data={
        "csrf_token": token, "employee_no": session.get(Person, leader.person_id).employee_no,
        "kind": "illegal_command"})
    recorded = session.exec(select(Violation).where(Violation.person_id == leader.person_id)).one()
    token = sign_in(console, leader)
    pages = [console.get(path) for path in (
        "/console/behaviour?outcome=all", f"/console/behaviour/{hazard.ref}", "/console/violations",
        f"/console/hazards/{hazard.ref}", "/console/violations/new")]
    assert pages[0].status_code == pages[1].status_code == 200 and hazard.description in pages[1].text
    for page in pages:
        assert page.status_code in (200, 403, 404), page.url
        for secret in (REPORTER, reporter.employee_no, hazard.tracking_code):
            assert secret not in page.text, (page.url, secret)
    assert recorded.hazard_id is None
