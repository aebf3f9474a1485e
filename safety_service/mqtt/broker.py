"""The embedded MQTT broker (amqtt) that ``serve`` runs by default, with the kiosks' Mosquitto ACL.

It is for one-command runs: development, demos, a small site. Production uses Mosquitto (``docker/``).
What amqtt 0.12.1 does differently, found by testing it: MQTT 3.1.1 only; a QoS 1 message in
flight to a client that drops, or that is not acknowledged within 5 s, is discarded rather than
resent (queued messages for an offline persistent session are kept, and arrive flagged retained).
It looks a CONNECT's client id up before checking its credentials (a refused clean-session CONNECT
wiped that client's session, a persistent one took its connection over), replays other clients'
retained messages, and never enforces the keep-alive: all three are corrected below. A kiosk's
client id is its username, as with Mosquitto's ``use_username_as_clientid``: no kiosk can connect
under another kiosk's id or the service's.
"""

import asyncio
import errno
import hmac
import logging
import secrets
import socket
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from amqtt.adapters import ReaderAdapter, WriterAdapter
from amqtt.broker import Broker
from amqtt.contexts import Action, BaseContext
from amqtt.errors import AMQTTError, BrokerError, MQTTError, NoDataError
from amqtt.mqtt.connack import NOT_AUTHORIZED, ConnackPacket
from amqtt.mqtt.protocol.broker_handler import BrokerProtocolHandler
from amqtt.plugins.base import BaseAuthPlugin, BasePlugin, BaseTopicPlugin
from amqtt.session import Session as MqttSession
from amqtt.utils import gen_client_id
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from safety_service.config import Settings
from safety_service.kiosks.models import Kiosk
from safety_service.kiosks.service import check_mosquitto_hash
from safety_service.mqtt.revocation import CredentialWatch
from safety_service.protocol.topics import KIOSK_READS, KIOSK_WRITES, SITE_RETAINED, board_topic, kiosk_topic

logger = logging.getLogger(__name__)

SERVICE_USERNAME = "safety-service"
CREDENTIALS_CHECK_SECONDS = 1.0
SESSION_EXPIRY_SECONDS = 7 * 24 * 3600
WATCHDOG_SECONDS = 1.0
WILDCARD_HOSTS = ("", "0.0.0.0", "::")


class BrokerPortTaken(RuntimeError):
    """The embedded broker cannot listen on its port."""


def port_taken(host: str, port: int, reason: object) -> BrokerPortTaken:
    """The error that tells an operator which setting to change."""
    return BrokerPortTaken(
        f"The embedded MQTT broker cannot listen on {host}:{port} ({reason}); another program, "
        f"such as Mosquitto, probably uses that port. Set SAFETY_MQTT_EMBEDDED_PORT to a free port "
        f"(for example SAFETY_MQTT_EMBEDDED_PORT={port + 1 if port < 65535 else 1884}), or set "
        f"SAFETY_MQTT_URL=mqtt://user:password@host:{port} to use the broker that is already running."
    )


@dataclass
class AccessPolicy:
    """Who may connect and which topics each may use: the service's account and the active kiosks."""

    engine: Engine
    site: str
    service_password: str

    async def authenticate(self, username: str | None, password: str | bytes | None) -> bool:
        """Whether these credentials are the service's or an active kiosk's; never anonymous."""
        if not username or password is None:
            return False
        secret = password.decode("utf-8", "replace") if isinstance(password, bytes) else password
        if username == SERVICE_USERNAME:
            return hmac.compare_digest(secret.encode(), self.service_password.encode())
        hashed = await asyncio.to_thread(self._load_hash, username)  # never cached: a disabled kiosk is out at once
        return hashed is not None and check_mosquitto_hash(secret, hashed)

    def allows(self, username: str | None, topic: str, action: Action) -> bool:
        """The Mosquitto ACL of ``kiosks.service.broker_acl``, for a topic or a subscription filter."""
        if not username or not topic:
            return False
        if username == SERVICE_USERNAME:
            return topic.startswith(f"safety/{self.site}/")
        if action == Action.PUBLISH:
            return topic in [kiosk_topic(self.site, username, kind) for kind in KIOSK_WRITES]
        readable = [kiosk_topic(self.site, username, kind) for kind in KIOSK_READS]
        boards = board_topic(self.site, "")
        is_board = topic.startswith(boards) and "/" not in topic[len(boards):] and "#" not in topic[len(boards):]
        shared = [f"safety/{self.site}/{kind}" for kind in SITE_RETAINED]
        return topic in [*readable, *shared] or is_board

    def _load_hash(self, kiosk_id: str) -> str | None:
        with Session(self.engine) as session:
            query = select(Kiosk.password_hash).where(Kiosk.kiosk_id == kiosk_id, col(Kiosk.active))
            return session.exec(query).first()


