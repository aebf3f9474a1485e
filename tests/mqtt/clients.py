"""Small paho clients for tests: connect, subscribe, collect, wait (always bounded)."""

import threading
import time
import uuid
from collections.abc import Callable

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from safety_service.mqtt.client import parse_broker_url


class TestClient:
    """A connected paho client that records what it receives and whether it was let in."""

    __test__ = False

    def __init__(self, url: str, *, client_id: str | None = None, v5: bool = False) -> None:
        broker = parse_broker_url(url)
        self.messages: list[mqtt.MQTTMessage] = []
        self.refused: str | None = None
        self.connected = threading.Event()
        self.dropped = threading.Event()  # the broker closed a connection this client had
        self.granted: list = []
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id or f"test-{uuid.uuid4().hex[:8]}",
                                  protocol=mqtt.MQTTv5 if v5 else mqtt.MQTTv311)
        if broker.username:
            self.client.username_pw_set(broker.username, broker.password)
        self.client.on_connect = self._on_connect
        self.client.on_message = lambda c, u, m: self.messages.append(m)
        self.client.on_disconnect = lambda c, u, flags, reason, p: self.dropped.set()
        self.client.on_subscribe = lambda c, u, mid, codes, p: self.granted.extend(codes)
        self.client.connect(broker.host, broker.port, keepalive=10)
        self.client.loop_start()

    def _on_connect(self, client, userdata, flags, reason_code, properties) -> None:
        if reason_code.is_failure:
            self.refused = str(reason_code)
        self.connected.set()

    def ready(self, timeout: float = 5) -> bool:
        """Whether the broker let this client in."""
        return self.connected.wait(timeout) and self.refused is None

    def subscribe(self, topic: str, qos: int = 1) -> None:
        before = len(self.granted)
        self.client.subscribe(topic, qos)
        wait_until(lambda: len(self.granted) > before, timeout=20)

    def publish(self, topic: str, payload: str | bytes, qos: int = 1, retain: bool = False) -> None:
        """Publish and wait for the broker to take it, riding out a dropped connection."""
        for _ in range(3):
            wait_until(self.client.is_connected, timeout=20)
            try:
                self.client.publish(topic, payload, qos=qos, retain=retain).wait_for_publish(timeout=5)
                return
            except RuntimeError:
                continue
        raise AssertionError(f"could not publish to {topic}")

    def on(self, topic: str) -> list[mqtt.MQTTMessage]:
        return [m for m in self.messages if m.topic == topic]

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def wait_until(condition: Callable[[], bool], *, timeout: float = 10, interval: float = 0.02) -> bool:
    """Poll until the condition holds or the time is up; returns whether it held."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()
