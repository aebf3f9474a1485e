"""The reference kiosk client: report through the durable outbox, resend until acked, show acks and notices.

paho-mqtt 2.x on a persistent session (client id = kiosk id, no clean start), last will = offline
status (retained), resubscribe and resend on every connect, and a resend timer for reports the
service has not answered. A publish counts as sent only by its return code; a report is done
only when the service's ack arrives.
"""

import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Self

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion, MQTTErrorCode
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from devices.kiosk import inbound
from devices.kiosk.broker import BrokerAddress, protocol_of
from devices.kiosk.outbox import BULLETIN_READ, PENDING, RATING, REPORT, NewMessage, Outbox, OutgoingMessage, Received
from devices.kiosk.payloads import (
    ACKS_READ,
    Schemas,
    Topics,
    bulletin_read_payload,
    encode,
    rating_payload,
    report_payload,
    report_schema,
    status_payload,
    utc_now,
)

logger = logging.getLogger(__name__)

CLIENT_VERSION = "0.1.0"
MAX_PAGES = 10_000
SNAPSHOT_HORIZON = 120.0  # seconds; no outbox read is used longer than this
UNSUPPORTED_PROTOCOL = (1, 132)  # CONNACK "unacceptable protocol version" (3.1.1), "unsupported protocol version" (5)
ACCEPTED_RC = (MQTTErrorCode.MQTT_ERR_SUCCESS, MQTTErrorCode.MQTT_ERR_NO_CONN)


@dataclass(frozen=True)
class KioskConfig:
    """How one kiosk connects; username/password default to the broker URL's."""

    broker_url: str
    site: str
    kiosk_id: str
    outbox_path: str | Path
    protocol: str = "auto"  # "auto": MQTT 5, falling back to 3.1.1 when the broker refuses 5
    username: str | None = None
    password: str | None = None
    version: str = CLIENT_VERSION
    acks: tuple[str, ...] = ACKS_READ  # the ack versions its status announces (("kiosk-ack/1",): one ack a report)
    resend_interval: float = 30.0
    reconnect_min_delay: int = 1
    reconnect_max_delay: int = 60
    keepalive: int = 30
    session_expiry: int = 7 * 24 * 3600
    max_inflight: int = 100
    resend_batch: int = 2000
    schemas_dir: str | Path | None = None
    connack_timeout: float = 5.0  # "auto": seconds an MQTT 5 CONNECT may go unanswered before trying 3.1.1
    ca_file: str | Path | None = None  # CA of the broker's certificate for mqtts:// (none: the system's)

    def address(self) -> BrokerAddress:
        """The broker address with this kiosk's credentials."""
        address = BrokerAddress.parse(self.broker_url)
        if self.username is None:
            return address
        return address.with_credentials(self.username, self.password)


