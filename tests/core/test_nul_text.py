"""Text holding NUL (0x00) is never a 500: PostgreSQL cannot store NUL, so it is stored there as U+FFFD."""

from fastapi.testclient import TestClient
from sqlmodel import Session

from safety_service.config import Settings
from safety_service.people.models import Role
from tests.locations.builders import make_location
from tests.people.builders import auth, make_user


def test_a_finding_and_a_sign_in_with_nul_in_their_text(client: TestClient, session: Session,
                                                       settings: Settings) -> None:
    headers = auth(make_user(session, role=Role.officer), settings)
    found = client.post("/api/v1/hazards", headers=headers,
                        json={"location_code": make_location(session).code, "description": "皮带\u0000跑偏"})
    assert found.status_code == 201, found.text
    stored = "皮带\u0000跑偏" if settings.is_sqlite else "皮带\ufffd跑偏"
    assert client.get(f"/api/v1/hazards/{found.json()['ref']}", headers=headers).json()["description"] == stored
    signed_in = client.post("/api/v1/auth/token", data={"username": "officer\u0000", "password": "x"})
    assert signed_in.status_code == 401
