"""A stand-in for the service's MQTT intake: a plain paho subscriber that answers reports with acks."""

import json
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

HOST, PORT = "127.0.0.1", 1883
BROKER_URL = f"mqtt://{HOST}:{PORT}"

Policy = Callable[[dict[str, Any], int], list[dict[str, Any]]]


def new_site() -> str:
    """A site name no other test uses, so retained messages and subscriptions never mix."""
    return f"t{uuid.uuid4().hex[:12]}"


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


def ack_for(report: dict[str, Any], outcome: str = "accepted", error: dict[str, Any] | None = None) -> dict[str, Any]:
    """A kiosk-ack/1 payload for a report; the ref is derived from the report_id so repeats match."""
    stored = outcome != "rejected"
    suffix = report["report_id"][:8].upper()
    return {"schema": "kiosk-ack/1", "report_id": report["report_id"], "outcome": outcome,
            "hazard_ref": f"YH-2026-{suffix}" if stored else None,
            "tracking_code": f"TC{suffix}" if stored else None, "error": error, "at": now_iso()}


def report_ids(reports: list[dict[str, Any]]) -> set[str]:
    """The distinct reports among those received (a kiosk may send one again: at least once)."""
    return {report["report_id"] for report in reports}


def accept_all(report: dict[str, Any], delivery: int) -> list[dict[str, Any]]:
    """Accept the first delivery of a report, answer later ones as duplicates."""
    return [ack_for(report, "accepted" if delivery == 1 else "duplicate")]


def connect(port: int = PORT, setup: Callable[[mqtt.Client], None] | None = None) -> mqtt.Client:
    """A connected, looping MQTT v5 client for the test's own use; ``setup`` sets callbacks before it connects."""
    client = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    client.reconnect_delay_set(1, 2)
    connected = threading.Event()
    if setup is not None:
        setup(client)
    chained = client.on_connect

    def on_connect(*args: Any) -> None:
        if chained is not None:
            chained(*args)
        connected.set()

    client.on_connect = on_connect
    client.connect(HOST, port)
    client.loop_start()
    assert connected.wait(20), f"the test broker at {HOST}:{port} is not answering"
    return client


@dataclass
class FakeService:
    """Answers every report on ``safety/{site}/kiosk/+/report`` as ``policy`` says."""

    site: str
    policy: Policy = accept_all
    deliveries: Counter[str] = field(default_factory=Counter)
    reports: list[dict[str, Any]] = field(default_factory=list)
    reads: list[dict[str, Any]] = field(default_factory=list)
    port: int = PORT
    client: mqtt.Client | None = None

    def start(self) -> "FakeService":
        subscribed = threading.Event()

        def setup(client: mqtt.Client) -> None:
            client.on_connect = self._on_connect
            client.on_subscribe = lambda *args: subscribed.set()
            client.on_message = self._on_message

        self.client = connect(self.port, setup)
        assert subscribed.wait(20)
        return self

    def _on_connect(self, client: mqtt.Client, *args: Any) -> None:
        """Subscribe on every connect, as the real intake must."""
        client.subscribe([(f"safety/{self.site}/kiosk/+/report", 1), (f"safety/{self.site}/kiosk/+/bulletin-read", 1)])

    def stop(self) -> None:
        assert self.client is not None
        self.client.disconnect()
        self.client.loop_stop()

    def _on_message(self, client: mqtt.Client, userdata: Any, msg: mqtt.MQTTMessage) -> None:
        payload = json.loads(msg.payload)
        kiosk, leaf = msg.topic.split("/")[3:5]
        if leaf == "bulletin-read":
            self.reads.append(payload)
            return
        self.reports.append(payload)
        self.deliveries[payload["report_id"]] += 1
        for ack in self.policy(payload, self.deliveries[payload["report_id"]]):
            self.publish(f"kiosk/{kiosk}/ack", ack)

    def publish(self, leaf: str, payload: dict[str, Any], *, retain: bool = False) -> None:
        """Publish a JSON payload under ``safety/{site}/`` at QoS 1."""
        assert self.client is not None
        info = self.client.publish(f"safety/{self.site}/{leaf}", json.dumps(payload), qos=1, retain=retain)
        assert info.rc == mqtt.MQTT_ERR_SUCCESS


def read_retained(topic: str, timeout: float = 5.0) -> dict[str, Any] | None:
    """The retained message on a topic, or None when there is none."""
    got: list[bytes] = []
    arrived = threading.Event()

    def on_message(client: mqtt.Client, userdata: Any, msg: mqtt.MQTTMessage) -> None:
        if msg.retain:
            got.append(msg.payload)
            arrived.set()

    client = connect()
    client.on_message = on_message
    client.subscribe(topic, qos=1)
    arrived.wait(timeout)
    client.disconnect()
    client.loop_stop()
    return json.loads(got[-1]) if got and got[-1] else None


def wait_until(predicate: Callable[[], bool], timeout: float = 20.0, step: float = 0.02) -> bool:
    """Poll ``predicate`` until true or ``timeout`` seconds pass (20 s: a loaded CI machine, not the expected wait)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


def clear_retained(topics: list[str]) -> None:
    """Remove retained messages the test left on the shared broker."""
    if not topics:
        return
    client = connect()
    infos = [client.publish(topic, b"", qos=1, retain=True) for topic in topics]
    for info in infos:
        info.wait_for_publish(5)
    client.disconnect()
    client.loop_stop()
