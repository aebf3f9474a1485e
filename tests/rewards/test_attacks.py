"""Rewards and awards called with another account's ids: another worker's tracking code or number, an award one
proposed oneself, another report's code at the pay desk, malformed ids. Each is refused (4xx naming the field),
changes nothing, and never answers 500."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from safety_service.config import Settings
from safety_service.hazards.states import HazardState
from safety_service.people.models import Role
from safety_service.rewards.models import RewardAward, RewardEntry
from tests.hazards.builders import make_hazard
from tests.people.builders import auth, make_person, make_user

API = "/api/v1/rewards"


def _proposed(client: TestClient, session: Session, settings: Settings, **hazard: object):
    found = make_hazard(session, state=HazardState.confirmed, **hazard)
    proposer = make_user(session, role=Role.chief)
    answer = client.post(f"{API}/hazards/{found.ref}/award", headers=auth(proposer, settings),
                         json={"report_type": "management"})
    assert answer.status_code == 201, answer.text
    return found, answer.json()["id"], proposer


def test_another_workers_tracking_code_proves_nothing(client: TestClient, session: Session,
                                                      settings: Settings) -> None:
    alice, bob = make_person(session, name="甲"), make_person(session, name="乙")
    hazard, award_id, _ = _proposed(client, session, settings, reporter_employee_no=alice.employee_no)
    code = hazard.tracking_code
    balance = client.post(f"{API}/balance", json={"employee_no": bob.employee_no, "tracking_codes": [code]})
    assert balance.status_code == 404 and balance.json()["field"] == "tracking_codes"
    consent = client.post(f"{API}/awards/consent", json={"tracking_code": code, "employee_no": bob.employee_no,
                                                         "shown_name": True})
    assert consent.status_code == 404 and consent.json()["field"] == "employee_no"
    assert session.get(RewardAward, award_id).shown_name is False
    claim = client.post(f"{API}/claim", json={"tracking_code": code, "employee_no": bob.employee_no})
    assert 400 <= claim.status_code < 500
    assert session.exec(select(RewardEntry).where(RewardEntry.employee_no == bob.employee_no)).all() == []
    bob_account = make_user(session, role=Role.miner)
    bob_account.person_id = bob.id
    session.add(bob_account)
    session.flush()
    mine = client.get(f"{API}/me", headers=auth(bob_account, settings))
    assert mine.status_code == 200 and hazard.ref not in mine.text and alice.employee_no not in mine.text


def test_no_one_decides_their_own_proposal_and_a_code_pays_only_its_own_report(client: TestClient, session: Session,
                                                                               settings: Settings) -> None:
    anonymous, award_id, proposer = _proposed(client, session, settings, reporter_employee_no=None)
    other = make_hazard(session, state=HazardState.confirmed)
    own = client.post(f"{API}/awards/{award_id}/decide", headers=auth(proposer, settings), json={"approved": True})
    assert own.status_code == 403 and session.get(RewardAward, award_id).state == "proposed"
    union = auth(make_user(session, role=Role.counsellor), settings)
    assert client.post(f"{API}/awards/{award_id}/decide", headers=union, json={"approved": True}).status_code == 200
    officer = auth(make_user(session, role=Role.officer), settings)
    for code in (other.tracking_code, "", "²²²²", "x" * 64):
        paid = client.post(f"{API}/awards/{award_id}/pay", headers=officer, json={"method": "cash",
                                                                                 "tracking_code": code})
        assert paid.status_code == 422 and "tracking_code" in paid.text, (code, paid.status_code)
    assert session.get(RewardAward, award_id).state == "approved"
    paid = client.post(f"{API}/awards/{award_id}/pay", headers=officer,
                       json={"method": "cash", "tracking_code": anonymous.tracking_code})
    assert paid.status_code == 200 and paid.json()["state"] == "paid"


@pytest.mark.parametrize("award", ["0", "²", "9" * 20, "-1", "abc"])
def test_a_malformed_award_id_is_refused_naming_it(client: TestClient, session: Session, settings: Settings,
                                                   award: str) -> None:
    headers = auth(make_user(session, role=Role.chief), settings)
    for action, body in (("decide", {"approved": True}), ("pay", {"method": "cash"})):
        answer = client.post(f"{API}/awards/{award}/{action}", headers=headers, json=body)
        assert answer.status_code == 422 and "award_id" in answer.text, (action, answer.status_code)


@pytest.mark.parametrize("code", ["²²²²²²", "", "x" * 500, "YH-2026-000001"])
def test_public_routes_refuse_odd_tracking_codes_without_a_500(client: TestClient, code: str) -> None:
    for path, body in (("/claim", {"tracking_code": code, "employee_no": "1001"}),
                       ("/balance", {"tracking_codes": [code], "employee_no": "1001"}),
                       ("/awards/consent", {"tracking_code": code, "employee_no": "1001", "shown_name": True})):
        answer = client.post(f"{API}{path}", json=body)
        assert 400 <= answer.status_code < 500, (path, answer.status_code)