@dataclass
class Liveness:
    """When each client last sent a packet: amqtt 0.12 never enforces the keep-alive itself."""

    last_seen: dict[str, float] = field(default_factory=dict)

    def heard(self, client_id: str | None) -> None:
        """Note a packet from this client."""
        if client_id:
            self.last_seen[client_id] = time.monotonic()

    def silent_for(self, client_id: str) -> float:
        """Seconds since this client's last packet (zero when first asked)."""
        now = time.monotonic()
        return now - self.last_seen.setdefault(client_id, now)


@dataclass
class PluginConfig:
    """amqtt plugin configuration: the objects the plugins consult."""

    policy: Any = None
    liveness: Any = None


class KioskAuthPlugin(BaseAuthPlugin):
    """amqtt authentication against the service's account and the kiosk table."""

    Config = PluginConfig

    async def authenticate(self, *, session: MqttSession) -> bool:
        allowed = bool(await self.config.policy.authenticate(session.username, session.password))
        if not allowed:
            logger.warning("mqtt connection refused", extra={"username": session.username,
                                                             "client_id": session.client_id})
        return allowed


class KioskTopicPlugin(BaseTopicPlugin):
    """amqtt topic checks: publish, subscribe and receive as the Mosquitto ACL allows."""

    Config = PluginConfig

    async def topic_filtering(self, *, session: MqttSession | None = None, topic: str | None = None,
                              action: Action | None = None) -> bool:
        username = session.username if session else None
        return bool(self.config.policy.allows(username, topic or "", action))


class LivenessPlugin(BasePlugin[BaseContext]):
    """Feeds the keep-alive watchdog with every packet a client sends."""

    Config = PluginConfig

    async def on_mqtt_packet_received(self, *, packet: Any, session: MqttSession | None = None) -> None:
        if session is not None:
            self.config.liveness.heard(session.client_id)

    async def on_broker_client_connected(self, *, client_id: str, client_session: MqttSession) -> None:
        self.config.liveness.heard(client_id)

    async def on_broker_client_disconnected(self, *, client_id: str, client_session: MqttSession) -> None:
        self.config.liveness.last_seen.pop(client_id, None)


class _Broker(Broker):
    """amqtt's broker, checking credentials before a CONNECT touches any session, and sending a
    client only the retained messages of its own subscriptions."""

    def __init__(self, config: dict[str, Any], policy: AccessPolicy) -> None:
        super().__init__(config)
        self.policy = policy

    async def _initialize_client_session(self, reader: ReaderAdapter, writer: WriterAdapter, remote_address: str,
                                         remote_port: int) -> tuple[BrokerProtocolHandler, MqttSession]:
        try:
            handler, incoming = await BrokerProtocolHandler.init_from_connect(reader, writer, self.plugins_manager)
        except (AMQTTError, MQTTError, NoDataError):
            await writer.close()
            raise
        await self._admit(incoming, writer)
        return handler, await self._adopt_session(incoming)

    async def _admit(self, incoming: MqttSession, writer: WriterAdapter) -> None:
        """Refuse wrong credentials before anything else; a kiosk's client id becomes its username."""
        if not await self.policy.authenticate(incoming.username, incoming.password):
            logger.warning("mqtt connection refused", extra={"username": incoming.username,
                                                             "client_id": incoming.client_id})
            await ConnackPacket.build(0, NOT_AUTHORIZED).to_stream(writer)
            await writer.close()
            raise MQTTError(f"refused the credentials of {incoming.username!r}")
        if incoming.username != SERVICE_USERNAME and incoming.client_id != incoming.username:
            logger.info("mqtt kiosk given its own client id", extra={"username": incoming.username,
                                                                     "client_id": incoming.client_id})
            incoming.client_id = incoming.username

    async def _adopt_session(self, incoming: MqttSession) -> MqttSession:
        """amqtt 0.12.1's session lookup (``Broker._initialize_client_session``), for admitted clients only."""
        session = incoming
        if incoming.clean_session:
            if incoming.client_id:
                await self._delete_session(incoming.client_id)
            else:
                incoming.client_id = gen_client_id()
            incoming.parent = 0
        elif incoming.client_id in self._sessions:
            session, _ = self._sessions[incoming.client_id]
            for name in ("will_flag", "will_message", "will_topic", "will_qos", "keep_alive", "username", "password"):
                setattr(session, name, getattr(incoming, name))
            session.parent = 1
        else:
            incoming.parent = 0
        delay = self.config.get("timeout-disconnect-delay", 0)
        if session.keep_alive > 0 and isinstance(delay, int):
            session.keep_alive += delay
        return session

    async def _publish_retained_messages_for_subscription(self, subscription: tuple[str, int],
                                                          session: MqttSession) -> None:
        # amqtt 0.12.1 replays, on every connect, the retained messages matching *every* client's
        # filters, past the topic plugins: a kiosk would see other kiosks' status.
        subscribers = self.subscriptions.get(subscription[0], [])
        if any(subscriber.client_id == session.client_id for subscriber, _ in subscribers):
            await super()._publish_retained_messages_for_subscription(subscription, session)


