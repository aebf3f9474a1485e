"""Kiosks: registration with broker credentials, status, and the broker's password file and ACL."""

import base64
import hashlib
import hmac
import secrets
from datetime import datetime
from pathlib import Path

from sqlmodel import Session, col, select

from safety_service.errors import AlreadyExists, NotFound
from safety_service.kiosks.models import Kiosk
from safety_service.kiosks.schemas import KioskCreate, KioskCredentials
from safety_service.locations import service as locations_service
from safety_service.locations.models import Location, Site
from safety_service.mqtt.topics import bulletin_topic, kiosk_topic

PBKDF2_ITERATIONS = 101  # mosquitto_passwd's default for its $7$ format


def mosquitto_hash(password: str, *, salt: bytes | None = None, iterations: int = PBKDF2_ITERATIONS) -> str:
    """A password hash in Mosquitto's ``$7$`` format (PBKDF2-SHA512), as mosquitto_passwd writes it."""
    salt = salt or secrets.token_bytes(12)
    digest = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, iterations, 64)
    return f"$7${iterations}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def check_mosquitto_hash(password: str, hashed: str) -> bool:
    """Whether the password matches a ``$7$`` hash (for the embedded broker)."""
    try:
        _, kind, iterations, salt, digest = hashed.split("$")
        expected = hashlib.pbkdf2_hmac("sha512", password.encode(), base64.b64decode(salt), int(iterations), 64)
    except (ValueError, TypeError):
        return False
    return kind == "7" and hmac.compare_digest(expected, base64.b64decode(digest))


def add_kiosk(session: Session, *, site: Site, data: KioskCreate) -> tuple[Kiosk, KioskCredentials]:
    """Register a kiosk at a location; returns it with its new credentials (the password only now)."""
    if session.exec(select(Kiosk).where(Kiosk.kiosk_id == data.kiosk_id)).first() is not None:
        raise AlreadyExists(f"kiosk {data.kiosk_id!r} already exists", field="kiosk_id")
    location = locations_service.get_location(session, code=data.location_code, field="location_code")
    password = secrets.token_urlsafe(18)
    kiosk = Kiosk(kiosk_id=data.kiosk_id, site_id=site.id, location_id=location.id,
                  password_hash=mosquitto_hash(password))
    session.add(kiosk)
    session.flush()
    credentials = KioskCredentials(
        kiosk_id=kiosk.kiosk_id, username=kiosk.kiosk_id, password=password,
        report_topic=kiosk_topic(site.code, kiosk.kiosk_id, "report"),
        ack_topic=kiosk_topic(site.code, kiosk.kiosk_id, "ack"),
    )
    return kiosk, credentials


def get_kiosk(session: Session, *, kiosk_id: str) -> Kiosk:
    """The kiosk with this id, or NotFound."""
    kiosk = session.exec(select(Kiosk).where(Kiosk.kiosk_id == kiosk_id)).first()
    if kiosk is None:
        raise NotFound(f"no kiosk {kiosk_id!r}", field="kiosk_id")
    return kiosk


def list_kiosks(session: Session) -> list[tuple[Kiosk, Location]]:
    """Every kiosk with its location, by id."""
    query = select(Kiosk, Location).join(Location).order_by(col(Kiosk.kiosk_id))
    return list(session.exec(query).all())


def set_status(kiosk: Kiosk, *, state: str, version: str | None, at: datetime) -> None:
    """Record what the kiosk's retained status (or its last will) says."""
    kiosk.status, kiosk.status_at = state, at
    if version:
        kiosk.software_version = version


def broker_acl(site: str, service_username: str) -> str:
    """Mosquitto ACL: the service reads and writes the site; each kiosk only its own topics."""
    own = kiosk_topic(site, "%u", "{kind}")
    lines = [
        "# Written by safety-service; do not edit by hand.",
        f"user {service_username}",
        f"topic readwrite safety/{site}/#",
        "",
        "# Kiosks: the MQTT username is the kiosk id.",
        *[f"pattern write {own.format(kind=kind)}" for kind in ("report", "status", "bulletin-read")],
        *[f"pattern read {own.format(kind=kind)}" for kind in ("ack", "notice")],
        f"pattern read {bulletin_topic(site)}",
    ]
    return "\n".join(lines) + "\n"


def broker_passwords(session: Session, *, service_username: str, service_password: str) -> str:
    """Mosquitto password file: the service's account and every active kiosk's."""
    lines = [f"{service_username}:{mosquitto_hash(service_password)}"]
    for kiosk in session.exec(select(Kiosk).where(col(Kiosk.active)).order_by(col(Kiosk.kiosk_id))).all():
        lines.append(f"{kiosk.kiosk_id}:{kiosk.password_hash}")
    return "\n".join(lines) + "\n"


def write_broker_files(session: Session, *, site: str, service_username: str, service_password: str,
                       password_file: Path, acl_file: Path) -> None:
    """Write the password file and ACL atomically (the broker reloads them on SIGHUP)."""
    for path, text in ((password_file, broker_passwords(session, service_username=service_username,
                                                        service_password=service_password)),
                       (acl_file, broker_acl(site, service_username))):
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(path.suffix + ".tmp")
        temporary.write_text(text, encoding="utf-8")
        temporary.chmod(0o644)  # the broker may run as another user; the passwords are random tokens
        temporary.replace(path)
