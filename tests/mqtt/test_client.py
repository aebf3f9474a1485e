"""The service's MQTT intake against a real Mosquitto (the project's config, started by the test)."""

import json
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import paho.mqtt.client as mqtt
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from safety_service.config import Settings
from safety_service.database import session_scope
from safety_service.hazards import intake as hazards_intake
from safety_service.hazards.models import Hazard
from safety_service.kiosks.models import Kiosk
from safety_service.mqtt.client import MqttService
from safety_service.mqtt.intake import Applied
from safety_service.mqtt.models import DeadLetter
from safety_service.outbox.models import OutboxMessage
from tests.conftest import make_settings
from tests.kiosks.builders import make_kiosk
from tests.mqtt.clients import TestClient, wait_until
from tests.mqtt.mosquitto import Mosquitto


@pytest.fixture(scope="module")
def mosquitto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Mosquitto]:
    broker = Mosquitto(tmp_path_factory.mktemp("mosquitto")).start()
    yield broker
    broker.stop()


@pytest.fixture
def site(engine: Engine) -> tuple[str, list[str]]:
    """A site of its own for the test, with two committed kiosks."""
    code = f"site{uuid.uuid4().hex[:8]}"
    with session_scope(engine) as session:
        kiosks = [make_kiosk(session, site=code)[0].kiosk_id for _ in range(2)]
    return code, kiosks


def service_settings(settings: Settings, mosquitto: Mosquitto, site: str, instance: str = "a",
                     protocol: str = "5") -> Settings:
    return make_settings(settings.database_url, site=site, mqtt_url=mosquitto.url(),
                         mqtt_client_id=f"safety-intake-{site}-{instance}", mqtt_protocol=protocol)


@contextmanager
def running(settings: Settings, mosquitto: Mosquitto, site: str, engine: Engine) -> Iterator[MqttService]:
    """The site's intake, connected to the broker, until the block ends."""
    service = MqttService(service_settings(settings, mosquitto, site), engine)
    service.start()
    try:
        assert service.connected.wait(10)
        yield service
    finally:
        service.stop()


def report(report_id: str | None = None) -> str:
    return json.dumps({"schema": "kiosk-report/1", "report_id": report_id or str(uuid.uuid4()),
                       "created_at": "2026-11-24T08:00:00+08:00", "description": "主井井口信号灯不亮"})


def _kiosk_client(mosquitto: Mosquitto, site: str, kiosk_id: str) -> TestClient:
    client = TestClient(mosquitto.url(), client_id=kiosk_id)
    assert client.ready()
    client.subscribe(f"safety/{site}/kiosk/{kiosk_id}/ack")
    return client


def _acks(client: TestClient, site: str, kiosk_id: str) -> list[dict]:
    return [json.loads(m.payload) for m in client.on(f"safety/{site}/kiosk/{kiosk_id}/ack")]


def _hazards(engine: Engine, kiosk_id: str) -> list[Hazard]:
    with Session(engine) as session:
        kiosk = session.exec(select(Kiosk).where(Kiosk.kiosk_id == kiosk_id)).one()
        return list(session.exec(select(Hazard).where(Hazard.kiosk_id == kiosk.id)).all())


def test_reports_are_stored_once_and_acked_after_commit(engine: Engine, settings: Settings,
                                                        mosquitto: Mosquitto, site) -> None:
    code, (kiosk_id, _) = site
    with running(settings, mosquitto, code, engine) as service:
        kiosk = _kiosk_client(mosquitto, code, kiosk_id)
        repeated = str(uuid.uuid4())
        for payload in (report(repeated), report(), report(repeated)):
            kiosk.publish(f"safety/{code}/kiosk/{kiosk_id}/report", payload)
        assert wait_until(lambda: len(_acks(kiosk, code, kiosk_id)) == 3)
        acks = _acks(kiosk, code, kiosk_id)
        assert sorted(a["outcome"] for a in acks) == ["accepted", "accepted", "duplicate"]
        refs = {a["report_id"]: a["hazard_ref"] for a in acks if a["outcome"] == "accepted"}
        assert {a["hazard_ref"] for a in acks if a["report_id"] == repeated} == {refs[repeated]}
        assert sorted(h.ref for h in _hazards(engine, kiosk_id)) == sorted(refs.values())
        assert wait_until(lambda: service.pending_outbox() == 0)  # every ack marked published


