"""No client takes the intake's place, nor a kiosk another kiosk's: on the embedded broker a CONNECT
is checked before it touches a session; on Mosquitto (the project's config and the files the service
writes) a kiosk's client id is its username. And the intake rides out a lost connection."""

import json
import logging
import socket
import struct
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient as WebClient
from sqlalchemy.engine import Engine

from devices.kiosk.client import KioskClient, KioskConfig
from safety_service.config import Settings
from safety_service.database import session_scope
from safety_service.kiosks import service as kiosks_service
from safety_service.main import create_app
from safety_service.mqtt.client import MqttService
from tests.conftest import make_settings
from tests.kiosks.builders import make_kiosk
from tests.mqtt.clients import TestClient, wait_until
from tests.mqtt.mosquitto import Mosquitto, free_port

SERVICE_USER, SERVICE_PASSWORD = "safety-service", "service-password-for-takeover-tests"


def mqtt_field(value: str) -> bytes:
    return struct.pack(">H", len(value.encode())) + value.encode()


def refused_connect(port: int, client_id: str, username: str) -> bytes:
    """A bare MQTT 3.1.1 clean-session CONNECT with a wrong password; returns the broker's answer."""
    body = (b"\x00\x04MQTT\x04" + bytes([0x80 | 0x40 | 0x02]) + struct.pack(">H", 30) + mqtt_field(client_id)
            + mqtt_field(username) + mqtt_field("wrong-password"))
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(bytes([0x10, len(body)]) + body)
        try:
            return sock.recv(4)
        except OSError:
            return b""


def report(topic_kiosk: str, site: str) -> tuple[str, str]:
    payload = json.dumps({"schema": "kiosk-report/1", "report_id": str(uuid.uuid4()),
                          "created_at": "2026-11-24T08:00:00+08:00", "description": "主井井口信号灯不亮"})
    return f"safety/{site}/kiosk/{topic_kiosk}/report", payload


@pytest.fixture
def embedded(engine: Engine, settings: Settings, tmp_path: Path) -> Iterator[tuple]:
    """`serve`'s MQTT side (embedded broker and intake) for a new site with two kiosks."""
    site = f"t{uuid.uuid4().hex[:8]}"
    with session_scope(engine) as session:
        kiosks = [make_kiosk(session, site=site)[1] for _ in range(2)]
    app_settings = make_settings(settings.database_url, site=site, mqtt_enabled=True, mqtt_url="embedded",
                                 mqtt_embedded_port=free_port())
    app = create_app(app_settings, engine, run_scheduler=False)
    with WebClient(app):
        assert app.state.mqtt.connected.wait(10)
        yield app.state.mqtt, app_settings.mqtt_embedded_port, site, kiosks


def kiosk_client(port: int, site: str, credentials, outbox: Path) -> KioskClient:
    return KioskClient(KioskConfig(broker_url=f"mqtt://127.0.0.1:{port}", site=site, kiosk_id=credentials.kiosk_id,
                                   outbox_path=outbox, protocol="3.1.1", username=credentials.username,
                                   password=credentials.password, resend_interval=2))


def test_a_refused_connect_with_the_intakes_client_id_does_not_stop_the_intake(embedded, tmp_path: Path) -> None:
    intake, port, site, (credentials, _) = embedded
    for username in (SERVICE_USER, credentials.username, "nobody"):
        answer = refused_connect(port, intake.client_id, username)
        assert answer == b"\x20\x02\x00\x05", answer  # CONNACK: not authorised
    with kiosk_client(port, site, credentials, tmp_path / "kiosk.db") as client:
        report_id = client.report("一号井口罐笼信号异常", category="electromechanical")
        assert client.wait_all_acked(10), "the report was not acked: the intake stopped"
        [receipt] = client.receipts()
    assert receipt.key == report_id and receipt.outcome == "accepted"
    assert intake.state.connected and intake.state.subscribed


def test_a_kiosk_under_the_intakes_client_id_gets_its_own_on_the_embedded_broker(embedded) -> None:
    intake, port, site, (mine, other) = embedded
    thief = TestClient(f"mqtt://{mine.username}:{mine.password}@127.0.0.1:{port}", client_id=intake.client_id)
    assert thief.ready()
    victim = TestClient(f"mqtt://{other.username}:{other.password}@127.0.0.1:{port}", client_id=other.username)
    assert victim.ready()
    victim.subscribe(f"safety/{site}/kiosk/{other.username}/ack")
    victim.publish(*report(other.username, site))
    assert wait_until(lambda: victim.on(f"safety/{site}/kiosk/{other.username}/ack"), timeout=10)
    assert not thief.on(f"safety/{site}/kiosk/{other.username}/report"), "a kiosk read another kiosk's report"
    assert intake.state.disconnects == 0 and intake.state.connected
    thief.close()
    victim.close()


