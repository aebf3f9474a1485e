"""The counsellors' case pages: the list, the detail with its timeline, one form per step, the family side."""

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from safety_service.clock import utc_now
from safety_service.counselling.models import (
    CaseAccess,
    CaseEvent,
    CounsellingCase,
    CounsellorUnit,
    FamilyAgreement,
    FamilyContact,
)
from safety_service.counselling.states import CaseState
from safety_service.people.models import Person, Role
from tests.console.conftest import sign_in
from tests.counselling.builders import assign, make_case, make_violation
from tests.people.builders import make_person, make_user
from tests.photos.images import photo


def _case(session: Session, case_id: int) -> CounsellingCase:
    session.expire_all()
    return session.get(CounsellingCase, case_id)


def _events(session: Session, case_id: int) -> list[str]:
    query = select(CaseEvent.action).where(CaseEvent.case_id == case_id).order_by(col(CaseEvent.id))
    return list(session.exec(query).all())


def test_a_counsellor_lands_on_the_case_list(console: TestClient, session: Session, signed_in) -> None:
    case = make_case(session, state=CaseState.planned)
    counsellor, _ = signed_in(Role.counsellor)
    assign(session, counsellor, case)
    home = console.get("/console/")
    assert home.status_code == 303 and home.headers["location"] == "/console/cases"
    page = console.get("/console/cases").text
    worker = session.get(Person, case.person_id)
    assert f'data-case="{case.id}"' in page and worker.name in page and "已制定方案" in page
    assert 'id="nav-cases"' in page and 'id="nav-figures"' in page and "/console/stats" not in page
    reads = session.exec(select(CaseAccess).where(CaseAccess.case_id == case.id)).all()
    assert {(r.what, r.user_id) for r in reads} == {("list", counsellor.id)}  # at sign-in and now


def test_the_list_filters_by_state_level_and_worker_and_pages(console: TestClient, session: Session, signed_in,
                                                              console_settings) -> None:
    planned = make_case(session, state=CaseState.planned)
    opened = [make_case(session) for _ in range(console_settings.console_page_size)]
    assign(session, signed_in(Role.counsellor)[0], planned, *opened)
    page = console.get("/console/cases?state=planned").text
    assert f'data-case="{planned.id}"' in page and f'data-case="{opened[0].id}"' not in page
    worker = session.get(Person, opened[0].person_id)
    page = console.get(f"/console/cases?worker={worker.employee_no}").text
    assert page.count("data-case=") == 1 and f'data-case="{opened[0].id}"' in page
    assert console.get("/console/cases?level=2").text.count("data-case=") == 0
    first = console.get("/console/cases").text
    assert first.count("data-case=") == console_settings.console_page_size and 'id="next"' in first
    assert console.get("/console/cases?page=2").text.count("data-case=") == 1
    bad = console.get("/console/cases?level=x&state=nonsense")
    assert bad.status_code == 422 and 'id="err-level"' in bad.text and 'id="err-state"' in bad.text


def test_the_case_page_shows_the_family_sessions_agreement_timeline_and_history(
        console: TestClient, session: Session, signed_in) -> None:
    case = make_case(session, state=CaseState.counselling)
    worker = session.get(Person, case.person_id)
    make_violation(session, person=worker)  # joins the open case
    counsellor, _ = signed_in(Role.counsellor)
    assign(session, counsellor, case)
    page = console.get(f"/console/cases/{case.id}")
    assert page.status_code == 200
    text = page.text
    assert worker.name in text and "李梅" in text and "13800138000" in text and "每两周家访一次" in text
    assert 'id="agreement-signed-on"' in text and "家访" in text and "家访，谈心" in text
    assert text.count('class="this-case"') == 2 and f"/console/workers/{worker.employee_no}/violations" in text
    assert [f'id="form-{n}"' in text for n in ("plan", "begin", "observe", "close")] == [False, False, True, False]
    for event in ("立案", "制定帮教方案", "登记家庭帮教责任书", "开始帮教", "记录帮教活动", "新增违章记录"):
        assert event in text, event
    reads = session.exec(select(CaseAccess).where(CaseAccess.case_id == case.id, CaseAccess.what == "detail")).all()
    assert [r.user_id for r in reads] == [counsellor.id]
    assert "Timeline" in console.get(f"/console/cases/{case.id}?lang=en").text


