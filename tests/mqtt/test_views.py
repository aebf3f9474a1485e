"""Kiosks over the API."""

import json
import uuid

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from safety_service.clock import utc_now
from safety_service.config import Settings
from safety_service.hazards.models import Hazard
from safety_service.kiosks.service import check_mosquitto_hash
from safety_service.mqtt import intake
from safety_service.mqtt.models import DeadLetter
from safety_service.outbox.models import OutboxMessage
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


def test_an_admin_replays_a_dead_letter_once_its_cause_is_fixed(client: TestClient, session: Session,
                                                                 settings: Settings) -> None:
    kiosk, _ = make_kiosk(session, site=settings.site)
    topic = f"safety/{settings.site}/kiosk/{kiosk.kiosk_id}/report"
    report = json.dumps({"schema": "kiosk-report/1", "report_id": str(uuid.uuid4()),
                         "created_at": "2026-11-24T08:00:00+08:00", "description": "副井罐笼信号失灵"})
    letters = [DeadLetter(topic=topic, payload=payload, reason="not_applied: ValueError: a bug since fixed",
                          kiosk_id=kiosk.kiosk_id) for payload in (report, report, "garbage")]
    session.add_all(letters)
    session.flush()
    admin = auth(make_user(session, role=Role.admin), settings)
    first = client.post(f"/api/v1/mqtt/dead-letters/{letters[0].id}/replay", headers=admin)
    assert first.status_code == 200 and first.json()["outcome"] == "accepted"
    hazard = session.exec(select(Hazard).where(Hazard.ref == first.json()["hazard_ref"])).one()
    assert hazard.kiosk_id == kiosk.id and session.get(DeadLetter, letters[0].id) is None
    ack = session.exec(select(OutboxMessage).where(OutboxMessage.topic == topic.replace("/report", "/ack"))).one()
    assert ack.published_at is None and first.json()["hazard_ref"] in ack.payload  # a running intake sends it
    again = client.post(f"/api/v1/mqtt/dead-letters/{letters[1].id}/replay", headers=admin)
    assert again.json() == {"outcome": "duplicate", "hazard_ref": hazard.ref}
    before = len(session.exec(select(DeadLetter)).all())
    refused = client.post(f"/api/v1/mqtt/dead-letters/{letters[2].id}/replay", headers=admin)
    assert refused.status_code == 409 and "invalid_json" in refused.json()["detail"]
    assert len(session.exec(select(DeadLetter)).all()) == before and session.get(DeadLetter, letters[2].id)
    officer = auth(make_user(session, role=Role.officer), settings)
    assert client.post(f"/api/v1/mqtt/dead-letters/{letters[2].id}/replay", headers=officer).status_code == 403
    assert client.post("/api/v1/mqtt/dead-letters/999999999/replay", headers=admin).status_code == 404
