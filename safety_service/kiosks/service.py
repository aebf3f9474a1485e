"""Kiosks: registration with broker credentials, status, and the broker's password file and ACL."""

import base64
import hashlib
import hmac
import secrets
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from sqlalchemy import func
from sqlmodel import Session, col, select

from safety_service.clock import utc_now
from safety_service.database import saved_id
from safety_service.errors import AlreadyExists, DomainError, NotApplicable, NotFound
from safety_service.kiosks.models import Kiosk
from safety_service.kiosks.schemas import KioskCreate, KioskCredentials
from safety_service.locations import service as locations_service
from safety_service.locations.models import Location, Site
from safety_service.protocol.topics import KIOSK_READS, KIOSK_WRITES, SITE_RETAINED, board_topic, kiosk_topic
from safety_service.validation import broken_rules

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


def input_problems(session: Session, *, values: dict[str, str]) -> list[DomainError]:
    """Every rule of a new kiosk the typed values break, each checked alone (its id taken, an unknown or
    retired location), so a form names them all at once; add_kiosk checks them again."""
    return broken_rules({"kiosk_id": lambda kiosk_id: _free_id(session, kiosk_id),
                         "location_code": lambda code: locations_service.get_location(
                             session, code=code, field="location_code")}, values)


def _free_id(session: Session, kiosk_id: str) -> None:
    existing = session.exec(select(Kiosk).where(Kiosk.kiosk_id == kiosk_id)).first()
    if existing is not None:
        taken = "was removed; its id stays taken for its history" if existing.removed_at else "already exists"
        raise AlreadyExists(f"kiosk {kiosk_id!r} {taken}", field="kiosk_id")


def add_kiosk(session: Session, *, site: Site, data: KioskCreate) -> tuple[Kiosk, KioskCredentials]:
    """Register a kiosk at a location; returns it with its new credentials (the password only now)."""
    _free_id(session, data.kiosk_id)
    location = locations_service.get_location(session, code=data.location_code, field="location_code")
    password = secrets.token_urlsafe(18)
    kiosk = Kiosk(kiosk_id=data.kiosk_id, site_id=saved_id(site), location_id=saved_id(location),
                  password_hash=mosquitto_hash(password))
    session.add(kiosk)
    session.flush()
    return kiosk, _credentials(kiosk, site=site.code, password=password)


def _credentials(kiosk: Kiosk, *, site: str, password: str) -> KioskCredentials:
    return KioskCredentials(
        kiosk_id=kiosk.kiosk_id, username=kiosk.kiosk_id, password=password,
        report_topic=kiosk_topic(site, kiosk.kiosk_id, "report"), ack_topic=kiosk_topic(site, kiosk.kiosk_id, "ack"),
    )


def get_kiosk(session: Session, *, kiosk_id: str) -> Kiosk:
    """The kiosk with this id, or NotFound."""
    kiosk = session.exec(select(Kiosk).where(Kiosk.kiosk_id == kiosk_id)).first()
    if kiosk is None:
        raise NotFound(f"no kiosk {kiosk_id!r}", field="kiosk_id")
    return kiosk


def _present(session: Session, kiosk_id: str) -> Kiosk:
    """The kiosk, refusing one that was removed (NotApplicable)."""
    kiosk = get_kiosk(session, kiosk_id=kiosk_id)
    if kiosk.removed_at is not None:
        raise NotApplicable(f"kiosk {kiosk_id!r} was removed", field="kiosk_id")
    return kiosk


def disable_kiosk(session: Session, *, kiosk_id: str) -> Kiosk:
    """Shut a kiosk out of the broker until it is enabled again (its reports and history stay)."""
    kiosk = _present(session, kiosk_id)
    kiosk.active = False
    session.flush()
    return kiosk


def enable_kiosk(session: Session, *, kiosk_id: str) -> Kiosk:
    """Let a disabled kiosk connect again with the password it had."""
    kiosk = _present(session, kiosk_id)
    kiosk.active = True
    session.flush()
    return kiosk


def rotate_credentials(session: Session, *, site: str, kiosk_id: str) -> tuple[Kiosk, KioskCredentials]:
    """Give a kiosk a new password (shown only now); the old one stops working."""
    kiosk = _present(session, kiosk_id)
    password = secrets.token_urlsafe(18)
    kiosk.password_hash = mosquitto_hash(password)
    session.flush()
    return kiosk, _credentials(kiosk, site=site, password=password)