def test_a_lead_counsellor_pairs_a_new_case_and_takes_it_to_observation(console: TestClient, session: Session,
                                                                         signed_in) -> None:
    case = make_case(session)
    lead, token = signed_in(Role.counsellor)
    base = f"/console/cases/{case.id}"
    assert console.get(base).status_code == 403  # a new case waits for its unit's lead or an admin
    worker = session.get(Person, case.person_id)
    session.add(CounsellorUnit(user_id=lead.id, team=worker.team))
    mentor = make_person(session, name="师傅老陈", team=worker.team)
    session.commit()
    assert 'id="form-pair"' in console.get(base).text
    steps = [
        ("pair", {"counsellor": lead.username, "mentor_employee_no": mentor.employee_no,
                  "mentor_role": "master_worker"}, None),
        ("referral", {"referred_on": utc_now().date().isoformat()}, None),
        ("contacts", {"relation": "parent", "name": "王大山", "phone": "13912345678", "worker_consent": "on"}, None),
        ("plan", {"plan": "每周谈心一次，家访一次"}, None),
    ]
    for name, data, files in steps:
        answer = console.post(f"{base}/{name}", data={"csrf_token": token, **data}, files=files)
        assert answer.status_code == 303, (name, answer.text)
    contact = session.exec(select(FamilyContact).where(FamilyContact.person_id == case.person_id)).one()
    today = utc_now().date().isoformat()
    for name, data, files in [
        ("agreement", {"signed_on": today, "family_contact_id": str(contact.id), "note": "父亲签字"}, None),
        ("scan", {}, {"scan": ("agreement.jpg", photo("JPEG", (1200, 900)), "image/jpeg")}),
        ("begin", {"note": ""}, None),
        ("sessions", {"kind": "family_meeting", "held_on": today, "participants": "王五，王大山\n帮教员",
                      "note": "家属座谈"}, None),
        ("observe", {"days": "20"}, None),
    ]:
        answer = console.post(f"{base}/{name}", data={"csrf_token": token, **data}, files=files)
        assert answer.status_code == 303, (name, answer.text)
    assert _case(session, case.id).state == CaseState.observation
    assert _events(session, case.id) == ["opened", "paired", "referred", "plan", "agreement_recorded", "agreement_scan_attached", "begin",
                                         "session_recorded", "observe"]
    page = console.get(base).text
    assert f"{base}/agreement/scan/thumbnail" in page and "王五、王大山、帮教员" in page
    assert "师傅老陈" in page and "师傅" in page and "已转介" in page
    assert _case(session, case.id).counsellor_id == lead.id and _case(session, case.id).mentor_role == "master_worker"
    thumbnail = console.get(f"{base}/agreement/scan/thumbnail")
    assert thumbnail.status_code == 200 and thumbnail.headers["content-type"] == "image/jpeg"
    reads = session.exec(select(CaseAccess.what).where(CaseAccess.case_id == case.id)).all()
    assert "scan_thumbnail" in reads


def test_closing_waits_for_the_observation_period_unless_an_admin_closes(
        console: TestClient, session: Session, signed_in) -> None:
    case = make_case(session, state=CaseState.observation)
    counsellor, token = signed_in(Role.counsellor)
    assign(session, counsellor, case)
    base = f"/console/cases/{case.id}"
    assert 'id="form-close"' not in console.get(base).text
    answer = console.post(f"{base}/close", data={"csrf_token": token, "review_note": "表现良好"})
    assert answer.status_code == 409 and "考察期到" in answer.text and 'id="err-form"' in answer.text
    assert _case(session, case.id).state == CaseState.observation
    _, token = signed_in(Role.admin)
    assert 'id="form-close"' in console.get(base).text
    answer = console.post(f"{base}/close", data={"csrf_token": token, "review_note": "调离本矿，提前结案"})
    assert answer.status_code == 303 and _case(session, case.id).state == CaseState.closed
    page = console.get(base).text
    assert "调离本矿，提前结案" in page and 'id="no-actions"' in page and 'id="form-sessions"' not in page


