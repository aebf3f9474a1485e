"""Each role is offered only what it may do, on the page and in the API, and a refusal says why."""

from fastapi.testclient import TestClient
from sqlmodel import Session

from safety_service.config import Settings
from safety_service.hazards.states import Grade, HazardState
from safety_service.people.models import Role
from tests.console.conftest import sign_in
from tests.hazards.builders import make_hazard
from tests.people.builders import auth, make_user

MAJOR_NEEDS_CHIEF = "重大隐患须由安全副矿长验收销号。"


def test_an_officer_is_not_offered_closing_a_major_hazard(console: TestClient, session: Session, signed_in) -> None:
    major = make_hazard(session, state=HazardState.awaiting_verification, grade=Grade.major)
    session.commit()
    _, token = signed_in(Role.officer)
    page = console.get(f"/console/hazards/{major.ref}").text
    assert 'id="verify-pass"' not in page and 'id="verify-fail"' in page  # sending the fix back is the officer's
    assert MAJOR_NEEDS_CHIEF in page
    forced = console.post(f"/console/hazards/{major.ref}/verify", data={"csrf_token": token, "passed": "true",
                                                                        "note": "合格"})
    assert forced.status_code == 403 and MAJOR_NEEDS_CHIEF in forced.text
    english = console.post(f"/console/hazards/{major.ref}/verify", params={"lang": "en"},
                           data={"csrf_token": token, "passed": "true", "note": "ok"})
    assert "verified and closed by the mine safety chief" in english.text
    chief = make_user(session, role=Role.chief)
    session.commit()
    sign_in(console, chief)
    page = console.get(f"/console/hazards/{major.ref}").text
    assert 'id="verify-pass"' in page and MAJOR_NEEDS_CHIEF not in page


def test_a_general_hazard_is_closed_by_the_officer(console: TestClient, session: Session, signed_in) -> None:
    general = make_hazard(session, state=HazardState.awaiting_verification)
    session.commit()
    signed_in(Role.officer)
    page = console.get(f"/console/hazards/{general.ref}").text
    assert 'id="verify-pass"' in page and "class=\"muted refusal\"" not in page


def test_the_api_names_the_outcomes_allowed_and_why_one_is_refused(client: TestClient, session: Session,
                                                                    settings: Settings) -> None:
    major = make_hazard(session, state=HazardState.awaiting_verification, grade=Grade.major)
    officer, chief = make_user(session, role=Role.officer), make_user(session, role=Role.chief)
    session.commit()
    as_officer = client.get(f"/api/v1/hazards/{major.ref}", headers=auth(officer, settings)).json()
    assert as_officer["allowed_outcomes"]["verify"] == ["rectifying"]
    assert as_officer["refusals"] == {"verify:closed": "major_needs_chief",
                                      "regrade:awaiting_verification": "major_chief_only"}
    as_chief = client.get(f"/api/v1/hazards/{major.ref}", headers=auth(chief, settings)).json()
    assert as_chief["allowed_outcomes"]["verify"] == ["closed", "rectifying"] and as_chief["refusals"] == {}
    refused = client.post(f"/api/v1/hazards/{major.ref}/verify", headers=auth(officer, settings),
                          json={"passed": True, "note": "合格"})
    assert refused.status_code == 403 and "mine safety chief" in refused.text
