"""Kiosks over the API."""

from fastapi.testclient import TestClient
from sqlmodel import Session

from safety_service.clock import utc_now
from safety_service.config import Settings
from safety_service.kiosks.service import check_mosquitto_hash
from safety_service.mqtt import intake
from safety_service.people.models import Role
from tests.kiosks.builders import make_kiosk
from tests.locations.builders import make_location
from tests.people.builders import auth, make_user


def test_an_admin_registers_a_kiosk_and_gets_its_credentials_once(client: TestClient, session: Session,
                                                                  settings: Settings) -> None:
    location = make_location(session)
    admin = auth(make_user(session, role=Role.admin), settings)
    body = {"kiosk_id": "PH-MAIN-01", "location_code": location.code}
    created = client.post("/api/v1/kiosks", headers=admin, json=body)
    assert created.status_code == 201, created.text
    credentials = created.json()
    assert credentials["username"] == "PH-MAIN-01" and len(credentials["password"]) >= 20
    assert credentials["report_topic"] == f"safety/{settings.site}/kiosk/PH-MAIN-01/report"
    assert client.post("/api/v1/kiosks", headers=admin, json=body).status_code == 409
    listed = {k["kiosk_id"]: k for k in client.get("/api/v1/kiosks", headers=admin).json()["data"]}
    assert listed["PH-MAIN-01"]["status"] == "unknown" and listed["PH-MAIN-01"]["location"] == location.code
    assert "password" not in listed["PH-MAIN-01"]


def test_bad_kiosk_input_is_refused_with_the_field(client: TestClient, session: Session, settings: Settings) -> None:
    admin = auth(make_user(session, role=Role.admin), settings)
    bad_id = client.post("/api/v1/kiosks", headers=admin, json={"kiosk_id": "a/b#", "location_code": "X"})
    assert bad_id.status_code == 422 and bad_id.json()["detail"][0]["loc"] == ["body", "kiosk_id"]
    nowhere = client.post("/api/v1/kiosks", headers=admin, json={"kiosk_id": "k1", "location_code": "NOWHERE"})
    assert nowhere.status_code == 404 and nowhere.json()["field"] == "location_code"
    officer = auth(make_user(session, role=Role.officer), settings)
    assert client.post("/api/v1/kiosks", headers=officer, json={"kiosk_id": "k2", "location_code": "X"}).status_code == 403


def test_the_password_is_stored_only_as_a_mosquitto_hash(session: Session) -> None:
    kiosk, credentials = make_kiosk(session)
    assert kiosk.password_hash.startswith("$7$101$") and credentials.password not in kiosk.password_hash
    assert check_mosquitto_hash(credentials.password, kiosk.password_hash)
    assert not check_mosquitto_hash(credentials.password + "x", kiosk.password_hash)


def test_staff_see_dead_letters(client: TestClient, session: Session, settings: Settings) -> None:
    kiosk, _ = make_kiosk(session)
    item = intake.Incoming(topic=f"safety/tianchen/kiosk/{kiosk.kiosk_id}/report", payload=b"garbage",
                           received_at=utc_now())
    intake.apply_batch(session, [item], site="tianchen", timezone="Asia/Shanghai")
    letters = client.get("/api/v1/mqtt/dead-letters", headers=auth(make_user(session, role=Role.officer), settings))
    assert letters.status_code == 200
    assert letters.json()[0]["reason"].startswith("invalid_json") and letters.json()[0]["payload"] == "garbage"
    miner = auth(make_user(session, role=Role.miner), settings)
    assert client.get("/api/v1/mqtt/dead-letters", headers=miner).status_code == 403
