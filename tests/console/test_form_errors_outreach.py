"""The bulletin, roster, reward and counselling case forms name every error at once: a period that ends
before it begins, an unknown worker, area or report, a balance too small, a day ahead, a signer not of the
family, or what the case still lacks, beside the fields that failed their format."""

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from safety_service.bulletins.models import Bulletin
from safety_service.clock import utc_now
from safety_service.counselling.models import FamilyAgreement
from safety_service.counselling.states import CaseState
from safety_service.hazards.states import HazardState
from safety_service.people.models import Role
from safety_service.rewards.models import RewardEntry
from safety_service.supervisors.models import Supervisor
from tests.console.test_form_errors import _errors
from tests.counselling.builders import assign, make_case
from tests.hazards.builders import make_hazard
from tests.people.builders import make_person


def test_the_bulletin_form_names_a_reversed_period_and_an_unknown_area_with_a_blank_title(
        console: TestClient, session: Session, signed_in) -> None:
    _, token = signed_in(Role.officer)
    answer = console.post("/console/bulletins", data={
        "csrf_token": token, "title_zh": " ", "body_zh": "井口房严禁烟火，违者重罚。", "valid_from": "2030-02-01T08:00",
        "valid_to": "2030-01-01T08:00", "areas": ["NO-SUCH-AREA"]})
    assert answer.status_code == 422 and _errors(answer.text, "title_zh", "valid_to", "areas") == []
    assert "井口房严禁烟火，违者重罚。" in answer.text
    assert session.exec(select(Bulletin).where(Bulletin.body_zh == "井口房严禁烟火，违者重罚。")).first() is None


def test_the_roster_form_names_an_unknown_worker_and_area_with_a_reversed_term(console: TestClient, session: Session,
                                                                              signed_in) -> None:
    person = make_person(session)
    session.commit()
    _, token = signed_in(Role.chief)
    answer = console.post("/console/supervisors", data={
        "csrf_token": token, "employee_no": "NOBODY-1", "team": "综采一队", "area_code": "NOPE",
        "term_from": "2031-02-01", "term_to": "2031-01-01"})
    assert answer.status_code == 422 and _errors(answer.text, "employee_no", "area_code", "term_to") == []
    assert "没有这个工号" in answer.text and "任期结束不能早于任期开始" in answer.text
    assert console.post("/console/supervisors", data={"csrf_token": token, "employee_no": person.employee_no,
                                                      "term_from": "2031-01-01"}).status_code == 303
    overlap = console.post("/console/supervisors", data={"csrf_token": token, "employee_no": person.employee_no,
                                                         "term_from": "2031-03-01", "area_code": "NOPE"})
    assert overlap.status_code == 422 and _errors(overlap.text, "term_from", "area_code") == []
    assert len(session.exec(select(Supervisor).where(Supervisor.employee_no == person.employee_no)).all()) == 1


def test_the_reward_forms_name_every_error(console: TestClient, session: Session, console_settings,
                                          signed_in) -> None:
    person = make_person(session)
    make_hazard(session, state=HazardState.confirmed, reporter_employee_no=person.employee_no)
    session.commit()
    _, token = signed_in(Role.officer)
    answer = console.post("/console/rewards/reverse", data={"csrf_token": token, "ref": "YH-1999-000001",
                                                            "reason": " "})
    assert answer.status_code == 422 and _errors(answer.text, "ref", "reason") == []
    answer = console.post("/console/rewards/payout", data={"csrf_token": token, "employee_no": "NOBODY-2",
                                                           "points": "ten", "reason": ""})
    assert answer.status_code == 422 and _errors(answer.text, "employee_no", "points", "reason") == []
    too_much = str(console_settings.reward_general_points + 1)
    answer = console.post("/console/rewards/payout", data={"csrf_token": token, "employee_no": person.employee_no,
                                                           "points": too_much, "reason": ""})
    assert answer.status_code == 422 and _errors(answer.text, "points", "reason") == []
    assert f"现有 {console_settings.reward_general_points} 分" in answer.text
    payouts = select(RewardEntry).where(RewardEntry.employee_no == person.employee_no, RewardEntry.points < 0)
    assert session.exec(payouts).all() == []


def test_the_case_forms_name_what_the_case_lacks_with_the_field_errors(console: TestClient, session: Session,
                                                                       signed_in) -> None:
    case = make_case(session)
    counsellor, token = signed_in(Role.counsellor)
    assign(session, counsellor, case)
    session.commit()
    answer = console.post(f"/console/cases/{case.id}/plan", data={"csrf_token": token, "plan": " "})
    assert answer.status_code == 422 and _errors(answer.text, "plan", "form") == []
    assert "请先添加至少一位家属联系人" in answer.text


def test_the_session_and_agreement_forms_name_every_error(console: TestClient, session: Session, signed_in) -> None:
    case = make_case(session, state=CaseState.planned)
    other = make_case(session, person=make_person(session, name="赵六"), state=CaseState.planned)
    counsellor, token = signed_in(Role.counsellor)
    assign(session, counsellor, case)
    session.commit()
    base, ahead = f"/console/cases/{case.id}", (utc_now() + timedelta(days=3)).date().isoformat()
    answer = console.post(f"{base}/sessions", data={"csrf_token": token, "kind": "", "held_on": ahead,
                                                    "participants": "", "note": "家访"})
    assert answer.status_code == 422 and _errors(answer.text, "kind", "held_on", "participants") == []
    stranger = session.exec(select(FamilyAgreement).where(FamilyAgreement.case_id == other.id)).one()
    answer = console.post(f"{base}/agreement", data={"csrf_token": token, "signed_on": ahead,
                                                     "family_contact_id": str(stranger.family_contact_id)})
    assert answer.status_code == 422 and _errors(answer.text, "signed_on", "family_contact_id") == []
    assert "签字人必须是该职工的家属联系人" in answer.text
