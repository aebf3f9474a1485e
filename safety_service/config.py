"""One typed settings object, read from ``SAFETY_`` environment variables."""

import contextlib
import ipaddress
import os
import socket
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, ValidationInfo, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from safety_service import keyfiles

# The key earlier versions used when none was set: public, so never a key again.
LEGACY_SECRET_KEY = "change-me-development-only-this-is-not-a-secret"
MIN_PRODUCTION_SECRET = 32
MIN_METRICS_TOKEN = 16
# Every MQTT client id of the service starts with this, and no kiosk id may (docs/security.md, "MQTT client ids").
SERVICE_CLIENT_ID_PREFIX = "safety-"
# The QR codes' base URL outside `serve` when SAFETY_PUBLIC_URL is not set (serve's default address).
DEFAULT_PUBLIC_URL = "http://localhost:8000"


# Who runs where: the numbers of docs/concurrency.md that are not settings (the reasons and the
# measurements behind them are there). Read them through ``Settings.concurrency``.
# SQLite's reads are CPU work under the GIL, so a few threads serve more than many.
SQLITE_WORKER_THREADS = 4
# The hazard list's threads on PostgreSQL wait on round trips: enough to keep several queries at the server.
POSTGRESQL_READ_THREADS = 8
# The hazard list's own connections on the event loop (AsyncReads, PostgreSQL only).
POSTGRESQL_READ_CONNECTIONS = 8
# How long the list waits for one of those connections before the read threads answer instead.
ASYNC_CONNECTION_WAIT_SECONDS = 1.0
# QR report submissions at work at once (each may hold a photo of up to SAFETY_PHOTO_MAX_BYTES).
REPORT_SUBMISSIONS_AT_ONCE = 64
# Connections beyond SAFETY_DB_POOL_SIZE for the work outside requests (the intake's writer,
# the outbox relay, the scheduler), so requests (at most the pool size at once) never starve it.
BACKGROUND_CONNECTIONS = 10
# The most QR reports one commit of their group-commit writer takes.
REPORT_BATCH_SIZE = 500
# The most kiosk messages one commit of the intake's writer takes unless SAFETY_MQTT_BATCH_SIZE says. SQLite's
# one writer pays a WAL fsync a commit, so a backlog goes in bigger batches (500 -> 2,000: 44-46 % -> 51 % of the
# raw broker rate); PostgreSQL's two writers take turns at the year's reference counter, and bigger batches let
# them overlap less (2,000: 43 % against 48 %). docs/performance.md, fifteenth session.
SQLITE_MQTT_BATCH_SIZE = 2000
POSTGRESQL_MQTT_BATCH_SIZE = 500
# A batch of kiosk messages also ends once its payloads reach this many bytes (photos ride in reports), so a
# writer holds a bounded amount, whatever the count.
MQTT_BATCH_BYTES = 64 * 1024 * 1024
# The intake's writer processes on PostgreSQL unless SAFETY_MQTT_WRITERS says: while one waits on the
# server, another parses. SQLite takes one writer at a time, so it has one.
POSTGRESQL_INTAKE_WRITERS = 2
# Password hashes (argon2) at once: half the cores, so the other half stays free for reports and pages.
PASSWORD_HASHES_AT_ONCE = max(1, (os.cpu_count() or 2) // 2)


@dataclass(frozen=True)
class Concurrency:
    """How many of each kind of work a process runs at once, and on what (docs/concurrency.md)."""

    requests_at_once: int  # HTTP requests at work (ConcurrencyLimit): one pooled connection each
    report_submissions_at_once: int  # QR report submissions at work, in their own lane of the same limit
    worker_threads: int  # anyio's threads for sync routes: never more than pooled connections
    read_threads: int  # the hazard list's threads (ReadThreads)
    async_read_connections: int  # the hazard list's connections on the event loop (AsyncReads, PostgreSQL)
    async_connection_wait_seconds: float  # the list's wait for one of them before the threads answer
    pool_size: int  # the engine's pooled connections for requests
    background_connections: int  # the engine's connections beyond the pool, for the writers, relay and jobs
    report_batch_size: int  # QR reports per commit of their group-commit writer
    mqtt_batch_size: int  # kiosk messages per commit of the intake's group-commit writer
    mqtt_batch_bytes: int  # payload bytes after which such a batch takes no more
    mqtt_writers: int  # the intake's writer processes, each kiosk's messages in one of them
    photo_decodes: int  # photos decoded at once
    password_hashes_at_once: int  # argon2 hashes at once (sign-in, password changes)

    @classmethod
    def of(cls, settings: "Settings") -> "Concurrency":
        """The numbers for these settings: few threads on SQLite, threads bounded by connections."""
        pool, sqlite = settings.db_pool_size, settings.is_sqlite
        return cls(
            requests_at_once=pool, report_submissions_at_once=REPORT_SUBMISSIONS_AT_ONCE,
            worker_threads=min(pool, SQLITE_WORKER_THREADS) if sqlite else pool,
            read_threads=1 if sqlite else min(pool, POSTGRESQL_READ_THREADS),
            async_read_connections=min(pool, POSTGRESQL_READ_CONNECTIONS),
            async_connection_wait_seconds=ASYNC_CONNECTION_WAIT_SECONDS,
            pool_size=pool, background_connections=BACKGROUND_CONNECTIONS,
            report_batch_size=REPORT_BATCH_SIZE, mqtt_batch_bytes=MQTT_BATCH_BYTES,
            mqtt_batch_size=settings.mqtt_batch_size or (SQLITE_MQTT_BATCH_SIZE if sqlite else POSTGRESQL_MQTT_BATCH_SIZE),
            mqtt_writers=settings.mqtt_writers or (1 if sqlite else POSTGRESQL_INTAKE_WRITERS),
            photo_decodes=settings.photo_max_decodes, password_hashes_at_once=PASSWORD_HASHES_AT_ONCE,
        )


class InsecureSettings(RuntimeError):
    """The settings are not safe for a production start."""


class Settings(BaseSettings):
    """Every setting of the service; see the README for each one."""

    model_config = SettingsConfigDict(env_prefix="SAFETY_", env_file=".env", extra="ignore")

    env: str = Field("development", pattern="^(development|production|test)$")
    data_dir: str = "./data"
    database_url: str = ""  # a SQLite file in data_dir when not set
    database_password_file: str = ""  # the password of database_url's user, kept out of the URL (a Docker secret)
    db_pool_size: int = Field(20, ge=1, le=500)
    mqtt_enabled: bool = True
    mqtt_url: str = "embedded"
    mqtt_embedded_port: int = Field(1883, ge=1, le=65535)
    mqtt_embedded_host: str = "127.0.0.1"
    mqtt_client_id: str = Field("", max_length=64, pattern=rf"^({SERVICE_CLIENT_ID_PREFIX}[A-Za-z0-9_.-]+)?$")
    mqtt_protocol: str = Field("5", pattern=r"^(5|3\.1\.1)$")
    mqtt_shared_group: str = Field("safety-intake", pattern=r"^[A-Za-z0-9_-]*$")
    mqtt_ack_qos: int = Field(1, ge=0, le=1)  # the QoS of the acks to kiosks (docs/kiosk-protocol.md says why either holds)
    mqtt_password_file: str = ""
    mqtt_acl_file: str = ""
    mqtt_broker_pid_file: str = ""
    mqtt_ca_file: str = ""
    mqtt_batch_size: int = Field(0, ge=0, le=10_000)  # 0: 2,000 on SQLite, 500 on PostgreSQL
    mqtt_writer_process: bool = True  # the intake's batches written by a child process (docs/concurrency.md)
    mqtt_writers: int = Field(0, ge=0, le=16)  # how many such children; 0: 1 on SQLite, 2 on PostgreSQL
    site: str = "tianchen"
    site_name: str = "田陈煤矿"
    public_url: str = ""
    secret_key: str = ""  # generated into data_dir when not set (not in production)
    token_expire_minutes: int = Field(12 * 60, ge=1)
    login_max_failures: int = Field(10, ge=0)  # per account; 0: no limit
    login_max_failures_per_address: int = Field(50, ge=0)  # per client address; 0: no limit
    login_lockout_seconds: float = Field(300.0, ge=1)
    timezone: str = "Asia/Shanghai"
    scheduler_enabled: bool = True
    scheduler_interval_seconds: float = Field(60.0, gt=0)
    escalate_officer_after_hours: float = Field(24.0, gt=0)
    escalate_chief_after_hours: float = Field(72.0, gt=0)
    escalate_major_officer_after_hours: float = Field(4.0, gt=0)
    escalate_major_chief_after_hours: float = Field(12.0, gt=0)
    warn_general_before_hours: float = Field(24.0, ge=0)  # 0: no warning
    warn_major_before_hours: float = Field(72.0, ge=0)
    urgent_ack_minutes: float = Field(10.0, gt=0)
    notify_poll_seconds: float = Field(2.0, gt=0)
    notify_timeout_seconds: float = Field(5.0, gt=0, le=60)
    notify_retry_seconds: float = Field(30.0, gt=0)
    notify_max_attempts: int = Field(8, ge=1, le=50)
    notify_lease_seconds: float = Field(120.0, ge=10)
    daily_digest_time: str = Field("07:30", pattern=r"^([01]\d|2[0-3]):[0-5]\d$|^$")  # local time; empty: none
    rating_change_days: int = Field(3, ge=0, le=30)  # a reporter may change their rating this long; 0: never
    ten_day_summary_time: str = Field("08:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$|^$")  # local; empty: none
    counselling_observation_days: int = Field(30, ge=1, le=365)
    counselling_session_interval_days: int = Field(14, ge=1, le=365)
    counselling_auto_open: bool = True
    family_link_days: int = Field(90, ge=1, le=365)  # how long a family co-supervisor's phone link lasts by default
    log_level: str = "INFO"
    log_format: str = Field("text", pattern="^(text|json)$")
    opentelemetry: bool = False
    metrics_token: str = ""  # GET /metrics for a bearer of this token; unset: no /metrics at all
    qr_keys: str = ""
    qr_font: str = ""
    photo_max_bytes: int = Field(10 * 1024 * 1024, ge=1024)
    photo_max_pixels: int = Field(32_000_000, ge=10_000)
    photo_max_decodes: int = Field(2, ge=1, le=64)
    photo_max_side: int = Field(1600, ge=200, le=8000)
    public_rate_per_minute: int = Field(120, ge=0)
    report_rate_per_minute: int = Field(12, ge=0)
    console_cookie_secure: bool | None = None
    trusted_proxies: str = ""
    console_page_size: int = Field(25, ge=5, le=200)
    console_poll_seconds: int = Field(15, ge=0)
    console_stats_ttl_seconds: float = Field(300.0, ge=0)
    triage_hours: float = Field(24.0, gt=0)
    verification_hours: float = Field(48.0, gt=0)
    reward_general_points: int = Field(10, ge=0)
    reward_major_points: int = Field(50, ge=0)
    reward_major_bonus_points: int = Field(100, ge=0)

    @model_validator(mode="after")
    def _database_in_data_dir(self) -> "Settings":
        if not self.database_url:
            self.database_url = f"sqlite:///{self.data_dir.rstrip('/')}/safety.db"
        if self.database_password_file:
            with contextlib.suppress(ArgumentError):  # a malformed URL fails where the engine is made, naming it
                url = make_url(self.database_url).set(password=_password_from(self.database_password_file))
                self.database_url = url.render_as_string(hide_password=False)
        return self

    @field_validator("mqtt_writers")
    @classmethod
    def _one_writer_on_sqlite(cls, value: int, info: ValidationInfo) -> int:
        """SQLite (also the default when no database is set) takes one writer at a time."""
        if value > 1 and (info.data.get("database_url") or "sqlite").startswith("sqlite"):
            raise ValueError(f"{value} on SQLite, which takes one writer at a time: 0 or 1")
        return value

    @field_validator("database_password_file")
    @classmethod
    def _password_for_a_server(cls, value: str, info: ValidationInfo) -> str:
        """A readable, non-empty file, for a server database whose URL carries no password of its own."""
        if not value:
            return value
        try:
            url = make_url(info.data.get("database_url") or "sqlite://")
        except ArgumentError:
            return value  # the URL's own error is the one to read
        if url.drivername.startswith("sqlite"):
            raise ValueError("set for a SQLite database, which takes no password")
        if url.password is not None:
            raise ValueError("SAFETY_DATABASE_URL holds a password too: keep one of them")
        _password_from(value)
        return value

    @field_validator("secret_key")
    @classmethod
    def _not_the_public_key(cls, value: str) -> str:
        if value.strip() == LEGACY_SECRET_KEY:
            raise ValueError("SAFETY_SECRET_KEY is the old public default; unset it (a random key is generated "
                             "and kept in SAFETY_DATA_DIR) or set a long random value")
        return value

    @field_validator("metrics_token")
    @classmethod
    def _long_token(cls, value: str) -> str:
        if value and len(value) < MIN_METRICS_TOKEN:
            raise ValueError(f"SAFETY_METRICS_TOKEN must be at least {MIN_METRICS_TOKEN} characters "
                             "(for example: python -c 'import secrets; print(secrets.token_urlsafe(32))')")
        return value

    @field_validator("public_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @field_validator("mqtt_ca_file")
    @classmethod
    def _readable_ca_file(cls, value: str) -> str:
        if value and not Path(value).is_file():
            raise ValueError(f"no CA certificate file at {value!r}")
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _addresses(cls, value: str) -> str:
        """A comma-separated list of IP addresses or networks (uvicorn's forwarded-allow-ips), or ``*``."""
        items = [item.strip() for item in value.split(",") if item.strip()]
        for item in items:
            if item != "*":
                ipaddress.ip_network(item, strict=False)  # a ValueError names the bad item
        return ",".join(items)

    @property
    def cookie_secure(self) -> bool:
        """Whether the console's cookie is Secure: as set, else whether the public URL is HTTPS."""
        if self.console_cookie_secure is not None:
            return self.console_cookie_secure
        return self.public_url.lower().startswith("https://")

    @property
    def base_url(self) -> str:
        """The base URL printed into QR codes: SAFETY_PUBLIC_URL, or what `serve` took from its address."""
        return self.public_url or DEFAULT_PUBLIC_URL

    @property
    def concurrency(self) -> Concurrency:
        """The concurrency settings as one group (docs/concurrency.md)."""
        return Concurrency.of(self)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def sqlite_path(self) -> Path | None:
        """The SQLite database file, or None for another database or in-memory."""
        if not self.is_sqlite:
            return None
        path = self.database_url.split(":///", 1)[-1]
        return None if path in ("", ":memory:") else Path(path)

    @property
    def signing_key(self) -> str:
        """The secret key; never an empty one (settings not passed through ``with_keys``)."""
        if not self.secret_key.strip():
            raise InsecureSettings("no secret key: set SAFETY_SECRET_KEY, or start through get_settings/create_app "
                                   "to have one generated in SAFETY_DATA_DIR")
        return self.secret_key

    def with_keys(self) -> "Settings":
        """These settings with the keys not set taken from ``data_dir`` (generated on first start).

        Without ``SAFETY_SECRET_KEY`` the secret key is ``secret.key`` (never generated in production,
        where ``check_production`` refuses to start without one). Without ``SAFETY_QR_KEYS`` the QR keys
        are ``qr.keys`` when it exists or the secret key is generated too; else (a secret key set, no
        file) the QR key ``k0`` is derived from the secret key, as in earlier versions.
        """
        folder, update = Path(self.data_dir), {}
        generate = not self.secret_key.strip() and self.env != "production"
        if generate:
            update["secret_key"] = keyfiles.load_or_create(folder / keyfiles.SECRET_FILE, keyfiles.new_secret)
        qr_file = folder / keyfiles.QR_KEYS_FILE
        if not self.qr_keys.strip() and (generate or qr_file.exists()):
            update["qr_keys"] = keyfiles.load_or_create(qr_file, keyfiles.new_qr_keys)
        return self.model_copy(update=update) if update else self

    def check_production(self) -> None:
        """Refuse a production start with a missing or short secret key, or a public URL on this machine."""
        if self.env != "production":
            return
        if not self.secret_key.strip():
            raise InsecureSettings(
                "SAFETY_SECRET_KEY is not set; set a long random value "
                "(for example: python -c 'import secrets; print(secrets.token_urlsafe(48))') "
                "before starting with SAFETY_ENV=production."
            )
        if len(self.secret_key) < MIN_PRODUCTION_SECRET:
            raise InsecureSettings(f"SAFETY_SECRET_KEY must be at least {MIN_PRODUCTION_SECRET} characters "
                                   "in production.")
        if _on_this_machine(urlsplit(self.public_url).hostname or ""):
            raise InsecureSettings(f"SAFETY_PUBLIC_URL is {self.public_url!r}: QR labels would point at the phone "
                                   "itself; set the address phones reach the service at.")


def _password_from(password_file: str) -> str:
    """The first line of the database password file."""
    try:
        lines = Path(password_file).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"cannot read {password_file!r}: {exc}") from None
    if not lines or not lines[0]:
        raise ValueError(f"{password_file!r} is empty")
    return lines[0]


def _on_this_machine(host: str) -> bool:
    if host in ("", "localhost") or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def served_url(host: str, port: int) -> str:
    """The base URL of `serve --host HOST --port PORT` as a phone on the mine's network reaches it: on
    every interface (0.0.0.0, ::), the machine's address on its network, not a name phones cannot resolve."""
    if host in ("0.0.0.0", "::", ""):
        host = _network_address()
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}" + ("" if port == 80 else f":{port}")


def _network_address() -> str:
    """This machine's address on the network its default route leads to, else its name."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1; a UDP connect sends nothing, it picks the interface
            address: str = probe.getsockname()[0]
            return address
        except OSError:
            return socket.gethostname()


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings().with_keys()
