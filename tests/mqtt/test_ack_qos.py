"""Acks at QoS 0 (``SAFETY_MQTT_ACK_QOS=0``): an ack the broker drops costs the kiosk a resend, never a report.

The intake's acks go out while the kiosk is offline; Mosquitto keeps no QoS 0 message for an offline session,
so they are lost. The kiosk, back online with its persistent session, resends every report still waiting for
an ack, and the intake answers each resend with the same hazard (``duplicate``): in the register exactly once.
"""

import os
import signal

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from devices.kiosk.client import KioskClient, KioskConfig
from devices.kiosk.payloads import ACKS_READ
from safety_service.hazards.models import Hazard
from safety_service.kiosks.models import Kiosk
from safety_service.outbox.models import OutboxMessage
from tests.mqtt.clients import TestClient, wait_until
from tests.mqtt.test_faults import SERVICE_PASSWORD, SERVICE_USER, Plant, plant  # noqa: F401 (the fixture)


@pytest.fixture
def ack_qos_0(monkeypatch: pytest.MonkeyPatch) -> None:
    """The plant's intake (started after this) sends its acks at QoS 0."""
    monkeypatch.setenv("SAFETY_MQTT_ACK_QOS", "0")


def _stored(engine: Engine, kiosk_id: str) -> dict[str, str]:
    with Session(engine) as session:
        rows = session.exec(select(Hazard.client_report_id, Hazard.ref).where(
            col(Hazard.client_report_id).like(f"{kiosk_id}:%"))).all()
    return {str(key).split(":", 1)[1]: ref for key, ref in rows}


def _ack_version(engine: Engine, kiosk_id: str) -> int | None:
    with Session(engine) as session:
        return session.exec(select(Kiosk.ack_version).where(Kiosk.kiosk_id == kiosk_id)).one_or_none()


def _acks(engine: Engine, topic: str) -> list[tuple[int, bool]]:
    """The outbox's acks on ``topic``: (QoS, published) each, oldest first."""
    with Session(engine) as session:
        rows = session.exec(select(OutboxMessage.qos, OutboxMessage.published_at).where(OutboxMessage.topic == topic)
                            .order_by(col(OutboxMessage.id))).all()
    return [(qos, published is not None) for qos, published in rows]


@pytest.mark.usefixtures("ack_qos_0")
@pytest.mark.parametrize("acks", [ACKS_READ, ("kiosk-ack/1",)], ids=["ack-v2", "ack-v1"])
def test_an_ack_lost_while_the_kiosk_is_offline_costs_a_resend_answered_with_the_same_hazard(
        engine: Engine, plant: Plant, acks: tuple[str, ...]) -> None:  # noqa: F811 (the fixture)
    kiosk_id = f"{plant.prefix}0003"
    config = KioskConfig(broker_url=plant.broker.url(), site=plant.site, kiosk_id=kiosk_id, acks=acks,
                         outbox_path=plant.workdir / "kiosk.db", username=kiosk_id,
                         password=plant.credentials[kiosk_id], resend_interval=600, reconnect_max_delay=2)
    ack_topic = f"safety/{plant.site}/kiosk/{kiosk_id}/ack"
    kiosk = KioskClient(config).start()
    assert kiosk.wait_connected(30)
    version = 2 if "kiosk-ack/2" in acks else 1
    assert wait_until(lambda: _ack_version(engine, kiosk_id) == version, timeout=30)  # its status was taken
    watcher = TestClient(plant.broker.service_url(SERVICE_USER, SERVICE_PASSWORD))  # a kiosk's name is its client id
    assert watcher.ready()
    watcher.subscribe(ack_topic, qos=0)
    assert plant.intake is not None
    os.kill(plant.intake.pid, signal.SIGSTOP)  # the intake holds still (well inside its 30 s keepalive)
    report_ids = [kiosk.report(f"风门关闭不严 {n}") for n in range(5)]
    assert wait_until(lambda: all(m.sent_count for m in kiosk.pending()), timeout=30)
    kiosk.stop()  # its offline status is taken after the reports: the broker has them all
    os.kill(plant.intake.pid, signal.SIGCONT)  # it applies them and acks them at QoS 0 to a kiosk not there
    assert wait_until(lambda: len(_stored(engine, kiosk_id)) == 5, timeout=60)
    assert wait_until(lambda: (sent := _acks(engine, ack_topic)) and all(published for _, published in sent),
                      timeout=30)
    first = _acks(engine, ack_topic)
    assert {qos for qos, _ in first} == {0}
    # the broker has routed every first ack (to the watcher; the kiosk was away) before the kiosk comes back:
    # "published" only says the intake wrote it to its socket
    assert wait_until(lambda: len(watcher.on(ack_topic)) >= len(first), timeout=30)
    watcher.close()
    back = KioskClient(config).start()  # the same kiosk, its outbox and its broker session
    try:
        assert back.wait_all_acked(60), "the resends on reconnecting got no answer"
        receipts = {r.key: r for r in back.receipts()}
    finally:
        back.stop()
    stored = _stored(engine, kiosk_id)
    assert set(receipts) == set(report_ids) == set(stored)
    assert {receipts[key].outcome for key in report_ids} == {"duplicate"}  # the first answer never arrived
    assert all(receipts[key].hazard_ref == stored[key] for key in report_ids)
    assert len(_acks(engine, ack_topic)) > len(first)  # answered again
    with Session(engine) as session:
        counts = session.exec(select(Hazard.client_report_id, func.count()).where(
            col(Hazard.client_report_id).like(f"{kiosk_id}:%")).group_by(Hazard.client_report_id)).all()
    assert all(n == 1 for _, n in counts)
