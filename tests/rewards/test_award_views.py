"""The cash-award API: roles, the public list without references, the register as XLSX."""

import io
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import Session

from safety_service.clock import utc_now
from safety_service.config import Settings
from safety_service.hazards.states import HazardState
from safety_service.people.models import Role
from tests.hazards.builders import make_hazard
from tests.people.builders import auth, make_person, make_user

API = "/api/v1/rewards"


def _as(session: Session, settings: Settings, role: Role) -> dict[str, str]:
    return auth(make_user(session, role=role), settings)


def test_propose_decide_pay_through_the_api(client: TestClient, session: Session, settings: Settings) -> None:
    person = make_person(session, name="孙立")
    hazard = make_hazard(session, state=HazardState.confirmed, reporter_employee_no=person.employee_no)
    officer = _as(session, settings, Role.officer)
    assert client.post(f"{API}/hazards/{hazard.ref}/award", headers=_as(session, settings, Role.miner),
                       json={}).status_code == 403
    no_type = client.post(f"{API}/hazards/{hazard.ref}/award", headers=officer, json={})
    assert no_type.status_code == 422 and no_type.json()["detail"][0]["loc"] == ["body", "report_type"]
    proposed = client.post(f"{API}/hazards/{hazard.ref}/award", headers=officer, json={"report_type": "unsafe_act"})
    assert proposed.status_code == 201 and proposed.json()["amount"] == "200.00"
    award = proposed.json()["id"]
    assert client.post(f"{API}/hazards/{hazard.ref}/award", headers=officer,
                       json={"report_type": "unsafe_act"}).status_code == 409
    assert client.post(f"{API}/awards/{award}/decide", headers=officer, json={"approved": True}).status_code == 403
    union = _as(session, settings, Role.counsellor)
    refused = client.post(f"{API}/awards/{award}/decide", headers=union, json={"approved": False})
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"] == ["body", "reason"]
    approved = client.post(f"{API}/awards/{award}/decide", headers=union, json={"approved": True})
    assert approved.status_code == 200 and approved.json()["state"] == "approved"
    bad = client.post(f"{API}/awards/{award}/pay", headers=officer, json={"method": "cheque"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "method"]
    paid = client.post(f"{API}/awards/{award}/pay", headers=officer, json={"method": "cash", "note": "凭证0153"})
    body = paid.json()
    assert paid.status_code == 200 and body["state"] == "paid" and body["paid_to"] == person.employee_no
    assert body["paid_by"] and body["paid_at"] and body["reporter"] == "孙立"
    listed = client.get(f"{API}/awards", headers=union, params={"state": "paid"}).json()
    assert award in [a["id"] for a in listed["data"]]
    assert client.get(f"{API}/awards", headers=_as(session, settings, Role.supervisor)).status_code == 403


def test_the_public_list_has_no_reference_and_names_only_with_consent(client: TestClient, session: Session,
                                                                      settings: Settings) -> None:
    person = make_person(session, name="周明")
    hazard = make_hazard(session, state=HazardState.confirmed, reporter_employee_no=person.employee_no)
    officer, chief = _as(session, settings, Role.officer), _as(session, settings, Role.chief)
    award = client.post(f"{API}/hazards/{hazard.ref}/award", headers=officer, json={"report_type": "management"}).json()
    client.post(f"{API}/awards/{award['id']}/decide", headers=chief, json={"approved": True})
    board = client.get(f"{API}/board")
    assert board.status_code == 200
    assert hazard.ref not in board.text and hazard.tracking_code not in board.text and "周明" not in board.text
    wrong = client.post(f"{API}/awards/consent", json={"tracking_code": hazard.tracking_code, "employee_no": "X-1",
                                                      "shown_name": True})
    assert wrong.status_code == 404
    agreed = client.post(f"{API}/awards/consent", json={"tracking_code": hazard.tracking_code,
                                                       "employee_no": person.employee_no, "shown_name": True})
    assert agreed.status_code == 200 and agreed.json()["name"] == "周明"
    assert "周明" in client.get(f"{API}/board").text


def test_the_scale_is_public_and_only_admins_change_it(client: TestClient, session: Session,
                                                       settings: Settings) -> None:
    scale = client.get(f"{API}/scale").json()["data"]
    assert {"grade": "major", "report_type": "management", "amount": "3000.00"} in scale
    entry = {"grade": "general", "report_type": "environment", "amount": "150.00"}
    assert client.put(f"{API}/scale", headers=_as(session, settings, Role.chief), json=entry).status_code == 403
    negative = client.put(f"{API}/scale", headers=_as(session, settings, Role.admin), json={**entry, "amount": "-1"})
    assert negative.status_code == 422
    changed = client.put(f"{API}/scale", headers=_as(session, settings, Role.admin), json=entry)
    assert changed.status_code == 200 and changed.json()["amount"] == "150.00"


def test_the_register_is_an_xlsx_with_every_award(client: TestClient, session: Session, settings: Settings) -> None:
    hazard = make_hazard(session, state=HazardState.confirmed)  # anonymous
    officer = _as(session, settings, Role.officer)
    client.post(f"{API}/hazards/{hazard.ref}/award", headers=officer, json={"report_type": "unsafe_condition"})
    today = utc_now().date()
    params = {"start": str(today - timedelta(days=1)), "end": str(today + timedelta(days=1))}
    assert client.get(f"{API}/register.xlsx", headers=_as(session, settings, Role.miner),
                      params=params).status_code == 403
    answer = client.get(f"{API}/register.xlsx", headers=officer, params=params)
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(answer.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert "奖励台账" in rows[0][0] and rows[1][1] == "隐患编号"
    [line] = [r for r in rows[2:] if r[1] == hazard.ref]
    assert line[4] == "物的不安全状态" and line[6] == "匿名" and float(line[7]) == 100.0 and line[10] == "待审批"
    missing = client.get(f"{API}/register.xlsx", headers=officer, params={"start": "x"})
    assert missing.status_code == 422 and {e["loc"][-1] for e in missing.json()["detail"]} == {"start", "end"}


@pytest.mark.parametrize(("start", "end", "field"), [("0001-01-01", "2026-01-31", "start"),
                                                     ("2026-01-01", "9999-12-31", "end")])
def test_a_register_from_or_to_the_calendars_end_is_a_422_naming_the_day(
        client: TestClient, session: Session, settings: Settings, start: str, end: str, field: str) -> None:
    """0001-01-01 has no UTC start in the mine's time zone, 9999-12-31 no next day: both were 500s."""
    answer = client.get(f"{API}/register.xlsx", headers=_as(session, settings, Role.officer),
                        params={"start": start, "end": end})
    assert answer.status_code == 422 and answer.json()["detail"][0]["loc"] == ["query", field]
