"""The embedded broker: kiosks' credentials and ACL as with Mosquitto, retained bulletins, last wills,
persistent sessions, and a clear error for a taken port."""

import asyncio
import socket
import struct
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion
from sqlalchemy.engine import Engine

from safety_service.config import Settings
from safety_service.database import session_scope
from safety_service.mqtt.broker import BrokerPortTaken, EmbeddedBroker
from safety_service.protocol.topics import bulletin_topic, kiosk_filter, kiosk_topic
from tests.kiosks.builders import make_kiosk
from tests.locations.builders import make_location
from tests.mqtt.clients import TestClient, wait_until
from tests.mqtt.mosquitto import free_port


@dataclass
class Running:
    broker: EmbeddedBroker
    site: str
    port: int

    def url(self, username: str, password: str) -> str:
        return f"mqtt://{username}:{password}@127.0.0.1:{self.port}"

    def topic(self, kiosk_id: str, kind: str) -> str:
        return kiosk_topic(self.site, kiosk_id, kind)


@pytest.fixture
def running(settings: Settings, engine: Engine) -> Iterator[Running]:
    """An embedded broker on a free loopback port, in an event loop of its own thread, for a new site."""
    site = f"s{uuid.uuid4().hex[:8]}"
    port = free_port()
    broker = EmbeddedBroker(settings.model_copy(update={"site": site, "mqtt_embedded_port": port}), engine)
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    asyncio.run_coroutine_threadsafe(broker.start(), loop).result(timeout=10)
    yield Running(broker=broker, site=site, port=port)
    asyncio.run_coroutine_threadsafe(broker.stop(), loop).result(timeout=15)
    asyncio.run_coroutine_threadsafe(cancel_leftovers(), loop).result(timeout=5)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(timeout=5)
    loop.close()


async def cancel_leftovers() -> None:
    """End what the broker's shutdown leaves behind (connections still open on the client side)."""
    tasks = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


def add_kiosk(engine: Engine, running: Running, *, active: bool = True) -> tuple[str, str]:
    """A committed kiosk of the test's site; returns its id and password."""
    with session_scope(engine) as session:
        location = make_location(session, code=f"BRK-{uuid.uuid4().hex[:8]}")
        kiosk, credentials = make_kiosk(session, location=location, site=running.site,
                                        kiosk_id=f"k-{uuid.uuid4().hex[:10]}")
        kiosk.active = active
    return credentials.kiosk_id, credentials.password


def connect(running: Running, username: str, password: str, **kwargs: object) -> TestClient:
    client = TestClient(running.url(username, password), **kwargs)
    assert client.ready(), client.refused
    return client


@pytest.fixture
def service(running: Running) -> Iterator[TestClient]:
    """The service's own account, subscribed to every kiosk's report and status."""
    client = TestClient(running.broker.service_url)
    assert client.ready(), client.refused
    for kind in ("report", "status"):
        client.subscribe(kiosk_filter(running.site, kind))
    yield client
    client.close()


def test_a_kiosk_report_reaches_the_service(engine: Engine, running: Running, service: TestClient) -> None:
    kiosk_id, password = add_kiosk(engine, running)
    kiosk = connect(running, kiosk_id, password)
    kiosk.publish(running.topic(kiosk_id, "report"), '{"report_id": "r1"}')
    assert wait_until(lambda: service.on(running.topic(kiosk_id, "report")), timeout=20)
    assert service.on(running.topic(kiosk_id, "report"))[0].payload == b'{"report_id": "r1"}'
    kiosk.close()


def test_the_service_url_carries_the_services_own_credentials(running: Running) -> None:
    assert running.broker.service_url.startswith("mqtt://safety-service:")
    assert running.broker.service_url.endswith(f"@127.0.0.1:{running.port}")