class KioskClient:
    """One kiosk: ``start()``, then ``report()`` and ``confirm_bulletin()``; acks and notices arrive by callback."""

    def __init__(self, config: KioskConfig, *, on_ack: Callable[[OutgoingMessage], None] | None = None,
                 on_notice: Callable[[dict[str, Any]], None] | None = None,
                 on_bulletin: Callable[[dict[str, Any]], None] | None = None,
                 on_fallback: Callable[[str], None] | None = None,
                 clock: Callable[[], datetime] = utc_now) -> None:
        self.config, self.clock = config, clock
        self.on_ack, self.on_notice, self.on_bulletin = on_ack, on_notice, on_bulletin
        self.on_fallback = on_fallback
        self.topics = Topics(config.site, config.kiosk_id)
        self.schemas = Schemas.load(config.schemas_dir)
        self._address = config.address()
        self._protocol = protocol_of(config.protocol)
        self.outbox = Outbox(config.outbox_path)
        self._connected, self._stopping, self._kick = threading.Event(), threading.Event(), threading.Event()
        self._changed = threading.Condition()
        self._lock = threading.Lock()
        self._mids: dict[int, OutgoingMessage | None] = {}
        self._early: dict[int, mqtt.ReasonCode] = {}
        self._in_flight: set[int] = set()
        self._published_at: dict[int, float] = {}
        self._resend_all = False
        self._connected_at = 0.0  # monotonic; what was published since went out on this connection
        self.boards: dict[str, dict[str, Any]] = {}  # area code -> its latest public hazard board
        self._may_fall_back = config.protocol == "auto"
        self._fall_back = False
        self._resender: threading.Thread | None = None
        self._mqtt = self._make_client()

    @property
    def log_extra(self) -> dict[str, str]:
        """Fields naming this kiosk in log records."""
        return {"site": self.config.site, "kiosk": self.config.kiosk_id}

    @property
    def connected(self) -> bool:
        """True only between the broker's CONNACK and the next disconnect."""
        return self._connected.is_set()

    @property
    def stopped(self) -> bool:
        """True once ``stop()`` was called."""
        return self._stopping.is_set()

    def _make_client(self) -> mqtt.Client:
        v5 = self._protocol == mqtt.MQTTv5
        client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=self.config.kiosk_id,
                             clean_session=None if v5 else False, protocol=self._protocol)
        if self._address.username is not None:
            client.username_pw_set(self._address.username, self._address.password)
        if self._address.tls:  # the broker's certificate and host name are checked
            ca_file = self.config.ca_file
            if ca_file is not None and not Path(ca_file).is_file():
                raise ValueError(f"no CA certificate file at {str(ca_file)!r} (--ca-file)")
            client.tls_set(ca_certs=str(ca_file) if ca_file else None)
        offline = encode(status_payload("offline", self.config.version, acks=self.config.acks))
        client.will_set(self.topics.status, offline, qos=1, retain=True)
        client.reconnect_delay_set(self.config.reconnect_min_delay, self.config.reconnect_max_delay)
        client.max_inflight_messages_set(self.config.max_inflight)
        client.on_connect, client.on_disconnect = self._on_connect, self._on_disconnect
        client.on_connect_fail, client.on_publish = self._on_connect_fail, self._on_publish
        client.on_message, client.on_socket_open = self._on_message, self._on_socket_open
        return client

    @property
    def protocol(self) -> str:
        """The MQTT version in use: "5", or "3.1.1" (asked for, or fallen back to)."""
        return "5" if self._protocol == mqtt.MQTTv5 else "3.1.1"

    def start(self) -> Self:
        """Connect in the background (retrying with backoff) and start the resend timer."""
        self._connect()
        self._resender = threading.Thread(target=self._resend_loop, name=f"kiosk-resend-{self.config.kiosk_id}",
                                          daemon=True)
        self._resender.start()
        logger.info("kiosk starting", extra=self.log_extra | {"broker": str(self._address)})
        return self

    def _connect(self) -> None:
        if self._protocol == mqtt.MQTTv5:
            properties = Properties(PacketTypes.CONNECT)
            properties.SessionExpiryInterval = self.config.session_expiry
            self._mqtt.connect_async(self._address.host, self._address.port, self.config.keepalive,
                                     clean_start=False, properties=properties)
        else:
            self._mqtt.connect_async(self._address.host, self._address.port, self.config.keepalive)
        self._mqtt.loop_start()

    def _on_socket_open(self, client: mqtt.Client, userdata: Any, sock: Any) -> None:
        """A 3.1.1-only broker may leave an MQTT 5 CONNECT unanswered (amqtt does): time the CONNACK."""
        if self._may_fall_back and self._protocol == mqtt.MQTTv5:
            timer = threading.Timer(self.config.connack_timeout, self._connack_overdue)
            timer.daemon = True
            timer.start()

    def _connack_overdue(self) -> None:
        if not self.connected and not self.stopped:
            self._refused_v5(f"no CONNACK within {self.config.connack_timeout:g} s")

    def _refused_v5(self, reason: str) -> None:
        """The broker refused MQTT 5 before ever accepting it: ask the resend thread to reconnect with 3.1.1."""
        if not self._may_fall_back or self._protocol != mqtt.MQTTv5:
            return
        self._may_fall_back = False
        logger.warning("broker refused MQTT 5; falling back to MQTT 3.1.1", extra=self.log_extra | {"reason": reason})
        with self._lock:
            self._fall_back = True
        self._kick.set()

    def _use_mqtt_311(self) -> None:
        """Replace the paho client by a 3.1.1 one (never from paho's own thread, which loop_stop joins)."""
        old = self._mqtt
        old.disconnect()
        old.loop_stop()
        with self._lock:
            self._mids.clear()
            self._early.clear()
            self._in_flight.clear()
        self._protocol = mqtt.MQTTv311
        self._mqtt = self._make_client()
        self._connect()
        logger.info("reconnecting with MQTT 3.1.1", extra=self.log_extra)
        if self.on_fallback is not None:
            self.on_fallback("3.1.1")

    def stop(self, timeout: float = 5.0) -> None:
        """Publish the offline status, disconnect cleanly (no last will) and close the outbox."""
        self._stopping.set()
        self._kick.set()
        if self._resender is not None:
            self._resender.join(timeout)
        if self.connected:
            info = self._publish_tracked(self.topics.status, status_payload(
                "offline", self.config.version, at=self.clock(), acks=self.config.acks), retain=True)
            _wait_published(info, timeout)
        self._mqtt.disconnect()
        self._mqtt.loop_stop()
        self.outbox.close()
        logger.info("kiosk stopped", extra=self.log_extra)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def report(self, description: str, *, category: str | None = None, location_code: str | None = None,
               employee_no: str | None = None, name: str | None = None, photos: Sequence[bytes] = (),
               report_id: str | None = None, urgent: bool = False, risk_point: str | None = None,
               behaviour_at: datetime | None = None, behaviour_person: str | None = None,
               library_item: int | None = None) -> str:
        """Commit a hazard report (with up to three JPEG photos; ``urgent``: 紧急/立即危险, the dispatch room is
        alerted at once; ``risk_point``: a risk point of its location, from the area's board; ``library_item``: the
        standard hazard library item the worker chose) to the outbox, then try to send it; its report_id.

        A ``report_id`` already in the outbox (the same report submitted twice) is not added again."""
        if report_id is not None and self.outbox.get(report_id) is not None:
            return report_id
        return self.report_many([{"description": description, "category": category, "location_code": location_code,
                                  "employee_no": employee_no, "name": name, "photos": photos,
                                  "report_id": report_id, "urgent": urgent, "risk_point": risk_point,
                                  "behaviour_at": behaviour_at, "behaviour_person": behaviour_person,
                                  "library_item": library_item}])[0]

    def report_many(self, reports: Iterable[dict[str, Any]]) -> list[str]:
        """Commit several reports in one transaction (keyword dicts as for ``report``), then send them."""
        payloads = [report_payload(**fields) for fields in reports]
        for payload in payloads:
            self.schemas.validate(report_schema(payload), payload)
        self._enqueue([NewMessage(REPORT, p["report_id"], self.topics.report, p) for p in payloads])
        return [p["report_id"] for p in payloads]

    def confirm_bulletin(self, bulletin_id: int, employee_no: str) -> str:
        """Commit a worker's bulletin-read confirmation, then try to send it; returns its read_id."""
        payload = bulletin_read_payload(bulletin_id, employee_no)
        self.schemas.validate("bulletin-read", payload)
        self._enqueue([NewMessage(BULLETIN_READ, payload["read_id"], self.topics.bulletin_read, payload)])
        return payload["read_id"]

    def rate(self, hazard_ref: str, rating: str, *, rating_id: str | None = None) -> str:
        """Commit a rating (``satisfied`` 满意, ``basic`` 基本满意, ``dissatisfied`` 不满意) of a closed report made
        here to the outbox, then try to send it; its rating_id (one already in the outbox is not added again)."""
        if rating_id is not None and self.outbox.get(rating_id) is not None:
            return rating_id
        payload = rating_payload(hazard_ref, rating, rating_id=rating_id, at=self.clock())
        self.schemas.validate("kiosk-rating", payload)
        self._enqueue([NewMessage(RATING, payload["rating_id"], self.topics.rating, payload)])
        return payload["rating_id"]

    def _enqueue(self, messages: Sequence[NewMessage]) -> None:
        self.outbox.add_many(messages, at=self.clock())
        read_at = time.monotonic()
        self._send(self.outbox.by_keys([message.key for message in messages]), read_at=read_at)

    def pending(self) -> list[OutgoingMessage]:
        """Reports and confirmations not yet done."""
        return self.outbox.pending()

    def receipts(self) -> list[OutgoingMessage]:
        """Reports the service answered, with hazard ref and tracking code or the error."""
        return self.outbox.receipts()

    def notices(self) -> list[Received]:
        """Notices received from the service."""
        return self.outbox.received("notice")

    def bulletins(self) -> list[Received]:
        """Bulletin messages received (the last one is current)."""
        return self.outbox.received("bulletin")

    def family_messages(self) -> list[dict[str, Any]]:
        """The family messages (亲情寄语) the service last published for the idle rotation, newest first."""
        latest = self.outbox.latest("family-messages")
        return latest["messages"] if latest is not None else []

    def hazard_library(self) -> list[dict[str, Any]]:
        """The active standard hazard library items the service last published (kept on disk); none before."""
        latest = self.outbox.latest("hazard-library")
        return latest["items"] if latest is not None else []

    def awards(self) -> dict[str, Any] | None:
        """The public list of awards the service last published (kept on disk), or None before the first."""
        return self.outbox.latest("awards")

    def categories(self) -> list[dict[str, Any]] | None:
        """The service's last category list, kept on disk; None before the first one arrived."""
        latest = self.outbox.latest("categories")
        return latest["categories"] if latest is not None else None

    def wait_connected(self, timeout: float) -> bool:
        """Block until the broker accepted the connection, at most ``timeout`` seconds."""
        return self._connected.wait(timeout)

    def wait_all_acked(self, timeout: float) -> bool:
        """Block until nothing is pending, at most ``timeout`` seconds; returns whether that happened."""
        return self._wait_for(lambda: not self.outbox.pending(limit=1), timeout)

    def wait_done(self, key: str, timeout: float) -> OutgoingMessage | None:
        """Block until this report / confirmation is done, at most ``timeout`` seconds; None if it is not."""
        if not self._wait_for(lambda: _is_done(self.outbox.get(key)), timeout):
            return None
        return self.outbox.get(key)

    def _wait_for(self, condition: Callable[[], bool], timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        with self._changed:
            while not condition():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._changed.wait(min(remaining, 0.5))
        return True

    def _send(self, messages: Sequence[OutgoingMessage], *, read_at: float) -> tuple[int, bool]:
        """Publish messages read from the outbox at ``read_at`` (monotonic) that nobody published since.

        Stops at the first refusal; returns (how many were published, whether all were offered).
        """
        if not self.connected:
            return 0, False
        sent: list[int] = []
        complete = True
        for message in messages:
            with self._lock:
                if message.id in self._in_flight or self._published_at.get(message.id, -1.0) >= read_at:
                    continue
                self._in_flight.add(message.id)
                self._published_at[message.id] = time.monotonic()
            info = self._publish_tracked(message.topic, message.payload, retain=False, message=message)
            if info.rc not in ACCEPTED_RC or info.rc == MQTTErrorCode.MQTT_ERR_NO_CONN:
                complete = False
            if info.rc in ACCEPTED_RC:
                sent.append(message.id)
            if not complete:
                break
        if sent:
            self.outbox.mark_sent(sent, at=self.clock())
        return len(sent), complete

    def _publish_tracked(self, topic: str, payload: dict[str, Any], *, retain: bool,
                         message: OutgoingMessage | None = None) -> mqtt.MQTTMessageInfo:
        """Publish at QoS 1 and remember the mid, so its PUBACK finds the message; never called under a lock."""
        info = self._mqtt.publish(topic, encode(payload), qos=1, retain=retain)
        if info.rc not in ACCEPTED_RC:
            logger.warning("publish refused; message stays pending", extra=self.log_extra | {
                "topic": topic, "rc": mqtt.error_string(info.rc)})
            if message is not None:
                with self._lock:  # not published: the next pass may send it
                    self._in_flight.discard(message.id)
                    self._published_at.pop(message.id, None)
            return info
        with self._lock:
            early = self._early.pop(info.mid, None)
            if early is None:
                self._mids[info.mid] = message
        if early is not None:
            self._puback(message, early)
        return info

    def _on_publish(self, client: mqtt.Client, userdata: Any, mid: int, reason_code: mqtt.ReasonCode,
                    properties: Properties | None) -> None:
        with self._lock:
            if mid not in self._mids:
                self._early[mid] = reason_code
                return
            message = self._mids.pop(mid)
        self._puback(message, reason_code)

    def _puback(self, message: OutgoingMessage | None, reason_code: mqtt.ReasonCode) -> None:
        """The broker has the message; a bulletin-read confirmation is then done."""
        if message is None:
            return
        with self._lock:
            self._in_flight.discard(message.id)
        if reason_code.is_failure:
            logger.warning("broker refused a message", extra=self.log_extra | {
                "key": message.key, "reason": str(reason_code)})
        elif message.kind == BULLETIN_READ and self.outbox.mark_delivered(message.id, at=self.clock()):
            self.notify_changed()

    def notify_changed(self) -> None:
        """Wake ``wait_all_acked``: an outgoing message is done."""
        with self._changed:
            self._changed.notify_all()

    def _on_connect(self, client: mqtt.Client, userdata: Any, flags: Any, reason_code: mqtt.ReasonCode,
                    properties: Properties | None) -> None:
        if reason_code.is_failure:
            logger.warning("broker refused the connection", extra=self.log_extra | {"reason": str(reason_code)})
            if reason_code.value in UNSUPPORTED_PROTOCOL:
                self._refused_v5(str(reason_code))
            else:  # e.g. bad credentials: the broker read our MQTT 5 well enough to answer it
                self._may_fall_back = False
            return
        self._may_fall_back = False  # this broker speaks our version: a later drop is the network's
        client.subscribe([(self.topics.ack, 1), (self.topics.notice, 1), (self.topics.bulletin, 1),
                          (self.topics.boards, 1), (self.topics.categories, 1),
                          (self.topics.family_messages, 1), (self.topics.hazard_library, 1),
                          (self.topics.awards, 1)])
        with self._lock:  # before connected is set: a report published from then on goes on this connection
            self._connected_at = time.monotonic()
        self._connected.set()
        self._publish_tracked(self.topics.status, status_payload("online", self.config.version, at=self.clock(),
                                                                    acks=self.config.acks),
                              retain=True)
        with self._lock:
            self._resend_all = True
        self._kick.set()
        logger.info("kiosk connected", extra=self.log_extra | {"session_present": flags.session_present})

    def _on_disconnect(self, client: mqtt.Client, userdata: Any, flags: Any, reason_code: mqtt.ReasonCode,
                       properties: Properties | None) -> None:
        if not self._connected.is_set():  # closed before any CONNACK: what a 3.1.1-only broker does to MQTT 5
            self._refused_v5(str(reason_code))
        self._connected.clear()
        logger.info("kiosk disconnected", extra=self.log_extra | {"reason": str(reason_code)})

    def _on_connect_fail(self, client: mqtt.Client, userdata: Any) -> None:
        logger.info("broker unreachable; retrying", extra=self.log_extra | {"broker": str(self._address)})

    def _on_message(self, client: mqtt.Client, userdata: Any, msg: mqtt.MQTTMessage) -> None:
        try:
            inbound.dispatch(self, msg.topic, msg.payload)
        except Exception:
            logger.exception("could not handle a message", extra=self.log_extra | {"topic": msg.topic})

    def _resend_loop(self) -> None:
        """Until stop(): on every connect send everything pending, else resend what waited too long for its ack."""
        tick = max(0.05, self.config.resend_interval / 2)
        while not self._stopping.is_set():
            self._kick.wait(tick)
            self._kick.clear()
            with self._lock:
                fall_back, self._fall_back = self._fall_back, False
            if fall_back and not self._stopping.is_set():
                self._use_mqtt_311()
            if self._stopping.is_set() or not self.connected:
                continue
            try:
                self._resend_due()
            except Exception:
                logger.exception("resend failed; will retry", extra=self.log_extra)

    def _resend_due(self) -> None:
        """Send pending messages page by page (all of them after a connect, else those sent too long ago)."""
        horizon = time.monotonic() - SNAPSHOT_HORIZON
        with self._lock:
            resend_all, self._resend_all = self._resend_all, False
            connected_at = self._connected_at
            self._published_at = {key: at for key, at in self._published_at.items() if at >= horizon}
        now = self.clock()
        cutoff = now if resend_all else now - timedelta(seconds=self.config.resend_interval)
        after_id, total = 0, 0
        for _ in range(MAX_PAGES):
            read_at = time.monotonic()
            due = self.outbox.due(sent_before=cutoff, after_id=after_id, limit=self.config.resend_batch)
            # after a connect: what was published on this connection is not sent again (a report sent between
            # the connect and this pass would otherwise go twice)
            sent, complete = self._send(due, read_at=min(read_at, connected_at) if resend_all else read_at)
            total += sent
            if not complete or len(due) < self.config.resend_batch or self._stopping.is_set():
                break
            after_id = due[-1].id
        if total:
            logger.info("sent pending messages", extra=self.log_extra | {"sent": total, "after_connect": resend_all})


def _wait_published(info: mqtt.MQTTMessageInfo, timeout: float) -> bool:
    """Wait for a PUBACK at most ``timeout`` seconds; False when it did not come or the publish failed."""
    try:
        info.wait_for_publish(timeout)
    except (RuntimeError, ValueError):
        return False
    return info.is_published()


def _is_done(message: OutgoingMessage | None) -> bool:
    return message is not None and message.state != PENDING