def test_a_bad_payload_gets_an_error_ack_and_the_intake_goes_on(engine: Engine, settings: Settings,
                                                                mosquitto: Mosquitto, site) -> None:
    code, (kiosk_id, _) = site
    with running(settings, mosquitto, code, engine):
        kiosk = _kiosk_client(mosquitto, code, kiosk_id)
        kiosk.publish(f"safety/{code}/kiosk/{kiosk_id}/report", b"{not json")
        kiosk.publish(f"safety/{code}/kiosk/{kiosk_id}/report", report())
        assert wait_until(lambda: len(_acks(kiosk, code, kiosk_id)) == 2)
        assert [a["outcome"] for a in _acks(kiosk, code, kiosk_id)] == ["rejected", "accepted"]


def test_a_report_that_fails_alone_is_dead_lettered_and_the_rest_of_its_batch_is_applied(
        engine: Engine, settings: Settings, mosquitto: Mosquitto, site, monkeypatch: pytest.MonkeyPatch) -> None:
    # A fault no validation foresaw (here: made to happen for one description): unhandled, the
    # message failed its batch on every retry and held up every report batched with it.
    original = hazards_intake.report_hazards
    holding, held = threading.Event(), threading.Event()

    def failing_on_poison(session: Session, *, reports: list, **kwargs: object) -> list:
        if reports and reports[0].description == "先":  # holds the writer while the next three queue up
            held.set()
            holding.wait(10)
        if any(r.description == "毒丸" for r in reports):
            raise ValueError("a fault in this report")
        return original(session, reports=reports, **kwargs)

    monkeypatch.setattr(hazards_intake, "report_hazards", failing_on_poison)
    code, (kiosk_id, _) = site
    poison_id = str(uuid.uuid4())
    poison = json.dumps({**json.loads(report(poison_id)), "description": "毒丸"})
    with running(settings, mosquitto, code, engine) as service:
        kiosk = _kiosk_client(mosquitto, code, kiosk_id)
        kiosk.publish(f"safety/{code}/kiosk/{kiosk_id}/report", json.dumps({**json.loads(report()), "description": "先"}))
        assert held.wait(10)
        for payload in (report(), poison, report()):  # one batch, once the writer is free
            kiosk.publish(f"safety/{code}/kiosk/{kiosk_id}/report", payload)
        assert wait_until(lambda: service.writer.waiting == 3)
        holding.set()
        assert wait_until(lambda: len(_acks(kiosk, code, kiosk_id)) == 4)
        acks = {a["report_id"]: a for a in _acks(kiosk, code, kiosk_id)}
        assert acks[poison_id]["outcome"] == "rejected" and acks[poison_id]["error"]["code"] == "not_applied"
        assert sorted(a["outcome"] for a in acks.values()) == ["accepted", "accepted", "accepted", "rejected"]
        assert len(_hazards(engine, kiosk_id)) == 3
    with Session(engine) as session:
        letter = session.exec(select(DeadLetter).where(col(DeadLetter.payload).contains(poison_id))).one()
    assert letter.reason.startswith("not_applied") and "a fault in this report" in letter.reason


def test_kiosk_status_and_last_will_are_kept(engine: Engine, settings: Settings, mosquitto: Mosquitto, site) -> None:
    code, (kiosk_id, _) = site
    with running(settings, mosquitto, code, engine):
        status = f"safety/{code}/kiosk/{kiosk_id}/status"
        kiosk = TestClient(mosquitto.url(), client_id=kiosk_id)
        assert kiosk.ready()
        kiosk.publish(status, json.dumps({"schema": "kiosk-status/1", "state": "online", "version": "1.0"}),
                      retain=True)

        def state() -> str:
            with Session(engine) as session:
                return session.exec(select(Kiosk.status).where(Kiosk.kiosk_id == kiosk_id)).one()

        assert wait_until(lambda: state() == "online")
        kiosk.publish(status, json.dumps({"schema": "kiosk-status/1", "state": "offline"}), retain=True)
        assert wait_until(lambda: state() == "offline")


