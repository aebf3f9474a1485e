"""Signed location tokens: ``{location code}.{key id}.{signature}`` in ``/r/{token}`` URLs.

The signature is an HMAC-SHA256 of the location code and key id under that key's secret,
cut to 96 bits and base64url-encoded (16 characters), so a typical URL stays under 80
characters and prints as a small, robust QR code. Keys come from ``SAFETY_QR_KEYS``
(``kid:secret,kid:secret``); the first one signs, every listed one verifies, so a key is
rotated by putting a new one first and retired — with all its prints — by removing it.
"""

import base64
import hashlib
import hmac
import logging
import re
from dataclasses import dataclass
from enum import StrEnum

from sqlmodel import Session, select

from safety_service.config import Settings
from safety_service.errors import DomainError
from safety_service.locations.models import Location

logger = logging.getLogger(__name__)

KEY_ID_PATTERN = re.compile(r"^[A-Za-z0-9]{1,8}$")
CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$")
SIGNATURE_LENGTH = 16
DERIVED_KEY_ID = "k0"
MIN_SECRET_LENGTH = 16


class RejectReason(StrEnum):
    malformed = "malformed"
    unknown_key = "unknown_key"
    bad_signature = "bad_signature"
    retired_location = "retired_location"


class TokenRejected(DomainError):
    """A location token that is forged, altered, signed by a retired key or names no active location."""

    def __init__(self, reason: RejectReason, message: str) -> None:
        super().__init__(message, field="token", reason=str(reason))
        self.reason = reason


class InvalidKeyring(ValueError):
    """``SAFETY_QR_KEYS`` is not a list of ``kid:secret`` pairs."""


@dataclass(frozen=True)
class Keyring:
    """The QR signing keys: the first signs, all verify."""

    keys: dict[str, bytes]
    signing_key_id: str


def keyring(settings: Settings) -> Keyring:
    """The keys of ``SAFETY_QR_KEYS``; without any, one key derived from the secret key."""
    if not settings.qr_keys.strip():
        derived = hmac.new(settings.signing_key.encode(), b"safety-qr-location-token", hashlib.sha256).digest()
        return Keyring({DERIVED_KEY_ID: derived}, DERIVED_KEY_ID)
    keys: dict[str, bytes] = {}
    for entry in settings.qr_keys.split(","):
        kid, sep, secret = entry.strip().partition(":")
        if not sep or not KEY_ID_PATTERN.match(kid) or len(secret) < MIN_SECRET_LENGTH or kid in keys:
            raise InvalidKeyring(f"SAFETY_QR_KEYS: {entry.strip()[:12]!r}… is not 'kid:secret' with a 1-8 "
                                 f"letter/digit key id and a secret of at least {MIN_SECRET_LENGTH} characters")
        keys[kid] = secret.encode()
    return Keyring(keys, next(iter(keys)))


def _signature(secret: bytes, code: str, kid: str) -> str:
    digest = hmac.new(secret, f"location:{code}.{kid}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode()[:SIGNATURE_LENGTH]


def sign(ring: Keyring, code: str) -> str:
    """The token for a location code, signed with the current signing key."""
    if not CODE_PATTERN.match(code):
        raise ValueError(f"not a location code: {code!r}")
    return f"{code}.{ring.signing_key_id}.{_signature(ring.keys[ring.signing_key_id], code, ring.signing_key_id)}"


def report_url(settings: Settings, code: str) -> str:
    """The URL a location's QR code holds."""
    return f"{settings.base_url}/r/{sign(keyring(settings), code)}"


def verify(ring: Keyring, token: str) -> str:
    """The location code of a genuine token; TokenRejected for anything else."""
    code, _, rest = token.rpartition(".")
    code, _, kid = code.rpartition(".")
    if not (CODE_PATTERN.match(code) and KEY_ID_PATTERN.match(kid) and len(rest) == SIGNATURE_LENGTH):
        raise TokenRejected(RejectReason.malformed, "the token is not a location token")
    secret = ring.keys.get(kid)
    if secret is None:
        raise TokenRejected(RejectReason.unknown_key, f"the token was signed with key {kid!r}, which is not valid")
    if not hmac.compare_digest(_signature(secret, code, kid), rest):
        logger.warning("forged or altered location token", extra={"location": code, "key_id": kid})
        raise TokenRejected(RejectReason.bad_signature, "the token's signature does not match")
    return code


def active_location(session: Session, code: str) -> Location:
    """The active location a verified token names; TokenRejected when it is gone or retired."""
    location = session.exec(select(Location).where(Location.code == code)).first()
    if location is None or not location.active:
        raise TokenRejected(RejectReason.retired_location, f"location {code!r} no longer takes reports")
    return location
