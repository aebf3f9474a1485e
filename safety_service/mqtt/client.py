"""The service's MQTT side: takes kiosk messages, applies them in batches, acks after commit,
and relays the outbox to the broker.

A kiosk's report is acknowledged to the broker (paho's manual PUBACK) only after its batch
committed, so a crash before that makes the broker deliver it again; the report id makes the
second delivery harmless. Outbox rows are marked published only once the broker took them.
"""

import logging
import socket
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any
from urllib.parse import unquote, urlsplit

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from sqlalchemy import select as core_select
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from safety_service.batching import BatchFailed, BatchWriter, WriterStopped, is_database_failure
from safety_service.clock import utc_now
from safety_service.config import Settings
from safety_service.database import session_scope, table_of
from safety_service.metrics import Metrics
from safety_service.mqtt import intake
from safety_service.mqtt.state import IntakeState, count_dead_letters
from safety_service.mqtt.writer_process import WriterProcess
from safety_service.outbox.models import OutboxMessage
from safety_service.protocol.topics import KIOSK_WRITES, kiosk_filter

logger = logging.getLogger(__name__)
SESSION_EXPIRY_SECONDS = 7 * 24 * 3600
RETRY_SECONDS = 2.0
DEAD_LETTER_REFRESH_SECONDS = 5.0
_OUTBOX = table_of(OutboxMessage).c


@dataclass(frozen=True)
class BrokerUrl:
    host: str
    port: int
    username: str | None
    password: str | None
    tls: bool


@dataclass(frozen=True, slots=True)
class Delivery:
    """What the intake keeps of a kiosk message until its batch committed: the broker's message id and QoS (for
    the PUBACK), paho's ``time.monotonic()`` when the PUBLISH arrived (0 if unknown), the topic and the payload.

    paho's message object, with its lock and condition, is let go at once: under a backlog of thousands of
    uncommitted messages, the garbage collector would scan a dozen objects for each (docs/performance.md).
    """

    mid: int
    qos: int
    arrived: float
    topic: str
    payload: bytes


def parse_broker_url(url: str) -> BrokerUrl:
    """``mqtt://user:pass@host:port`` (or ``mqtts://``) as its parts."""
    parts = urlsplit(url)
    if parts.scheme not in ("mqtt", "mqtts") or not parts.hostname:
        raise ValueError(f"SAFETY_MQTT_URL must look like mqtt://user:pass@host:1883, not {url!r}")
    return BrokerUrl(
        host=parts.hostname, port=parts.port or (8883 if parts.scheme == "mqtts" else 1883),
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None, tls=parts.scheme == "mqtts",
    )


def broker_url(settings: Settings) -> str:
    """The broker the service talks to: the embedded one unless SAFETY_MQTT_URL names another."""
    if settings.mqtt_url == "embedded":
        return f"mqtt://127.0.0.1:{settings.mqtt_embedded_port}"
    return settings.mqtt_url


