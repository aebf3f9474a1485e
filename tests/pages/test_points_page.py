"""``/points``: a worker sees only their own points, proved by their tracking codes, and claims an anonymous
report's points; Chinese first, rate-limited like the other public pages."""

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from safety_service.config import Settings
from safety_service.hazards.states import HazardState
from safety_service.rewards import service as rewards_service
from tests.conftest import client_with
from tests.hazards.builders import make_hazard
from tests.people.builders import make_person


def test_the_page_is_chinese_first_and_english_on_request(pages: TestClient) -> None:
    page = pages.get("/points")
    assert page.status_code == 200 and "我的举报积分" in page.text and 'name="tracking_codes"' in page.text
    assert "My report points" in pages.get("/points?lang=en").text


def test_a_worker_sees_their_balance_with_their_number_and_a_code_of_theirs(pages: TestClient, session: Session,
                                                                           settings: Settings) -> None:
    worker, other = make_person(session), make_person(session)
    mine = make_hazard(session, state=HazardState.confirmed, reporter_employee_no=worker.employee_no)
    theirs = make_hazard(session, state=HazardState.confirmed, reporter_employee_no=other.employee_no)
    page = pages.post("/points", data={"employee_no": worker.employee_no,
                                       "tracking_codes": f"WRONG1 {mine.tracking_code.lower()}"})
    assert page.status_code == 200
    assert f'id="balance">{settings.reward_general_points}<' in page.text and mine.ref in page.text
    assert theirs.ref not in page.text and other.employee_no not in page.text
    for employee_no, code in ((worker.employee_no, theirs.tracking_code), (other.employee_no, mine.tracking_code)):
        refused = pages.post("/points", data={"employee_no": employee_no, "tracking_codes": code})
        assert refused.status_code == 422 and 'id="err-tracking_codes"' in refused.text
        assert 'id="balance"' not in refused.text
    bare = pages.post("/points", data={"employee_no": worker.employee_no, "tracking_codes": ""})
    assert bare.status_code == 422 and 'id="balance"' not in bare.text and "至少一个" in bare.text


def test_an_anonymous_reporter_claims_their_points_with_the_tracking_code(pages: TestClient, session: Session,
                                                                         settings: Settings) -> None:
    worker = make_person(session)
    report = make_hazard(session, state=HazardState.confirmed)
    session.commit()  # a refused claim rolls back the request's work, not the test's
    shown = pages.post("/points", data={"tracking_codes": report.tracking_code})
    assert shown.status_code == 200 and report.ref in shown.text and 'action="/points/claim"' in shown.text
    unknown = pages.post("/points/claim", data={"tracking_code": report.tracking_code, "employee_no": "NOBODY"})
    assert unknown.status_code == 422 and 'id="err-employee_no"' in unknown.text
    claimed = pages.post("/points/claim", data={"tracking_code": report.tracking_code,
                                                "employee_no": worker.employee_no})
    assert claimed.status_code == 200 and 'id="claimed"' in claimed.text
    assert f'id="balance">{settings.reward_general_points}<' in claimed.text and "凭查询码和工号领取" in claimed.text
    again = pages.post("/points/claim", data={"tracking_code": report.tracking_code,
                                              "employee_no": make_person(session).employee_no})
    assert again.status_code == 409 and "不能领取" in again.text and 'id="balance"' not in again.text
    assert rewards_service.balance(session, employee_no=worker.employee_no) == settings.reward_general_points
    assert 'action="/points/claim"' not in pages.post("/points", data={"tracking_codes": report.tracking_code}).text
    missing = pages.post("/points/claim", data={"tracking_code": "NOSUCHCODE", "employee_no": worker.employee_no})
    assert missing.status_code == 422 and "没有找到" in missing.text


def test_the_tracking_page_leads_to_the_points_page_with_its_code(pages: TestClient, session: Session) -> None:
    report = make_hazard(session, state=HazardState.confirmed)
    page = pages.post("/t", data={"tracking_code": report.tracking_code})
    assert 'action="/points"' in page.text and f'name="tracking_codes" value="{report.tracking_code}"' in page.text
    assert 'action="/points"' not in pages.post("/t", data={"tracking_code": make_hazard(session).tracking_code}).text


def test_looking_up_is_rate_limited_per_client(settings: Settings, engine: Engine, session: Session) -> None:
    """One look-up a minute: the bucket cannot refill between the two however slow the machine (at the default
    twelve it refilled one every five seconds, and thirteen look-ups on a loaded machine took longer)."""
    with client_with(settings, engine, session, report_rate_per_minute=1) as client:
        answers = [client.post("/points", data={"tracking_codes": f"GUESS{n}"}).status_code for n in range(2)]
    assert answers == [422, 429]
