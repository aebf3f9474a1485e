"""/readyz reports the MQTT intake as it is: connected and subscribed, the age of the last message
applied and the dead letters waiting; a lost broker makes the process not ready."""

import json
import uuid
from pathlib import Path

from fastapi.testclient import TestClient as WebClient
from sqlalchemy.engine import Engine

from safety_service.config import Settings
from safety_service.database import session_scope
from safety_service.main import create_app
from safety_service.mqtt.client import MqttService
from tests.conftest import make_settings
from tests.kiosks.builders import make_kiosk
from tests.mqtt.clients import TestClient, wait_until
from tests.mqtt.mosquitto import Mosquitto


def test_readyz_follows_the_intake(engine: Engine, settings: Settings, tmp_path: Path) -> None:
    site = f"r{uuid.uuid4().hex[:8]}"
    with session_scope(engine) as session:
        kiosk_id = make_kiosk(session, site=site)[0].kiosk_id
    broker = Mosquitto(tmp_path).start()
    intake_settings = make_settings(settings.database_url, site=site, mqtt_url=broker.url(),
                                    mqtt_client_id=f"safety-ready-{site}")
    service = MqttService(intake_settings, engine, relay_interval=0.2)
    app = create_app(settings, engine, run_scheduler=False, run_mqtt=False)
    try:
        with WebClient(app) as web:
            app.state.mqtt, app.state.readiness.cache_seconds = service, 0
            assert web.get("/readyz").json()["mqtt"]["state"] == "disconnected"  # not started yet
            service.start()
            assert wait_until(lambda: web.get("/readyz").status_code == 200, timeout=30)  # bounds for a busy machine
            mqtt = web.get("/readyz").json()["mqtt"]
            assert mqtt["connected"] and mqtt["subscribed"] and mqtt["last_applied_age_seconds"] is None
            letters = mqtt["dead_letters"]
            kiosk = TestClient(broker.url(), client_id=kiosk_id)
            topic = f"safety/{site}/kiosk/{kiosk_id}/report"
            kiosk.publish(topic, json.dumps({"schema": "kiosk-report/1", "report_id": str(uuid.uuid4()),
                                             "created_at": "2026-11-24T08:00:00+08:00", "description": "漏水"}))
            kiosk.publish(topic, b"{not json")
            assert wait_until(lambda: web.get("/readyz").json()["mqtt"]["dead_letters"] >= letters + 1, timeout=30)
            assert wait_until(lambda: web.get("/readyz").json()["mqtt"]["last_applied_age_seconds"] is not None)
            assert 0 <= web.get("/readyz").json()["mqtt"]["last_applied_age_seconds"] < 30
            kiosk.close()
            broker.stop()
            assert wait_until(lambda: web.get("/readyz").status_code == 503, timeout=30)
            assert web.get("/readyz").json()["mqtt"]["state"] == "disconnected"
            broker.start()
            assert wait_until(lambda: web.get("/readyz").status_code == 200, timeout=40)
    finally:
        service.stop()
        broker.stop()