@pytest.mark.parametrize("case", ["wrong password", "unknown kiosk", "anonymous", "inactive kiosk", "service guess"])
def test_wrong_or_missing_credentials_are_refused(engine: Engine, running: Running, case: str) -> None:
    kiosk_id, password = add_kiosk(engine, running, active=case != "inactive kiosk")
    urls = {
        "wrong password": running.url(kiosk_id, password + "x"),
        "unknown kiosk": running.url("k-nobody", password),
        "anonymous": f"mqtt://127.0.0.1:{running.port}",
        "inactive kiosk": running.url(kiosk_id, password),
        "service guess": running.url("safety-service", password),
    }
    client = TestClient(urls[case])
    assert client.connected.wait(5)
    assert client.refused is not None
    client.close()


@pytest.mark.parametrize("kind", ["report", "rating"])
def test_a_kiosk_cannot_publish_as_another_kiosk(engine: Engine, running: Running, service: TestClient,
                                                 kind: str) -> None:
    (mine, password), (other, _) = add_kiosk(engine, running), add_kiosk(engine, running)
    service.subscribe(kiosk_filter(running.site, kind))
    kiosk = connect(running, mine, password)
    kiosk.publish(running.topic(other, kind), "forged")
    kiosk.publish(running.topic(mine, kind), "own")
    assert wait_until(lambda: service.on(running.topic(mine, kind)), timeout=20)
    assert service.on(running.topic(other, kind)) == []
    kiosk.close()


def test_a_kiosk_cannot_read_another_kiosks_ack(engine: Engine, running: Running, service: TestClient) -> None:
    (mine, password), (other, other_password) = add_kiosk(engine, running), add_kiosk(engine, running)
    spy, owner = connect(running, mine, password), connect(running, other, other_password)
    for topic in (running.topic(other, "ack"), f"safety/{running.site}/#", "#"):
        spy.subscribe(topic)
    owner.subscribe(running.topic(other, "ack"))
    assert [code.is_failure for code in spy.granted] == [True, True, True]
    service.publish(running.topic(other, "ack"), '{"report_id": "r1"}')
    assert wait_until(lambda: owner.on(running.topic(other, "ack")), timeout=20)
    assert spy.messages == []
    spy.close()
    owner.close()


def test_a_retained_bulletin_reaches_a_kiosk_that_subscribes_later(engine: Engine, running: Running,
                                                                   service: TestClient) -> None:
    kiosk_id, password = add_kiosk(engine, running)
    service.publish(bulletin_topic(running.site), '{"bulletins": []}', retain=True)
    service.publish(running.topic("k-elsewhere", "status"), '{"state": "online"}', retain=True)
    kiosk = connect(running, kiosk_id, password)
    kiosk.subscribe(bulletin_topic(running.site))
    assert wait_until(lambda: kiosk.on(bulletin_topic(running.site)), timeout=20)
    assert kiosk.on(bulletin_topic(running.site))[0].retain
    assert wait_until(lambda: len(kiosk.messages) > 1, timeout=0.5) is False  # no other kiosk's status
    kiosk.close()


class Kiosk:
    """A paho kiosk with a fixed client id, optionally a persistent session and a last will."""

    def __init__(self, running: Running, kiosk_id: str, password: str, *, persistent: bool = False,
                 will: bool = False) -> None:
        self.messages: list[mqtt.MQTTMessage] = []
        self.connected = threading.Event()
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=kiosk_id, clean_session=not persistent)
        self.client.username_pw_set(kiosk_id, password)
        if will:
            self.client.will_set(running.topic(kiosk_id, "status"), '{"state": "offline"}', qos=1, retain=True)
        self.client.on_connect = lambda *args: self.connected.set()
        self.client.on_message = lambda client, userdata, message: self.messages.append(message)
        self.client.connect("127.0.0.1", running.port, keepalive=10)
        self.client.loop_start()
        assert self.connected.wait(5)

    def subscribe(self, topic: str) -> None:
        subscribed = threading.Event()
        self.client.on_subscribe = lambda *args: subscribed.set()
        self.client.subscribe(topic, 1)
        assert subscribed.wait(5)

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def test_a_kiosks_last_will_is_published_when_its_connection_drops(engine: Engine, running: Running,
                                                                   service: TestClient) -> None:
    kiosk_id, password = add_kiosk(engine, running)
    kiosk = Kiosk(running, kiosk_id, password, will=True)
    kiosk.client.loop_stop()
    kiosk.client.socket().close()  # a crash: no DISCONNECT
    assert wait_until(lambda: service.on(running.topic(kiosk_id, "status")), timeout=20)
    assert service.on(running.topic(kiosk_id, "status"))[0].payload == b'{"state": "offline"}'


