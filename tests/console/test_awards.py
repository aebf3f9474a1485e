"""The report-reward page (安委〔2024〕7号): an officer proposes, the union decides, an officer pays; the register."""

import io

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import Session, select

from safety_service.hazards.states import HazardState
from safety_service.people.models import Person, Role, User
from safety_service.rewards import awards
from tests.console.conftest import sign_in
from tests.hazards.builders import make_hazard
from tests.people.builders import make_person, make_user


def test_propose_decide_and_pay_in_the_console(console: TestClient, session: Session, signed_in) -> None:
    person = make_person(session, name="钱进")
    hazard = make_hazard(session, state=HazardState.confirmed, reporter_employee_no=person.employee_no)
    session.commit()
    _, token = signed_in(Role.officer)
    page = console.get("/console/awards")
    assert page.status_code == 200 and "安委〔2024〕7号" in page.text and 'id="form-propose"' in page.text
    assert 'id="form-decide"' not in page.text and 'id="form-scale"' not in page.text
    wrong = console.post("/console/awards/propose", data={"csrf_token": token, "ref": hazard.ref, "amount": "-5"})
    assert wrong.status_code == 422 and 'id="err-amount"' in wrong.text
    no_type = console.post("/console/awards/propose", data={"csrf_token": token, "ref": hazard.ref})
    assert no_type.status_code == 422 and "请选择举报类型" in no_type.text
    done = console.post("/console/awards/propose", data={"csrf_token": token, "ref": hazard.ref.lower(),
                                                         "report_type": "unsafe_condition"})
    assert done.status_code == 303
    award = awards.award_of(session, hazard=hazard)
    assert award is not None and award.state == "proposed"
    union = make_user(session, role=Role.counsellor)
    session.commit()
    token = sign_in(console, union)
    refused = console.post("/console/awards/decide", data={"csrf_token": token, "award_id": award.id,
                                                           "approved": "false", "reason": ""})
    assert refused.status_code == 422 and "不予奖励必须写明理由" in refused.text
    approved = console.post("/console/awards/decide", data={"csrf_token": token, "award_id": award.id,
                                                            "approved": "true"})
    assert approved.status_code == 303
    assert console.post("/console/awards/pay", data={"csrf_token": token, "award_id": award.id,
                                                     "method": "cash"}).status_code == 403
    _, token = signed_in(Role.officer)
    paid = console.post("/console/awards/pay", data={"csrf_token": token, "award_id": award.id, "method": "transfer",
                                                     "note": "凭证 0153", "shown_name": "1"})
    assert paid.status_code == 303
    session.refresh(award)
    assert (award.state, award.pay_method, award.shown_name) == ("paid", "transfer", True)
    listed = console.get("/console/awards", params={"state": "paid"}).text
    assert hazard.ref in listed and "钱进" in listed and "银行转账" in listed
    payer = session.exec(select(User).where(User.id == award.paid_by_id)).one()
    payer_name = session.get(Person, payer.person_id).name
    assert payer_name in listed and payer.username not in listed  # people by name, never by login name
    register = console.get("/console/awards/register", params={"start": "2000-01-01", "end": "2100-01-01"})
    assert register.status_code == 200
    rows = [[c.value for c in r] for r in load_workbook(io.BytesIO(register.content)).active.iter_rows()]
    assert any(r[1] == hazard.ref and r[6] == "钱进" and r[14] == "银行转账" and r[15] == payer_name for r in rows)
    bad = console.get("/console/awards/register", params={"start": "x", "end": ""})
    assert bad.status_code == 422 and 'id="err-start"' in bad.text and 'id="err-end"' in bad.text


def test_an_award_number_past_any_id_is_no_award_not_a_server_error(console: TestClient, signed_in) -> None:
    """PostgreSQL refused the query with an integer past the id column's range (a 500): now the form says
    "choose an award", beside the field, as for any other number that names no award."""
    _, token = signed_in(Role.chief)  # who both decides and pays
    for action in ("decide", "pay"):
        for award_id in ("2147483648", "9" * 40, "²"):
            answer = console.post(f"/console/awards/{action}", data={"csrf_token": token, "award_id": award_id,
                                                                     "approved": "true", "method": "cash"})
            assert answer.status_code == 422 and 'id="err-award_id' in answer.text, (action, award_id)


def test_only_admins_edit_the_scale_and_miners_never_see_the_page(console: TestClient, session: Session,
                                                                 signed_in) -> None:
    _, token = signed_in(Role.chief)
    denied = console.post("/console/awards/scale", data={"csrf_token": token, "grade": "general",
                                                         "report_type": "environment", "amount": "120"})
    assert denied.status_code == 403
    _, token = signed_in(Role.admin)
    bad = console.post("/console/awards/scale", data={"csrf_token": token, "grade": "general",
                                                      "report_type": "environment", "amount": "abc"})
    assert bad.status_code == 422 and 'id="err-amount"' in bad.text
    done = console.post("/console/awards/scale", data={"csrf_token": token, "grade": "general",
                                                       "report_type": "environment", "amount": "120"})
    assert done.status_code == 303 and "¥120.00" in console.get("/console/awards").text
    signed_in(Role.supervisor)
    assert console.get("/console/awards").status_code == 403
