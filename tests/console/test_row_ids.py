"""A row id no row can have is a 4xx page in the console, never a 500 (see tests/core/test_row_ids.py)."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from safety_service.people.models import Role
from tests.console.conftest import sign_in
from tests.hazards.builders import make_hazard
from tests.people.builders import make_user

TOO_BIG = str(2**63)


@pytest.mark.parametrize("path", ["/console/bulletins/{id}", "/console/bulletins/{id}/picture",
                                  "/console/hazards/{ref}/photos/{id}", "/console/hazards/{ref}/photos/{id}/thumbnail"])
def test_the_console_refuses_an_impossible_id_in_the_path(console: TestClient, session: Session, path: str) -> None:
    officer = make_user(session, role=Role.officer)
    ref = make_hazard(session).ref
    session.commit()
    sign_in(console, officer)
    answer = console.get(path.format(id=TOO_BIG, ref=ref))
    assert 400 <= answer.status_code < 500, answer.text


def test_the_console_refuses_an_impossible_supervisor_to_end(console: TestClient, session: Session) -> None:
    officer = make_user(session, role=Role.officer)
    session.commit()
    token = sign_in(console, officer)
    answer = console.post(f"/console/supervisors/{TOO_BIG}/end", data={"csrf_token": token, "term_to": "2026-11-30"})
    assert 400 <= answer.status_code < 500, answer.text
