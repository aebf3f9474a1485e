"""The tracking page tells a reporter what became of the report, and nothing about staff or others."""

from fastapi.testclient import TestClient
from sqlmodel import Session

from safety_service.hazards.states import Grade, HazardState
from tests.hazards.builders import make_hazard
from tests.people.builders import make_user


def test_a_closed_report_shows_its_state_dates_and_closing_note_without_staff(pages: TestClient,
                                                                              session: Session) -> None:
    owner = make_user(session, username="owner-zhao")
    hazard = make_hazard(session, state=HazardState.closed, owner=owner)
    page = pages.get(f"/t/{hazard.tracking_code.lower()}")
    assert page.status_code == 200
    assert "已整改并验收销号" in page.text and "验收合格" in page.text and hazard.ref in page.text
    assert "举报时间" in page.text and "结束时间" in page.text
    assert "owner-zhao" not in page.text and "officer" not in page.text and "补打锚杆" not in page.text


def test_states_read_in_plain_words_in_both_languages(pages: TestClient, session: Session) -> None:
    rectifying = make_hazard(session, state=HazardState.rectifying, grade=Grade.major)
    page = pages.get(f"/t/{rectifying.tracking_code}", headers={"Accept-Language": "en"})
    assert "Being fixed" in page.text and "To be fixed by" in page.text and "major hazard" in page.text
    rejected = make_hazard(session, state=HazardState.rejected)
    page = pages.get(f"/t/{rejected.tracking_code}")
    assert "经核实未予立案" in page.text and "不属实" in page.text


def test_an_unknown_code_says_so(pages: TestClient) -> None:
    page = pages.get("/t/NOSUCHCODE12")
    assert page.status_code == 404 and "没有找到" in page.text