@dataclass
class Secured:
    broker: Mosquitto
    site: str
    kiosks: list
    intake: MqttService

    def kiosk(self, credentials, client_id: str) -> TestClient:
        client = TestClient(self.broker.url(credentials.username, credentials.password), client_id=client_id)
        assert client.ready(), client.refused
        return client


@pytest.fixture
def secured(engine: Engine, settings: Settings, tmp_path: Path) -> Iterator[Secured]:
    """Mosquitto with docker/mosquitto.conf and the files `mqtt write-config` writes, and the intake."""
    site = f"m{uuid.uuid4().hex[:8]}"
    with session_scope(engine) as session:
        kiosks = [make_kiosk(session, site=site)[1] for _ in range(2)]
        kiosks_service.write_broker_files(session, site=site, service_username=SERVICE_USER,
                                          service_password=SERVICE_PASSWORD, password_file=tmp_path / "passwords",
                                          acl_file=tmp_path / "acl")
    broker = Mosquitto(tmp_path, password_file=tmp_path / "passwords", acl_file=tmp_path / "acl").start()
    intake = MqttService(make_settings(settings.database_url, site=site, mqtt_url="x",
                                       mqtt_client_id=f"safety-intake-{site}"),
                         engine, url=broker.service_url(SERVICE_USER, SERVICE_PASSWORD), mqtt_v5=True)
    intake.start()
    try:
        assert intake.connected.wait(10) and wait_until(lambda: intake.state.subscribed)
        yield Secured(broker, site, kiosks, intake)
    finally:
        intake.stop()
        broker.stop()


def acked(client: TestClient, secured: Secured, credentials) -> bool:
    """A report from this kiosk's connection is acked to it."""
    ack_topic = f"safety/{secured.site}/kiosk/{credentials.username}/ack"
    client.subscribe(ack_topic)
    before = len(client.on(ack_topic))
    client.publish(*report(credentials.username, secured.site))
    return wait_until(lambda: len(client.on(ack_topic)) > before, timeout=10)


def test_a_kiosk_under_another_kiosks_client_id_leaves_that_kiosk_connected(secured: Secured) -> None:
    one, two = secured.kiosks
    first = secured.kiosk(one, client_id=one.username)
    second = secured.kiosk(two, client_id=one.username)  # Mosquitto makes it two.username
    time.sleep(1)
    assert not first.dropped.is_set(), "a kiosk knocked another off with its client id"
    assert acked(first, secured, one) and acked(second, secured, two)
    first.close()
    second.close()


def test_a_kiosk_under_the_intakes_client_id_leaves_the_intake_connected(secured: Secured, engine: Engine) -> None:
    # A second instance on the same service account keeps its own id too (the shared subscription needs both).
    second = MqttService(secured.intake.settings.model_copy(update={"mqtt_client_id": f"safety-second-{secured.site}"}),
                         engine, url=secured.broker.service_url(SERVICE_USER, SERVICE_PASSWORD), mqtt_v5=True)
    second.start()
    try:
        assert second.connected.wait(10)
        one, two = secured.kiosks
        thief = secured.kiosk(one, client_id=secured.intake.client_id)
        time.sleep(1)
        for instance in (secured.intake, second):
            assert instance.state.disconnects == 0 and instance.state.connected, instance.client_id
        assert acked(secured.kiosk(two, client_id=two.username), secured, two)
        thief.close()
    finally:
        second.stop()


def test_the_intake_taken_over_logs_the_reason_reconnects_and_goes_on(
        secured: Secured, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="safety_service.mqtt.client")
    # The service's own account under the intake's id: a second instance given the same SAFETY_MQTT_CLIENT_ID.
    twin = TestClient(secured.broker.service_url(SERVICE_USER, SERVICE_PASSWORD),
                      client_id=secured.intake.client_id, v5=True)
    assert twin.ready()
    twin.close()
    assert wait_until(lambda: secured.intake.state.disconnects == 1 and secured.intake.state.subscribed, timeout=15)
    reason = secured.intake.state.last_disconnect_reason  # what paho was told ("Unspecified error" from 2.0.11)
    assert reason and secured.intake.state.last_disconnect_at is not None
    assert any(r.message.startswith("mqtt disconnected") and r.reason == reason for r in caplog.records)
    one, _ = secured.kiosks
    assert acked(secured.kiosk(one, client_id=one.username), secured, one)
