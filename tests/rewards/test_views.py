"""The reward ledger API: officers see, export, reverse and pay; a worker sees only their own points."""

import csv
import io

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from safety_service.config import Settings
from safety_service.hazards.states import HazardState
from safety_service.people.models import Person, Role
from tests.conftest import client_with
from tests.hazards.builders import make_hazard
from tests.people.builders import auth, make_person, make_user


def _officer(session: Session, settings: Settings) -> dict[str, str]:
    return auth(make_user(session, role=Role.officer), settings)


def test_officers_see_and_export_the_ledger(client: TestClient, session: Session, settings: Settings) -> None:
    person = make_person(session, name="李强")
    hazard = make_hazard(session, state=HazardState.confirmed, reporter_employee_no=person.employee_no)
    headers = _officer(session, settings)
    page = client.get("/api/v1/rewards/ledger", headers=headers, params={"employee_no": person.employee_no}).json()
    assert page["count"] == 1 and page["data"][0]["hazard_ref"] == hazard.ref and page["data"][0]["kind"] == "award"
    exported = client.get("/api/v1/rewards/ledger.csv", headers=headers, params={"employee_no": person.employee_no})
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[0]["hazard_ref"] == hazard.ref and int(rows[0]["points"]) == settings.reward_general_points


def test_reversal_and_payout_through_the_api(client: TestClient, session: Session, settings: Settings) -> None:
    person = make_person(session)
    hazard = make_hazard(session, state=HazardState.confirmed, reporter_employee_no=person.employee_no)
    headers = _officer(session, settings)
    too_much = client.post("/api/v1/rewards/payouts", headers=headers,
                           json={"employee_no": person.employee_no, "points": 999, "reason": "现金"})
    assert too_much.status_code == 422 and too_much.json()["detail"][0]["loc"] == ["body", "points"]
    paid = client.post("/api/v1/rewards/payouts", headers=headers,
                       json={"employee_no": person.employee_no, "points": 3, "reason": "现金"})
    assert paid.status_code == 201 and paid.json()["points"] == -3
    missing_reason = client.post(f"/api/v1/rewards/hazards/{hazard.ref}/reverse", headers=headers, json={})
    assert missing_reason.status_code == 422
    reversed_ = client.post(f"/api/v1/rewards/hazards/{hazard.ref}/reverse", headers=headers, json={"reason": "不实"})
    assert reversed_.status_code == 201
    assert client.post(f"/api/v1/rewards/hazards/{hazard.ref}/reverse", headers=headers,
                       json={"reason": "不实"}).status_code == 409
    balance = client.get(f"/api/v1/rewards/balances/{person.employee_no}", headers=headers).json()
    assert balance["balance"] == -3 and [e["kind"] for e in balance["entries"]] == ["reversal", "payout", "award"]


def test_a_balance_needs_a_known_employee_number(client: TestClient, session: Session, settings: Settings) -> None:
    headers = auth(make_user(session, role=Role.officer), settings)
    nobody = client.get("/api/v1/rewards/balances/NO-SUCH-1", headers=headers)
    assert nobody.status_code == 404 and nobody.json()["field"] == "employee_no"
    person = session.get(Person, make_user(session, role=Role.miner).person_id)
    fresh = client.get(f"/api/v1/rewards/balances/{person.employee_no}", headers=headers)
    assert fresh.status_code == 200 and fresh.json()["balance"] == 0 and fresh.json()["entries"] == []


def test_a_miner_sees_only_their_own_points(client: TestClient, session: Session, settings: Settings) -> None:
    miner = make_user(session, role=Role.miner)
    employee_no = session.get(Person, miner.person_id).employee_no
    make_hazard(session, state=HazardState.confirmed, reporter_employee_no=employee_no)
    headers = auth(miner, settings)
    mine = client.get("/api/v1/rewards/me", headers=headers).json()
    assert mine["employee_no"] == employee_no and mine["balance"] == settings.reward_general_points
    for path in ("/api/v1/rewards/ledger", "/api/v1/rewards/ledger.csv", f"/api/v1/rewards/balances/{employee_no}"):
        assert client.get(path, headers=headers).status_code == 403
    assert client.post("/api/v1/rewards/payouts", headers=headers,
                       json={"employee_no": employee_no, "points": 1, "reason": "x"}).status_code == 403


def test_an_anonymous_reporter_claims_then_checks_the_balance(client: TestClient, session: Session,
                                                              settings: Settings) -> None:
    hazard, person = make_hazard(session, state=HazardState.confirmed), make_person(session)
    claimed = client.post("/api/v1/rewards/claim", json={"tracking_code": hazard.tracking_code.lower(),
                                                         "employee_no": person.employee_no})
    assert claimed.status_code == 200 and claimed.json()["balance"] == settings.reward_general_points
    again = client.post("/api/v1/rewards/claim", json={"tracking_code": hazard.tracking_code,
                                                       "employee_no": person.employee_no})
    assert again.status_code == 409 and again.json()["field"] == "tracking_code"
    seen = client.post("/api/v1/rewards/balance", json={"employee_no": person.employee_no,
                                                        "tracking_codes": ["WRONGCODE00", hazard.tracking_code]})
    assert seen.status_code == 200 and seen.json()["balance"] == settings.reward_general_points
    stranger = client.post("/api/v1/rewards/balance", json={"employee_no": "E999999",
                                                            "tracking_codes": [hazard.tracking_code]})
    assert stranger.status_code == 404 and stranger.json()["field"] == "tracking_codes"
    unknown = client.post("/api/v1/rewards/claim", json={"tracking_code": "NOPE2345", "employee_no": "1"})
    assert unknown.status_code == 404


def test_the_public_endpoints_are_rate_limited(settings: Settings, engine: Engine, session: Session) -> None:
    """One request a minute, so the bucket cannot refill between the two however slow the machine."""
    body = {"employee_no": "1", "tracking_codes": ["ABCDEFGH"]}
    with client_with(settings, engine, session, report_rate_per_minute=1) as client:
        answers = [client.post("/api/v1/rewards/balance", json=body).status_code for _ in range(2)]
    assert answers == [404, 429]


def test_the_tracking_page_shows_points_and_how_to_claim(pages: TestClient, session: Session) -> None:
    anonymous = make_hazard(session, state=HazardState.confirmed)
    page = pages.get(f"/t/{anonymous.tracking_code}").text
    assert 'id="claim"' in page and 'id="points"' not in page
    named = make_hazard(session, state=HazardState.confirmed, reporter_employee_no=make_person(session).employee_no)
    page = pages.get(f"/t/{named.tracking_code}").text
    assert 'id="points"' in page and 'id="claim"' not in page