def remaining_length(size: int) -> bytes:
    """MQTT's variable-length size prefix."""
    encoded = bytearray()
    while True:
        size, digit = divmod(size, 128)
        encoded.append(digit | (0x80 if size else 0))
        if not size:
            return bytes(encoded)


def raw_connect(running: Running, kiosk_id: str, password: str, *, keepalive: int) -> socket.socket:
    """A bare MQTT 3.1.1 CONNECT with a last will, then silence: a kiosk whose network died."""
    def field(value: str) -> bytes:
        return struct.pack(">H", len(value.encode())) + value.encode()
    flags = 0x02 | 0x04 | 0x08 | 0x20 | 0x40 | 0x80  # clean, will QoS 1 retained, password, username
    body = (b"\x00\x04MQTT\x04" + bytes([flags]) + struct.pack(">H", keepalive) + field(kiosk_id)
            + field(running.topic(kiosk_id, "status")) + field('{"state": "offline"}')
            + field(kiosk_id) + field(password))
    sock = socket.create_connection(("127.0.0.1", running.port), timeout=5)
    sock.sendall(bytes([0x10]) + remaining_length(len(body)) + body)
    assert sock.recv(4) == b"\x20\x02\x00\x00"
    return sock


def test_a_silent_kiosk_is_dropped_after_its_keepalive_and_its_will_published(
        engine: Engine, running: Running, service: TestClient) -> None:
    kiosk_id, password = add_kiosk(engine, running)
    sock = raw_connect(running, kiosk_id, password, keepalive=1)
    assert wait_until(lambda: service.on(running.topic(kiosk_id, "status")), timeout=20)
    sock.close()


def test_a_persistent_kiosk_gets_the_qos1_ack_sent_while_it_was_offline(engine: Engine, running: Running,
                                                                        service: TestClient) -> None:
    kiosk_id, password = add_kiosk(engine, running)
    kiosk = Kiosk(running, kiosk_id, password, persistent=True)
    kiosk.subscribe(running.topic(kiosk_id, "ack"))
    kiosk.close()
    service.publish(running.topic(kiosk_id, "ack"), '{"report_id": "r9"}')
    again = Kiosk(running, kiosk_id, password, persistent=True)
    assert wait_until(lambda: again.messages, timeout=20)
    assert [(m.topic, m.payload) for m in again.messages] == [(running.topic(kiosk_id, "ack"), b'{"report_id": "r9"}')]
    again.close()


def test_check_port_names_the_setting_when_the_port_is_taken(settings: Settings, engine: Engine) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        broker = EmbeddedBroker(settings.model_copy(update={"mqtt_embedded_port": port}), engine)
        with pytest.raises(BrokerPortTaken, match="SAFETY_MQTT_EMBEDDED_PORT") as raised:
            broker.check_port()
    assert f"127.0.0.1:{port}" in str(raised.value)


def test_start_on_a_taken_port_raises_broker_port_taken(settings: Settings, engine: Engine) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        broker = EmbeddedBroker(settings.model_copy(update={"mqtt_embedded_port": port}), engine)
        with pytest.raises(BrokerPortTaken, match="SAFETY_MQTT_EMBEDDED_PORT"):
            asyncio.run(broker.start())


def test_check_port_passes_on_a_free_port(settings: Settings, engine: Engine) -> None:
    EmbeddedBroker(settings.model_copy(update={"mqtt_embedded_port": free_port()}), engine).check_port()