class MqttService:
    """The kiosk intake and the outbox relay, on one paho client."""

    def __init__(self, settings: Settings, engine: Engine, *, url: str | None = None, mqtt_v5: bool | None = None,
                 relay_interval: float = 0.5, relay_grace: float = 10.0, metrics: Metrics | None = None) -> None:
        self.settings, self.engine, self.relay_interval, self.metrics = settings, engine, relay_interval, metrics
        # Rows younger than this are left to the instance that wrote them (it publishes right
        # after its commit); older unpublished rows are from a crash or a lost connection.
        self.relay_grace = relay_grace
        self.url = parse_broker_url(url or broker_url(settings))
        if mqtt_v5 is None:
            mqtt_v5 = settings.mqtt_url != "embedded" and settings.mqtt_protocol == "5"
        self.v5 = mqtt_v5
        self.client_id = settings.mqtt_client_id or f"safety-{settings.site}-{socket.gethostname()}"[:64]
        self._applier = intake.applier(settings)
        batch, most = settings.concurrency.mqtt_batch_size, settings.concurrency.mqtt_batch_bytes
        self.writer: BatchWriter[intake.Incoming, intake.Applied] | WriterProcess = (
            WriterProcess(settings, claim=self._claim, max_batch=batch, max_bytes=most,
                          writers=settings.concurrency.mqtt_writers, metrics=metrics)
            if settings.mqtt_writer_process else
            BatchWriter(engine, self._apply, name="mqtt", max_batch=batch, size=intake.payload_bytes, max_bytes=most,
                        metrics=metrics))
        self.connected = threading.Event()
        self.state = IntakeState()
        self._dead_letters_at = 0.0
        self._claimed: set[str] = set()
        self._inflight: list[tuple[str, mqtt.MQTTMessageInfo]] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._relay: threading.Thread | None = None
        self.client = self._make_client()

    def _make_client(self) -> mqtt.Client:
        protocol = mqtt.MQTTv5 if self.v5 else mqtt.MQTTv311
        client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=self.client_id, protocol=protocol,
                             manual_ack=True, clean_session=None if self.v5 else False)
        if self.url.username:
            client.username_pw_set(self.url.username, self.url.password)
        if self.url.tls:  # the broker's certificate and host name are checked, against this CA or the system's
            client.tls_set(ca_certs=self.settings.mqtt_ca_file or None)
        client.max_inflight_messages_set(1000)
        client.max_queued_messages_set(0)
        client.reconnect_delay_set(min_delay=1, max_delay=30)
        client.on_connect, client.on_disconnect = self._on_connect, self._on_disconnect
        client.on_message, client.on_subscribe = self._on_message, self._on_subscribe
        return client

    def start(self) -> None:
        """Connect (in the background, retrying) and start applying and relaying."""
        self.writer.start()
        properties = None
        if self.v5:
            properties = Properties(PacketTypes.CONNECT)  # type: ignore[no-untyped-call]  # paho leaves it unannotated
            properties.SessionExpiryInterval = SESSION_EXPIRY_SECONDS
            properties.ReceiveMaximum = 65535
        self.client.connect_async(self.url.host, self.url.port, keepalive=30,
                                  clean_start=False if self.v5 else mqtt.MQTT_CLEAN_START_FIRST_ONLY,
                                  properties=properties)
        self.client.loop_start()
        self._relay = threading.Thread(target=self._relay_loop, name="mqtt-relay", daemon=True)
        self._relay.start()
        logger.info("mqtt intake starting", extra={"broker": f"{self.url.host}:{self.url.port}",
                                                   "client_id": self.client_id})

    def stop(self) -> None:
        """Finish the batches in hand, mark what was published, disconnect."""
        self._stop.set()
        if self._relay is not None:
            self._relay.join(timeout=10)
        self.writer.stop()
        self._mark_published()
        self.client.disconnect()
        self.client.loop_stop()

    def subscriptions(self) -> list[str]:
        """The topic filters the intake takes, shared between instances on an MQTT 5 broker."""
        filters = [kiosk_filter(self.settings.site, kind) for kind in KIOSK_WRITES]
        group = self.settings.mqtt_shared_group
        if self.settings.mqtt_url != "embedded" and group:  # Mosquitto shares for 3.1.1 clients too
            return [f"$share/{group}/{f}" for f in filters]
        return filters

    def _on_connect(self, client: mqtt.Client, userdata: Any, flags: Any, reason_code: Any,
                    properties: Any) -> None:
        if reason_code.is_failure:
            logger.error("mqtt connection refused", extra={"reason": str(reason_code), "client_id": self.client_id})
            return
        self.state.subscribed = False
        client.subscribe([(topic, 1) for topic in self.subscriptions()])
        self.state.connected, self.state.connects = True, self.state.connects + 1
        self.connected.set()
        logger.info("mqtt connected", extra={"session_present": getattr(flags, "session_present", None),
                                             "client_id": self.client_id})

    def _on_subscribe(self, client: mqtt.Client, userdata: Any, mid: int, reason_codes: list[Any],
                      properties: Any) -> None:
        refused = [str(code) for code in reason_codes if code.is_failure]
        self.state.subscribed = not refused
        if refused:
            logger.error("mqtt subscription refused: no kiosk message will arrive",
                         extra={"reasons": refused, "topics": self.subscriptions()})
        else:
            logger.info("mqtt subscribed", extra={"topics": self.subscriptions()})

    def _on_disconnect(self, client: mqtt.Client, userdata: Any, flags: Any, reason_code: Any,
                       properties: Any) -> None:
        """The broker closed the connection, another client took its id over, or the network failed:
        paho connects again (1 to 30 s apart) and ``_on_connect`` subscribes again."""
        self.connected.clear()
        self.state.connected = self.state.subscribed = False
        if self._stop.is_set():
            return
        self.state.disconnects += 1
        self.state.last_disconnect_reason, self.state.last_disconnect_at = str(reason_code), utc_now()
        logger.warning("mqtt disconnected; reconnecting", extra={"reason": str(reason_code),
                                                                 "client_id": self.client_id})

    def _on_message(self, client: mqtt.Client, userdata: Any, message: mqtt.MQTTMessage) -> None:
        self._submit(Delivery(message.mid, message.qos, message.timestamp, message.topic, bytes(message.payload)))

    def _submit(self, delivery: Delivery, failure: str | None = None) -> None:
        item = intake.Incoming(topic=delivery.topic, payload=delivery.payload, received_at=utc_now(), failure=failure)
        self.writer.submit_with(item, partial(self._applied, delivery, failure=failure))

    def _apply(self, session: Session, items: list[intake.Incoming]) -> list[intake.Applied]:
        applied = self._applier(session, items)
        self._claim(applied)
        return applied

    def _claim(self, applied: list[intake.Applied]) -> None:
        """Count the batch, and keep the relay off its outbox rows: they are published right after the commit."""
        self.state.applied += len(applied)
        with self._lock:
            self._claimed.update(row.key for result in applied for row in result.outbox)

    def _applied(self, delivery: Delivery, result: intake.Applied | None, error: BaseException | None,
                 *, failure: str | None = None) -> None:
        """After the commit: publish the acks, then let the broker forget the report.

        A message the database could not take (gone, locked) is tried again later. One that failed
        by itself (the writer applies a failed batch's messages one by one) would fail every time:
        it goes to the dead letters with an error ack, so it cannot hold up the intake.
        """
        if error is not None or result is None:
            if self._stop.is_set():
                return
            delay = RETRY_SECONDS  # the database failed, or even dead-lettering did: try again later
            if failure is None and error is not None and not is_database_failure(error) \
                    and not isinstance(error, WriterStopped):
                failure, delay = str(BatchFailed.of(error)), 0
                logger.error("kiosk message failed alone; dead-lettering it", extra={"topic": delivery.topic})
            threading.Timer(delay, self._submit, args=(delivery, failure)).start()
            return
        self.state.last_applied_at = utc_now()
        if self.metrics is not None:
            self._count(self.metrics, delivery, result)
        for row in result.outbox:
            self._publish(row.key, row.topic, row.payload, row.qos, row.retain)
        if delivery.qos > 0:
            self.client.ack(delivery.mid, delivery.qos)

    @staticmethod
    def _count(metrics: Metrics, delivery: Delivery, result: intake.Applied) -> None:
        """Metrics of one committed message: its lag since delivery, and the report it carried."""
        if delivery.arrived:
            metrics.intake_lag.observe(max(0.0, time.monotonic() - delivery.arrived))
        if result.report is not None:
            metrics.reports.labels("kiosk", result.report).inc()

    def _publish(self, key: str, topic: str, payload: str, qos: int, retain: bool) -> None:
        info = self.client.publish(topic, payload, qos=qos, retain=retain)
        with self._lock:
            self._claimed.discard(key)
            if info.rc == mqtt.MQTT_ERR_SUCCESS:
                self._inflight.append((key, info))

    def _relay_loop(self) -> None:
        while not self._stop.wait(self.relay_interval):
            try:
                self._mark_published()
                if self.connected.is_set():
                    self._publish_pending()
                self._refresh_dead_letters()
            except Exception:
                logger.exception("outbox relay failed")

    def _refresh_dead_letters(self) -> None:
        if time.monotonic() - self._dead_letters_at >= DEAD_LETTER_REFRESH_SECONDS:
            self._dead_letters_at = time.monotonic()
            self.state.dead_letters = count_dead_letters(self.engine)

    def _mark_published(self) -> None:
        with self._lock:
            done = [key for key, info in self._inflight if info.is_published()]
            self._inflight = [(key, info) for key, info in self._inflight if not info.is_published()]
        for start in range(0, len(done), 500):
            with session_scope(self.engine) as session:
                session.exec(update(OutboxMessage).where(col(OutboxMessage.key).in_(done[start:start + 500]))
                             .values(published_at=utc_now()))

    def _publish_pending(self) -> None:
        with self._lock:
            busy = self._claimed | {key for key, _ in self._inflight}
        with self.engine.connect() as connection:
            rows = connection.execute(
                core_select(_OUTBOX.key, _OUTBOX.topic, _OUTBOX.payload, _OUTBOX.qos, _OUTBOX.retain)
                .where(_OUTBOX.published_at.is_(None), _OUTBOX.topic.startswith(f"safety/{self.settings.site}/"),
                       _OUTBOX.created_at < utc_now() - timedelta(seconds=self.relay_grace))
                .order_by(_OUTBOX.id).limit(2000)
            ).all()
        for row in rows:
            if row[0] not in busy:
                self._publish(*row)

    def pending_outbox(self) -> int:
        """How many of this site's outbox rows the broker has not taken yet."""
        with Session(self.engine) as session:
            return len(session.exec(select(OutboxMessage.id).where(
                col(OutboxMessage.published_at).is_(None),
                col(OutboxMessage.topic).startswith(f"safety/{self.settings.site}/"))).all())


