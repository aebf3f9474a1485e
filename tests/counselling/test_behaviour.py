"""Workers' reports of unsafe behaviour (人的不安全行为, 安委〔2024〕7号): supervisors and officers turn them into
violations or reject them; the reporter is never shown to the person reported, nor to anyone reading the violation."""

import json
import uuid
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from safety_service.clock import utc_now
from safety_service.config import Settings
from safety_service.errors import InvalidInput
from safety_service.hazards import intake as hazards_intake
from safety_service.hazards.models import Hazard
from safety_service.hazards.schemas import HazardReport
from safety_service.hazards.states import Channel, ReportType
from safety_service.people.models import Person, Role
from tests.locations.builders import make_location
from tests.people.builders import auth, make_person, make_user

API = "/api/v1"
DECIDERS = (Role.supervisor, Role.officer, Role.chief, Role.admin)
REPORTER = "赵举报人"


def make_behaviour_report(session: Session, *, person_name: str | None = "王班长") -> tuple[Hazard, Person]:
    """A named worker's QR report that a team leader ordered work under an unsupported roof (违章指挥)."""
    reporter = make_person(session, name=REPORTER)
    report = HazardReport(location_code=make_location(session, name_zh="3号联络巷").code, source=Channel.qr,
                          description="班长安排在未支护顶板下作业", reporter_employee_no=reporter.employee_no,
                          reporter_name=REPORTER, behaviour_at=utc_now() - timedelta(hours=2),
                          behaviour_person=person_name, client_report_id=f"behaviour-{uuid.uuid4()}")
    hazard, _ = hazards_intake.report_hazard(session, data=report)
    return hazard, reporter


def test_a_behaviour_report_is_an_unsafe_act_with_when_and_who(session: Session) -> None:
    hazard, _ = make_behaviour_report(session)
    assert hazard.report_type == ReportType.unsafe_act and hazard.behaviour_person == "王班长"
    assert hazard.behaviour_at is not None and hazard.tracking_code


def test_behaviour_cannot_be_reported_before_it_happened(session: Session) -> None:
    report = HazardReport(location_code=make_location(session).code, source=Channel.qr, description="违章",
                          behaviour_at=utc_now() + timedelta(hours=3), client_report_id=f"b-{uuid.uuid4()}")
    with pytest.raises(InvalidInput) as refused:
        hazards_intake.report_hazard(session, data=report)
    assert refused.value.field == "behaviour_at"


@pytest.mark.parametrize("role", list(Role))
def test_who_lists_and_decides(client: TestClient, session: Session, settings: Settings, role: Role) -> None:
    hazard, _ = make_behaviour_report(session)
    headers = auth(make_user(session, role=role), settings)
    listed = client.get(f"{API}/behaviour-reports", headers=headers, params={"outcome": "pending"})
    rejected = client.post(f"{API}/behaviour-reports/{hazard.ref}/reject", headers=headers,
                           json={"reason": "现场核实无此行为"})
    if role in DECIDERS:
        assert listed.status_code == 200 and hazard.ref in [r["ref"] for r in listed.json()["data"]]
        assert rejected.status_code == 200 and rejected.json()["outcome"] == "rejected"
    else:
        assert listed.status_code == 403 and rejected.status_code == 403


def test_a_report_becomes_one_violation_and_only_once(client: TestClient, session: Session,
                                                      settings: Settings) -> None:
    hazard, _ = make_behaviour_report(session)
    worker = make_person(session, name="王班长")
    headers = auth(make_user(session, role=Role.supervisor), settings)
    missing = client.post(f"{API}/behaviour-reports/{hazard.ref}/violation", headers=headers, json={})
    assert missing.status_code == 422
    assert {e["loc"][-1] for e in missing.json()["detail"]} == {"employee_no", "kind"}
    recorded = client.post(f"{API}/behaviour-reports/{hazard.ref}/violation", headers=headers,
                           json={"employee_no": worker.employee_no, "kind": "illegal_command"})
    assert recorded.status_code == 201, recorded.text
    body = recorded.json()
    assert body["employee_no"] == worker.employee_no and body["kind"] == "illegal_command"
    assert body["description"] == hazard.description and body["hazard_ref"] is None
    again = client.post(f"{API}/behaviour-reports/{hazard.ref}/reject", headers=headers, json={"reason": "x"})
    assert again.status_code == 409
    decided = client.get(f"{API}/behaviour-reports", headers=headers, params={"outcome": "violation"}).json()
    assert [r["violation_id"] for r in decided["data"] if r["ref"] == hazard.ref] == [body["id"]]
    assert client.post(f"{API}/behaviour-reports/{hazard.ref}/reject", headers=headers,
                       json={}).status_code in (409, 422)


def test_an_ordinary_hazard_is_no_behaviour_report(client: TestClient, session: Session, settings: Settings) -> None:
    report = HazardReport(location_code=make_location(session).code, source=Channel.qr, description="顶板裂缝",
                          client_report_id=f"plain-{uuid.uuid4()}")
    hazard, _ = hazards_intake.report_hazard(session, data=report)
    headers = auth(make_user(session, role=Role.officer), settings)
    answer = client.post(f"{API}/behaviour-reports/{hazard.ref}/reject", headers=headers, json={"reason": "x"})
    assert answer.status_code == 404 and answer.json()["field"] == "ref"


def test_the_reporter_is_never_shown_with_the_violation(client: TestClient, session: Session,
                                                       settings: Settings) -> None:
    hazard, reporter = make_behaviour_report(session)
    worker = make_person(session, name="王班长")
    officer = make_user(session, role=Role.officer)
    recorded = client.post(f"{API}/behaviour-reports/{hazard.ref}/violation", headers=auth(officer, settings),
                           json={"employee_no": worker.employee_no, "kind": "illegal_command", "severity": "serious"})
    violation_id = recorded.json()["id"]
    secrets = (REPORTER, reporter.employee_no, hazard.tracking_code, hazard.ref)
    readers = [make_user(session, role=r) for r in (Role.officer, Role.chief, Role.counsellor, Role.admin)]
    answers = [client.get(f"{API}/violations/{violation_id}", headers=auth(u, settings)) for u in readers]
    answers += [client.get(f"{API}/workers/{worker.employee_no}/violations", headers=auth(u, settings))
                for u in readers]
    answers += [client.get(f"{API}/behaviour-reports", headers=auth(officer, settings))]
    for answer in answers:
        assert answer.status_code == 200
        text = json.dumps(answer.json(), ensure_ascii=False)
        assert all(secret not in text for secret in secrets[:3]), answer.url
    # The person reported, with their own miner account, reaches neither the report nor the reporter.
    reported = make_user(session, role=Role.miner)
    reported.person_id = worker.id
    session.add(reported)
    session.flush()
    mine = auth(reported, settings)
    for path in (f"/hazards/{hazard.ref}", "/behaviour-reports", f"/violations/{violation_id}",
                 f"/workers/{worker.employee_no}/violations", "/cases"):
        answer = client.get(f"{API}{path}", headers=mine)
        assert answer.status_code in (403, 404) and REPORTER not in answer.text, path
    points = client.get(f"{API}/rewards/me", headers=mine)
    assert REPORTER not in points.text and hazard.ref not in points.text