class EmbeddedBroker:
    """An amqtt broker in the service's event loop, with the kiosks' credentials and ACL."""

    def __init__(self, settings: Settings, engine: Engine, *, host: str = "127.0.0.1") -> None:
        self.host, self.port = host, settings.mqtt_embedded_port
        self.policy = AccessPolicy(engine=engine, site=settings.site, service_password=secrets.token_urlsafe(24))
        self.liveness = Liveness()
        self._broker: _Broker | None = None
        self._watchdog: asyncio.Task[None] | None = None
        self._revoker: asyncio.Task[None] | None = None

    @property
    def service_url(self) -> str:
        """The service's own credentials on this broker, as a ``SAFETY_MQTT_URL``."""
        host = "127.0.0.1" if self.host in WILDCARD_HOSTS else self.host
        host = f"[{host}]" if ":" in host else host
        return f"mqtt://{SERVICE_USERNAME}:{quote(self.policy.service_password, safe='')}@{host}:{self.port}"

    def check_port(self) -> None:
        """Raise BrokerPortTaken when the port cannot be bound on the host."""
        try:
            with socket.create_server((self.host, self.port)):  # SO_REUSEADDR, as asyncio's server
                pass
        except OSError as exc:
            raise port_taken(self.host, self.port, exc.strerror or exc) from None

    async def start(self) -> None:
        """Listen in the running event loop; BrokerPortTaken when the port is in use."""
        self._broker = _Broker(self._config(), self.policy)
        try:
            await self._broker.start()
        except BrokerError as exc:
            self._broker = None
            if isinstance(exc.__cause__, OSError) and exc.__cause__.errno in (errno.EADDRINUSE, errno.EACCES):
                raise port_taken(self.host, self.port, exc.__cause__.strerror) from None
            raise
        self._watchdog = asyncio.create_task(self._watch_keepalive(), name="mqtt-keepalive")
        self._revoker = asyncio.create_task(self._watch_credentials(CredentialWatch(self.policy.engine)),
                                            name="mqtt-credentials")
        logger.info("embedded mqtt broker listening", extra={"host": self.host, "port": self.port})

    async def stop(self) -> None:
        """Close every connection and stop listening."""
        for task in (self._watchdog, self._revoker):
            if task is not None:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
        self._watchdog = self._revoker = None
        if self._broker is not None:
            await self._broker.shutdown()
            self._broker = None
            logger.info("embedded mqtt broker stopped", extra={"port": self.port})

    def _config(self) -> dict[str, Any]:
        bind = f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"
        plugin = {"policy": self.policy, "liveness": self.liveness}
        return {
            "listeners": {"default": {"type": "tcp", "bind": bind}},
            "session_expiry_interval": SESSION_EXPIRY_SECONDS,
            "plugins": {f"{__name__}.{cls.__name__}": plugin
                        for cls in (KioskAuthPlugin, KioskTopicPlugin, LivenessPlugin)},
        }

    async def _watch_keepalive(self) -> None:
        while True:
            await asyncio.sleep(WATCHDOG_SECONDS)
            for client_id, (session, handler) in list(self._broker.sessions.items() if self._broker else []):
                if session.transitions.is_connected() and session.keep_alive > 0 \
                        and self.liveness.silent_for(client_id) > 1.5 * session.keep_alive:
                    logger.info("mqtt client silent past its keep-alive", extra={"client_id": client_id})
                    await handler.handle_connection_closed()  # the broker then publishes its will

    async def _watch_credentials(self, watch: CredentialWatch) -> None:
        """Drop kiosks disabled, removed or given a new password since they connected (as Mosquitto on SIGHUP)."""
        while True:
            await asyncio.sleep(CREDENTIALS_CHECK_SECONDS)
            kiosks = {session.client_id: (session, handler)
                      for session, handler in (self._broker.sessions.values() if self._broker else [])
                      if session.transitions.is_connected() and session.username not in (None, SERVICE_USERNAME)}
            if not kiosks:
                continue
            passwords = [(client_id, session.username, _text(session.password))
                         for client_id, (session, _) in kiosks.items()]
            try:
                revoked = await asyncio.to_thread(watch.revoked, passwords)
            except Exception:  # the database is away: keep who is in, look again next time
                logger.exception("mqtt credential check failed")
                continue
            for client_id in revoked:
                logger.warning("mqtt kiosk dropped: account disabled, removed or given a new password",
                               extra={"username": kiosks[client_id][0].username, "client_id": client_id})
                await kiosks[client_id][1].handle_connection_closed()


def _text(password: str | bytes | None) -> str:
    return password.decode("utf-8", "replace") if isinstance(password, bytes) else password or ""