def test_bad_input_shows_the_form_again_with_each_reason(console: TestClient, session: Session,
                                                        signed_in) -> None:
    case = make_case(session)
    counsellor, token = signed_in(Role.counsellor)
    assign(session, counsellor, case)
    session.commit()
    base = f"/console/cases/{case.id}"
    answer = console.post(f"{base}/plan", data={"csrf_token": token, "plan": " "})
    assert answer.status_code == 422 and 'id="err-plan"' in answer.text
    answer = console.post(f"{base}/plan", data={"csrf_token": token, "plan": "谈心谈话"})
    assert answer.status_code == 422 and "请先添加至少一位家属联系人" in answer.text and "谈心谈话" in answer.text
    answer = console.post(f"{base}/contacts", data={"csrf_token": token, "relation": "cousin", "name": "",
                                                    "phone": "abc"})
    assert answer.status_code == 422
    assert all(f'id="err-{f}"' in answer.text for f in ("relation", "name", "phone"))
    assert _case(session, case.id).state == CaseState.opened and _events(session, case.id) == ["opened"]
    assert session.exec(select(FamilyContact).where(FamilyContact.person_id == case.person_id)).all() == []


def test_the_family_side_refuses_what_the_service_refuses(console: TestClient, session: Session,
                                                         signed_in) -> None:
    case = make_case(session, state=CaseState.planned)
    other = make_case(session, person=make_person(session, name="赵六"), state=CaseState.planned)
    counsellor, token = signed_in(Role.counsellor)
    assign(session, counsellor, case)
    session.commit()  # the refused forms roll their request back
    base = f"/console/cases/{case.id}"
    tomorrow = (utc_now() + timedelta(days=3)).date().isoformat()
    answer = console.post(f"{base}/sessions", data={"csrf_token": token, "kind": "talk", "held_on": tomorrow,
                                                    "participants": "王五", "note": "谈心"})
    assert answer.status_code == 422 and 'id="err-held_on"' in answer.text
    stranger = session.exec(select(FamilyContact).where(FamilyContact.person_id == other.person_id)).first()
    answer = console.post(f"{base}/agreement", data={"csrf_token": token, "signed_on": utc_now().date().isoformat(),
                                                     "family_contact_id": str(stranger.id)})
    assert answer.status_code == 422 and "签字人必须是该职工的家属联系人" in answer.text
    answer = console.post(f"{base}/scan", data={"csrf_token": token},
                          files={"scan": ("a.txt", b"not an image", "text/plain")})
    assert answer.status_code == 422 and 'id="err-scan"' in answer.text
    agreement = session.exec(select(FamilyAgreement).where(FamilyAgreement.case_id == case.id)).one()
    assert agreement.scan is None and _case(session, case.id).state == CaseState.planned


def test_a_step_the_state_no_longer_allows_is_a_clear_409(console: TestClient, session: Session,
                                                           signed_in) -> None:
    case = make_case(session, state=CaseState.counselling)
    counsellor, token = signed_in(Role.counsellor)
    assign(session, counsellor, case)
    session.commit()
    events = _events(session, case.id)
    answer = console.post(f"/console/cases/{case.id}/plan", data={"csrf_token": token, "plan": "再来一次"})
    assert answer.status_code == 409 and "状态已经变化" in answer.text and 'id="state"' in answer.text
    assert _events(session, case.id) == events
    assert console.post(f"/console/cases/{case.id}/explode", data={"csrf_token": token}).status_code == 404
    assert console.get("/console/cases/999999").status_code == 404
    assert console.get("/console/cases/abc").status_code == 404


def test_forms_without_the_csrf_token_are_refused(console: TestClient, session: Session, signed_in) -> None:
    case = make_case(session, state=CaseState.observation)
    session.commit()
    signed_in(Role.admin)
    answer = console.post(f"/console/cases/{case.id}/close", data={"review_note": "ok"})
    assert answer.status_code == 403 and _case(session, case.id).state == CaseState.observation


def test_the_figures_page_draws_violations_and_cases(console: TestClient, session: Session, signed_in) -> None:
    make_case(session, state=CaseState.closed)
    make_case(session, state=CaseState.observation, person=make_person(session, name="钱七", team="掘进二队"))
    signed_in(Role.counsellor)
    page = console.get("/console/counselling/figures")
    assert page.status_code == 200 and page.text.count("<svg") == 2
    assert "综采一队" in page.text and "掘进二队" in page.text and "违章作业" in page.text
    assert 'id="repeat-rate"' in page.text
    bad = console.get("/console/counselling/figures?months=99")
    assert bad.status_code == 422 and 'id="err-months"' in bad.text
    assert console.get("/console/counselling/figures?months=3&lang=en").status_code == 200


def test_an_admin_reaches_the_cases_from_the_nav(console: TestClient, session: Session) -> None:
    admin = make_user(session, role=Role.admin)
    session.commit()
    sign_in(console, admin)
    page = console.get("/console/").text
    assert 'id="nav-cases"' in page and 'id="nav-violations"' in page
