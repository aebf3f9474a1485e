"""What a counsellor reads: the state chosen once, places by name, people by name, plain column titles."""

from fastapi.testclient import TestClient
from sqlmodel import Session

from safety_service.counselling.states import CaseState
from safety_service.people.models import Person, Role
from tests.console.conftest import sign_in
from tests.counselling.builders import make_case, make_violation
from tests.locations.builders import make_location
from tests.people.builders import make_user


def test_the_case_list_offers_the_state_once(console: TestClient, session: Session, signed_in) -> None:
    make_case(session, state=CaseState.planned)
    signed_in(Role.counsellor)
    page = console.get("/console/cases?state=planned").text
    assert page.count('id="tab-planned"') == 1 and 'id="f-state"' not in page
    assert '<input type="hidden" name="state" value="planned">' in page  # the other filters keep the tab


def test_violations_show_the_place_and_the_recorder_by_name(console: TestClient, session: Session) -> None:
    recorder = make_user(session, role=Role.supervisor, username="supervisor88")
    person = session.get(Person, recorder.person_id)
    person.name = "李强"
    place = make_location(session)
    make_violation(session, recorder=recorder, location=place)
    counsellor = make_user(session, role=Role.counsellor, username="counsellor88")
    session.commit()
    sign_in(console, counsellor)
    page = console.get("/console/violations").text
    table = page[page.index('id="violations"'):]
    assert f"<td>{place.name_zh}</td>" in table and f"<td>{place.code}</td>" not in table
    assert "<td>李强</td>" in table and "supervisor88" not in table
    assert "<th>关联隐患</th>" in table and "（可选）" not in table
    assert ">counsellor88" not in page


def test_the_case_timeline_names_the_counsellor(console: TestClient, session: Session) -> None:
    counsellor = make_user(session, role=Role.counsellor, username="counsellor89")
    person = session.get(Person, counsellor.person_id)
    person.name = "周敏"
    case = make_case(session, state=CaseState.counselling, counsellor=counsellor)
    session.commit()
    sign_in(console, counsellor)
    page = console.get(f"/console/cases/{case.id}").text
    assert "周敏" in page and "counsellor89" not in page
