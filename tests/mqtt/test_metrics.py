"""The MQTT intake's figures on ``GET /metrics``: the app's own intake against a real Mosquitto, scraped as
Prometheus does: kiosk reports by outcome, the intake's lag and batch sizes, its connection, the outbox
draining, dead letters and kiosks online."""

import json
import uuid
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from safety_service.config import Settings
from safety_service.database import session_scope
from safety_service.main import create_app
from tests.conftest import make_settings
from tests.kiosks.builders import make_kiosk
from tests.mqtt import clients
from tests.mqtt.mosquitto import Mosquitto
from tests.scrape import TOKEN, Samples, scrape, value


@pytest.fixture(scope="module")
def mosquitto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Mosquitto]:
    broker = Mosquitto(tmp_path_factory.mktemp("mosquitto")).start()
    yield broker
    broker.stop()


def _report(report_id: str) -> str:
    return json.dumps({"schema": "kiosk-report/1", "report_id": report_id, "created_at": "2026-11-24T08:00:00+08:00",
                       "description": "主井井口信号灯不亮"}, ensure_ascii=False)


def test_the_apps_intake_shows_its_reports_lag_batches_and_outbox(engine: Engine, settings: Settings,
                                                                   mosquitto: Mosquitto) -> None:
    site = f"site{uuid.uuid4().hex[:8]}"
    with session_scope(engine) as session:
        kiosk_id = make_kiosk(session, site=site)[0].kiosk_id
    served = make_settings(settings.database_url, site=site, mqtt_url=mosquitto.url(), mqtt_enabled=True,
                           mqtt_client_id=f"safety-metrics-{site}", metrics_token=TOKEN)
    with TestClient(create_app(served, engine, run_scheduler=False)) as client:
        assert client.app.state.mqtt.connected.wait(10)
        assert clients.wait_until(lambda: value(scrape(client), "safety_mqtt_subscribed") == 1)
        before = scrape(client)
        kiosk = clients.TestClient(mosquitto.url(), client_id=kiosk_id)
        try:
            assert kiosk.ready()
            ack_topic = f"safety/{site}/kiosk/{kiosk_id}/ack"
            kiosk.subscribe(ack_topic)
            topic = f"safety/{site}/kiosk/{kiosk_id}"
            kiosk.publish(f"{topic}/status", json.dumps({"schema": "kiosk-status/1", "state": "online"}))
            repeated = str(uuid.uuid4())
            for payload in (_report(repeated), _report(repeated), "{not json"):
                kiosk.publish(f"{topic}/report", payload)
            assert clients.wait_until(lambda: len(kiosk.on(ack_topic)) == 3)
        finally:
            kiosk.close()
        assert clients.wait_until(lambda: value(scrape(client), "safety_mqtt_outbox_pending", kind="ack")
                                  == value(before, "safety_mqtt_outbox_pending", kind="ack"))
        after = scrape(client)
    _check(before, after)


def _check(before: Samples, after: Samples) -> None:
    def moved(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert [moved("safety_reports_total", channel="kiosk", outcome=o) for o in ("created", "duplicate", "refused")] \
        == [1, 1, 1]
    assert moved("safety_mqtt_intake_lag_seconds_count") == 4  # the status message, two reports, the bad one
    assert moved("safety_batch_size_sum", writer="mqtt") == 4 and moved("safety_batch_size_count", writer="mqtt") >= 1
    assert moved("safety_mqtt_messages_applied_total") == 4
    assert moved("safety_kiosks", status="online") == 1 and moved("safety_mqtt_dead_letters") == 1
    assert value(after, "safety_mqtt_connected") == 1 and value(after, "safety_mqtt_connects_total") >= 1
    assert 0 <= value(after, "safety_mqtt_last_applied_age_seconds") < 60
    assert value(after, "safety_batch_waiting", writer="mqtt") == 0
