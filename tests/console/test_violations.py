"""Recording violations (三违) in the console, the list and a worker's history: never a word about cases."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from safety_service.clock import utc_now
from safety_service.counselling.models import CounsellingCase, Violation
from safety_service.counselling.states import CaseState
from safety_service.people.models import Person, Role
from tests.counselling.builders import make_case, make_violation
from tests.hazards.builders import make_hazard
from tests.locations.builders import make_location
from tests.people.builders import make_person


def _local(hours: float, settings) -> str:
    return (utc_now() + timedelta(hours=hours)).astimezone(ZoneInfo(settings.timezone)).strftime("%Y-%m-%dT%H:%M")


def _form(worker: Person, place: str, settings, **changes: str) -> dict[str, str]:
    return {"employee_no": worker.employee_no, "kind": "illegal_operation", "occurred_at": _local(-2, settings),
            "location_code": place, "description": "未按规定敲帮问顶", **changes}


def test_a_supervisor_records_a_violation_and_sees_only_their_own(console: TestClient, session: Session,
                                                                  signed_in, console_settings) -> None:
    worker = make_person(session, name="孙八", team="掘进二队")
    place = make_location(session)
    hazard = make_hazard(session)
    someone_elses = make_violation(session)
    supervisor, token = signed_in(Role.supervisor)
    home = console.get("/console/")
    assert home.status_code == 303 and home.headers["location"] == "/console/violations/new"
    form = console.get("/console/violations/new").text
    assert 'id="form-violation"' in form and place.code in form and 'id="nav-cases"' not in form
    assert 'id="record-violation"' not in console.get(f"/console/hazards/{hazard.ref}").text
    answer = console.post("/console/violations/new", data={
        "csrf_token": token, **_form(worker, place.code, console_settings, hazard_ref=hazard.ref)})
    assert answer.status_code == 303 and answer.headers["location"].startswith("/console/violations?recorded=")
    recorded = session.exec(select(Violation).where(Violation.person_id == worker.id)).one()
    assert recorded.recorded_by_id == supervisor.id and recorded.hazard_id == hazard.id
    page = console.get(answer.headers["location"]).text
    assert 'id="recorded"' in page and f'data-violation="{recorded.id}"' in page and hazard.ref in page
    assert f'data-violation="{someone_elses.id}"' not in page
    assert "帮教" not in page and "/console/cases" not in page  # a case was opened, and is not shown
    assert session.exec(select(CounsellingCase).where(CounsellingCase.person_id == worker.id)).one()
    assert console.get(f"/console/workers/{worker.employee_no}/violations").status_code == 403
    for path in ("/console/stats", "/console/ledger", "/console/cases"):
        assert console.get(path).status_code == 403, path


def test_bad_input_shows_the_form_again_and_writes_nothing(console: TestClient, session: Session, signed_in,
                                                           console_settings) -> None:
    worker = make_person(session)
    place = make_location(session)
    session.commit()
    _, token = signed_in(Role.officer)
    answer = console.post("/console/violations/new", data={"csrf_token": token, **_form(
        worker, place.code, console_settings, kind="", description="", occurred_at="yesterday")})
    assert answer.status_code == 422
    assert all(f'id="err-{f}"' in answer.text for f in ("kind", "description", "occurred_at"))
    for field, value, reason in (("employee_no", "NOBODY", "没有这个工号的职工"),
                                 ("hazard_ref", "YH-1999-000001", "没有这个隐患编号"),
                                 ("occurred_at", _local(5, console_settings), "不能晚于现在"),
                                 ("location_code", "NOWHERE", "没有这个代码")):
        answer = console.post("/console/violations/new", data={"csrf_token": token, **_form(
            worker, place.code, console_settings, **{field: value})})
        assert answer.status_code == 422 and f'id="err-{field}"' in answer.text and reason in answer.text, field
        assert "未按规定敲帮问顶" in answer.text  # what was typed stays
    assert session.exec(select(Violation)).all() == []
    answer = console.post("/console/violations/new", data=_form(worker, place.code, console_settings))
    assert answer.status_code == 403 and session.exec(select(Violation)).all() == []


def test_a_repeat_violation_from_the_console_sends_the_case_back(console: TestClient, session: Session, signed_in,
                                                                 console_settings) -> None:
    case = make_case(session, state=CaseState.observation)
    worker = session.get(Person, case.person_id)
    place = make_location(session, code="RW-2")
    _, token = signed_in(Role.chief)
    hazard = make_hazard(session)
    session.commit()
    link = f"/console/violations/new?hazard={hazard.ref}"
    assert link in console.get(f"/console/hazards/{hazard.ref}").text and hazard.ref in console.get(link).text
    answer = console.post("/console/violations/new", data={"csrf_token": token, **_form(
        worker, place.code, console_settings)})
    assert answer.status_code == 303
    session.expire_all()
    case = session.get(CounsellingCase, case.id)
    assert (case.state, case.level) == (CaseState.counselling, 2)


def test_a_workers_history_is_for_officers_the_chief_counsellors_and_admins(console: TestClient, session: Session,
                                                                          signed_in) -> None:
    case = make_case(session, state=CaseState.counselling)
    worker = session.get(Person, case.person_id)
    make_violation(session, person=worker)
    path = f"/console/workers/{worker.employee_no}/violations"
    for role in (Role.officer, Role.chief, Role.counsellor, Role.admin):
        signed_in(role)
        page = console.get(path)
        assert page.status_code == 200 and page.text.count("data-violation=") == 2, role
        assert worker.name in page.text and "李梅" not in page.text and f"/console/cases/{case.id}" not in page.text
    for role in (Role.owner, Role.supervisor, Role.miner):
        signed_in(role)
        assert console.get(path).status_code == 403, role
    signed_in(Role.officer)
    assert console.get("/console/workers/NOBODY/violations").status_code == 404


def test_the_list_filters_by_worker_and_kind(console: TestClient, session: Session, signed_in) -> None:
    first = make_violation(session)
    second = make_violation(session, person=make_person(session, name="周九"))
    signed_in(Role.officer)
    worker = session.get(Person, first.person_id)
    page = console.get(f"/console/violations?employee_no={worker.employee_no}").text
    assert f'data-violation="{first.id}"' in page and f'data-violation="{second.id}"' not in page
    assert console.get("/console/violations?kind=labour_discipline").text.count("data-violation=") == 0
    bad = console.get("/console/violations?kind=theft")
    assert bad.status_code == 422 and 'id="err-kind"' in bad.text


def test_an_item_brings_severity_and_measures_which_only_the_safety_office_marks_done(
        console: TestClient, session: Session, signed_in, console_settings) -> None:
    from safety_service.counselling.models import ViolationItem, ViolationMeasure

    worker, place = make_person(session, name="周九"), make_location(session)
    item = session.exec(select(ViolationItem).where(ViolationItem.title == "酒后入井或班中饮酒")).one()
    session.commit()
    _, token = signed_in(Role.supervisor)
    form = console.get("/console/violations/new").text
    assert f'value="{item.id}"' in form and "严重三违" in form
    wrong = console.post("/console/violations/new", data={"csrf_token": token, **_form(
        worker, place.code, console_settings, item_id=str(item.id))})  # an item of another kind
    assert wrong.status_code == 422 and 'id="err-item_id"' in wrong.text
    answer = console.post("/console/violations/new", data={"csrf_token": token, **_form(
        worker, place.code, console_settings, kind="labour_discipline", item_id=str(item.id))})
    assert answer.status_code == 303
    violation = session.exec(select(Violation).where(Violation.person_id == worker.id)).one()
    page = console.get("/console/violations").text
    assert "严重三违" in page and "学习班 5 天" in page and 'id="complete-' not in page
    measure = session.exec(select(ViolationMeasure).where(ViolationMeasure.violation_id == violation.id)).first()
    path = f"/console/violations/{violation.id}/measures/{measure.id}/complete"
    assert console.post(path, data={"csrf_token": token}).status_code == 403
    officer, token = signed_in(Role.officer)
    assert f'id="complete-{measure.id}"' in console.get("/console/violations?severity=serious").text
    assert console.post(path, data={"csrf_token": token}).status_code == 303
    session.refresh(measure)
    assert measure.completed_at is not None
    done = console.get("/console/violations?severity=serious").text  # who did it, by name, not login
    assert session.get(Person, officer.person_id).name in done and officer.username not in done
    assert 'id="err-severity"' in console.get("/console/violations?severity=worst").text
