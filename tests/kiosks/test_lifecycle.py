"""An administrator disables, enables, rotates and removes kiosks over the API; a removed kiosk's reports keep it."""

from pathlib import Path

from fastapi.testclient import TestClient
from sqlmodel import Session

from safety_service.config import Settings
from safety_service.hazards import intake as hazards_intake
from safety_service.hazards.schemas import HazardReport
from safety_service.hazards.states import Channel
from safety_service.kiosks.service import check_mosquitto_hash
from safety_service.main import create_app
from safety_service.people.models import Role
from tests.conftest import use_session
from tests.kiosks.builders import make_kiosk
from tests.locations.builders import make_location
from tests.people.builders import auth, make_user


def _states(client: TestClient, headers: dict[str, str]) -> dict[str, str]:
    return {k["kiosk_id"]: k["state"] for k in client.get("/api/v1/kiosks", headers=headers).json()["data"]}


def test_an_admin_disables_and_enables_a_kiosk(client: TestClient, session: Session, settings: Settings) -> None:
    kiosk, credentials = make_kiosk(session)
    admin = auth(make_user(session, role=Role.admin), settings)
    disabled = client.post(f"/api/v1/kiosks/{kiosk.kiosk_id}/disable", headers=admin)
    assert disabled.status_code == 200, disabled.text
    assert disabled.json()["kiosk"]["state"] == "disabled" and not disabled.json()["kiosk"]["active"]
    assert _states(client, admin)[kiosk.kiosk_id] == "disabled"
    enabled = client.post(f"/api/v1/kiosks/{kiosk.kiosk_id}/enable", headers=admin)
    assert enabled.json()["kiosk"]["state"] == "active"
    assert check_mosquitto_hash(credentials.password, kiosk.password_hash)  # enabling keeps the password


def test_rotating_gives_a_new_password_once_and_the_old_one_stops_matching(client: TestClient, session: Session,
                                                                          settings: Settings) -> None:
    kiosk, old = make_kiosk(session)
    admin = auth(make_user(session, role=Role.admin), settings)
    rotated = client.post(f"/api/v1/kiosks/{kiosk.kiosk_id}/rotate", headers=admin)
    assert rotated.status_code == 200, rotated.text
    new = rotated.json()["credentials"]
    assert new["username"] == kiosk.kiosk_id and new["password"] != old.password
    assert check_mosquitto_hash(new["password"], kiosk.password_hash)
    assert not check_mosquitto_hash(old.password, kiosk.password_hash)
    assert "password" not in str(_states(client, admin))


def test_a_removed_kiosk_keeps_its_reports_and_its_id(client: TestClient, session: Session,
                                                      settings: Settings) -> None:
    location = make_location(session)
    kiosk, credentials = make_kiosk(session, location=location, site=settings.site)
    report = HazardReport(location_code=location.code, description="井口信号灯不亮", source=Channel.kiosk,
                          kiosk=kiosk.kiosk_id)
    hazard, _ = hazards_intake.report_hazard(session, data=report)
    admin = auth(make_user(session, role=Role.admin), settings)
    removed = client.post(f"/api/v1/kiosks/{kiosk.kiosk_id}/remove", headers=admin)
    assert removed.status_code == 200, removed.text
    assert removed.json()["kiosk"]["state"] == "removed" and removed.json()["kiosk"]["removed_at"]
    session.refresh(hazard)
    assert hazard.kiosk_id == kiosk.id  # the history still says which kiosk it came through
    assert not check_mosquitto_hash(credentials.password, kiosk.password_hash)
    for action in ("enable", "disable", "rotate", "remove"):
        refused = client.post(f"/api/v1/kiosks/{kiosk.kiosk_id}/{action}", headers=admin)
        assert refused.status_code == 409 and refused.json()["field"] == "kiosk_id", (action, refused.text)
    again = client.post("/api/v1/kiosks", headers=admin, json={"kiosk_id": kiosk.kiosk_id,
                                                               "location_code": location.code})
    assert again.status_code == 409 and "removed" in again.json()["detail"]


def test_only_admins_change_kiosks_and_bad_ids_are_named(client: TestClient, session: Session,
                                                         settings: Settings) -> None:
    kiosk, _ = make_kiosk(session)
    officer = auth(make_user(session, role=Role.officer), settings)
    assert client.post(f"/api/v1/kiosks/{kiosk.kiosk_id}/disable", headers=officer).status_code == 403
    assert client.post(f"/api/v1/kiosks/{kiosk.kiosk_id}/disable").status_code == 401
    admin = auth(make_user(session, role=Role.admin), settings)
    unknown = client.post("/api/v1/kiosks/no-such-kiosk/disable", headers=admin)
    assert unknown.status_code == 404 and unknown.json()["field"] == "kiosk_id"
    bad = client.post("/api/v1/kiosks/bad%20id!/rotate", headers=admin)
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["path", "kiosk_id"]
    assert _states(client, admin)[kiosk.kiosk_id] == "active"


def _configured_client(settings: Settings, engine, session: Session, password_file: Path,
                       acl_file: Path) -> tuple[TestClient, Settings]:
    configured = settings.model_copy(update={
        "mqtt_url": "mqtt://safety-service:service-pass@127.0.0.1:1883",
        "mqtt_password_file": str(password_file), "mqtt_acl_file": str(acl_file)})
    app = create_app(configured, engine, run_scheduler=False)
    use_session(app, session)
    return TestClient(app), configured


def test_a_change_rewrites_the_broker_files(settings: Settings, engine, session: Session, tmp_path: Path) -> None:
    client, configured = _configured_client(settings, engine, session, tmp_path / "passwords", tmp_path / "acl")
    (kept, _), (gone, _) = make_kiosk(session), make_kiosk(session)
    with client:
        answer = client.post(f"/api/v1/kiosks/{gone.kiosk_id}/disable",
                             headers=auth(make_user(session, role=Role.admin), configured))
    assert answer.json()["broker"]["files_written"] and not answer.json()["broker"]["reloaded"]
    assert "SAFETY_MQTT_BROKER_PID_FILE" in answer.json()["broker"]["detail"]
    users = [line.split(":")[0] for line in (tmp_path / "passwords").read_text().splitlines()]
    assert kept.kiosk_id in users and gone.kiosk_id not in users


def test_a_broker_file_that_cannot_be_written_is_reported_and_the_change_kept(settings: Settings, engine,
                                                                             session: Session, tmp_path: Path) -> None:
    (tmp_path / "passwords").mkdir()  # a directory where the password file should go
    client, configured = _configured_client(settings, engine, session, tmp_path / "passwords", tmp_path / "acl")
    kiosk, _ = make_kiosk(session)
    with client:
        answer = client.post(f"/api/v1/kiosks/{kiosk.kiosk_id}/disable",
                             headers=auth(make_user(session, role=Role.admin), configured))
    assert answer.status_code == 200, answer.text
    assert not answer.json()["broker"]["files_written"] and "not written" in answer.json()["broker"]["detail"]
    session.refresh(kiosk)
    assert kiosk.state == "disabled"
