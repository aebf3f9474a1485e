"""People by their names (and teams) in the console, their login names only where accounts are managed."""

import re

from fastapi.testclient import TestClient
from sqlmodel import Session

from safety_service.hazards.states import HazardState
from safety_service.people.models import Person, Role, User
from tests.console.conftest import sign_in
from tests.hazards.builders import make_hazard
from tests.people.builders import make_user


def _named(session: Session, user: User, name: str, team: str | None) -> User:
    person = session.get(Person, user.person_id)
    person.name, person.team = name, team
    session.add(person)
    session.flush()
    return user


def test_owners_officers_and_the_header_show_names_not_login_names(console: TestClient, session: Session) -> None:
    officer = _named(session, make_user(session, role=Role.officer, username="officer77"), "刘洋", "安全科")
    owner = _named(session, make_user(session, role=Role.owner, username="owner77"), "杨军", "综采一队")
    fixing = make_hazard(session, state=HazardState.rectifying, owner=owner, officer=officer)
    confirmed = make_hazard(session, state=HazardState.confirmed, officer=officer)
    session.commit()
    sign_in(console, officer)
    queue = console.get("/console/?queue=rectifying").text
    assert re.search(r'id="who"[^>]*>刘洋 · ', queue) and ">officer77" not in queue
    row = queue[queue.index(f'data-ref="{fixing.ref}"'):]
    assert 'class="owner">杨军</td>' in row[:row.index("</tr>")] and "owner77</td>" not in queue
    assert '<option value="owner77" >杨军 · 综采一队</option>' in queue  # the filter sends the login name
    detail = console.get(f"/console/hazards/{fixing.ref}").text
    assert 'id="owner">杨军 · 综采一队</dd>' in detail
    history = detail[detail.index('id="history"'):]
    assert "刘洋" in history and "officer77" not in history and "owner77" not in history
    picker = console.get(f"/console/hazards/{confirmed.ref}").text
    assert '<option value="owner77" >杨军 · 综采一队</option>' in picker


def test_an_account_without_a_person_keeps_its_login_name(console: TestClient, session: Session) -> None:
    officer = make_user(session, role=Role.officer, username="night-desk", with_person=False)
    session.commit()
    sign_in(console, officer)
    assert re.search(r'id="who"[^>]*>night-desk · ', console.get("/console/").text)