@pytest.mark.parametrize("protocol", ["5", "3.1.1"])
def test_two_instances_share_the_intake_and_apply_each_report_once(engine: Engine, settings: Settings,
                                                                   mosquitto: Mosquitto, site, protocol: str) -> None:
    code, kiosk_ids = site
    services = [MqttService(service_settings(settings, mosquitto, code, name, protocol), engine) for name in "ab"]
    for service in services:
        service.start()
    try:
        assert all(s.connected.wait(10) for s in services)
        clients = {k: _kiosk_client(mosquitto, code, k) for k in kiosk_ids}
        sent = {k: [str(uuid.uuid4()) for _ in range(60)] for k in kiosk_ids}
        for kiosk_id, ids in sent.items():
            for report_id in ids + ids[:10]:  # ten of them twice
                clients[kiosk_id].client.publish(f"safety/{code}/kiosk/{kiosk_id}/report", report(report_id), qos=1)
        for kiosk_id in kiosk_ids:
            assert wait_until(lambda k=kiosk_id: len(_acks(clients[k], code, k)) == 70, timeout=30)
            assert {a["report_id"] for a in _acks(clients[kiosk_id], code, kiosk_id)} == set(sent[kiosk_id])
            assert len(_hazards(engine, kiosk_id)) == 60
        assert all(s.state.applied > 0 for s in services), [s.state.applied for s in services]
    finally:
        for service in services:
            service.stop()
    with Session(engine) as session:
        pending = session.exec(select(func.count()).select_from(OutboxMessage).where(
            col(OutboxMessage.topic).like(f"safety/{code}/%"), col(OutboxMessage.published_at).is_(None))).one()
    assert pending == 0


def test_the_relay_republishes_its_sites_stale_rows_and_never_another_sites(
        engine: Engine, settings: Settings, mosquitto: Mosquitto, site) -> None:
    code, (kiosk_id, _) = site
    listener = TestClient(mosquitto.url())
    assert listener.ready()
    listener.subscribe("safety/#")
    own_topic, foreign_topic = f"safety/{code}/kiosk/{kiosk_id}/ack", f"safety/other{code}/kiosk/{kiosk_id}/ack"
    with session_scope(engine) as session:
        session.add_all([OutboxMessage(topic=own_topic, payload='{"left": "by a crashed instance"}'),
                         OutboxMessage(topic=foreign_topic, payload='{"not": "ours"}')])
    service = MqttService(service_settings(settings, mosquitto, code), engine, relay_grace=0)
    service.start()
    try:
        assert wait_until(lambda: listener.on(own_topic), timeout=15)
        time.sleep(1.0)  # a few more relay rounds
        assert listener.on(foreign_topic) == []
    finally:
        service.stop()
    with Session(engine) as session:
        rows = {row.topic: row.published_at for row in session.exec(
            select(OutboxMessage).where(col(OutboxMessage.topic).in_([own_topic, foreign_topic]))).all()}
    assert rows[own_topic] is not None and rows[foreign_topic] is None


class _Held:
    """A writer that holds what it is given, never committing: a backlog waiting on the database."""

    def __init__(self) -> None:
        self.items: list[tuple[object, object]] = []

    def submit_with(self, item: object, done: object) -> None:
        self.items.append((item, done))


def test_a_message_waiting_for_its_commit_does_not_keep_pahos_message(engine: Engine, settings: Settings,
                                                                        mosquitto: Mosquitto, site) -> None:
    """Under a backlog the intake holds thousands of uncommitted messages; paho's message object (with its lock
    and condition) is let go at once, and what is kept still acks the right message after the commit."""
    code, (kiosk_id, _) = site
    service = MqttService(service_settings(settings, mosquitto, code), engine)
    service.writer = held = _Held()  # type: ignore[assignment]
    message = mqtt.MQTTMessage(mid=41, topic=f"safety/{code}/kiosk/{kiosk_id}/report".encode())
    message.payload, message.qos = report().encode(), 1
    before = sys.getrefcount(message)
    service._on_message(service.client, None, message)
    assert sys.getrefcount(message) == before
    (item, done), = held.items
    assert (item.topic, item.payload) == (message.topic, message.payload)
    acked: list[tuple[int, int]] = []
    service.client.ack = lambda mid, qos: acked.append((mid, qos))  # type: ignore[method-assign]
    done(Applied(), None)
    assert acked == [(41, 1)]