def remove_kiosk(session: Session, *, kiosk_id: str) -> Kiosk:
    """Retire a kiosk for good: it can never connect again, its id is never reused, its history stays.

    The row is kept rather than deleted: hazards reported through the kiosk refer to it, and its
    MQTT username names topics (and a broker session) that must not pass to another device.
    """
    kiosk = _present(session, kiosk_id)
    kiosk.active, kiosk.removed_at = False, utc_now()
    kiosk.password_hash = mosquitto_hash(secrets.token_urlsafe(32))  # no password of old matches it
    session.flush()
    return kiosk


def list_kiosks(session: Session) -> list[tuple[Kiosk, Location]]:
    """Every kiosk with its location, by id."""
    query = select(Kiosk, Location).join(Location).order_by(col(Kiosk.kiosk_id))
    return list(session.exec(query).all())


def set_status(kiosk: Kiosk, *, state: str, version: str | None, at: datetime,
               acks: Sequence[str] | None = None) -> None:
    """Record what the kiosk's retained status (or its last will) says; ``status_at`` is when the kiosk
    came to this status (a repeated status, such as the retained one on a reconnect, keeps it). Its ack
    version follows every status: kiosk-ack/2 once it lists it, back to kiosk-ack/1 when it no longer does
    (a kiosk rolled back to older software)."""
    if state != kiosk.status or kiosk.status_at is None:
        kiosk.status, kiosk.status_at = state, at
    if version:
        kiosk.software_version = version
    kiosk.ack_version = 2 if acks and "kiosk-ack/2" in acks else 1


def broker_acl(site: str, service_username: str) -> str:
    """Mosquitto ACL: the service reads and writes the site; each kiosk only its own topics."""
    own = kiosk_topic(site, "%u", "{kind}")
    lines = [
        "# Written by safety-service; do not edit by hand.",
        f"user {service_username}",
        f"topic readwrite safety/{site}/#",
        "",
        "# Kiosks: the MQTT username is the kiosk id.",
        *[f"pattern write {own.format(kind=kind)}" for kind in KIOSK_WRITES],
        *[f"pattern read {own.format(kind=kind)}" for kind in KIOSK_READS],
        f"pattern read {board_topic(site, '+')}",
        *[f"pattern read safety/{site}/{kind}" for kind in SITE_RETAINED],
    ]
    return "\n".join(lines) + "\n"


def broker_passwords(session: Session) -> str:
    """Mosquitto password file of the kiosks' listener: every active kiosk's account, never the service's."""
    kiosks = session.exec(select(Kiosk).where(col(Kiosk.active)).order_by(col(Kiosk.kiosk_id))).all()
    return "".join(f"{kiosk.kiosk_id}:{kiosk.password_hash}\n" for kiosk in kiosks)


def service_passwords_path(password_file: Path) -> Path:
    """The service listener's password file, beside the kiosks' (``docker/mosquitto.conf``)."""
    return password_file.with_name(f"service-{password_file.name}")


def write_broker_files(session: Session, *, site: str, service_username: str, service_password: str,
                       password_file: Path, acl_file: Path) -> None:
    """Write the kiosks' and the service's password files and the ACL atomically (the broker reloads
    them on SIGHUP). The service's account is only in its own file, for its own listener, where its
    instances keep their client ids; on the kiosks' listener every client id is the username."""
    service_line = f"{service_username}:{mosquitto_hash(service_password)}\n"
    for path, text in ((password_file, broker_passwords(session)),
                       (service_passwords_path(password_file), service_line),
                       (acl_file, broker_acl(site, service_username))):
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(path.suffix + ".tmp")
        temporary.write_text(text, encoding="utf-8")
        temporary.chmod(0o644)  # the broker may run as another user; the passwords are random tokens
        temporary.replace(path)


KIOSK_STATUSES = ("online", "offline", "unknown")


def count_by_status(session: Session) -> dict[str, int]:
    """Kiosks in service (active, not removed) by their last status: online, offline, unknown."""
    query = select(Kiosk.status, func.count()).where(col(Kiosk.active).is_(True), col(Kiosk.removed_at).is_(None)) \
        .group_by(Kiosk.status)
    counts = dict.fromkeys(KIOSK_STATUSES, 0)
    for status, count in session.exec(query).all():
        key = status if status in counts else "unknown"
        counts[key] += count
    return counts
