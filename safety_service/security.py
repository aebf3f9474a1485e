"""Password hashing (argon2) and signed access tokens (JWT)."""

import functools
import time
from datetime import timedelta

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from safety_service.clock import utc_now
from safety_service.config import Settings
from safety_service.errors import AuthenticationFailed

_hasher = PasswordHasher()
_ALGORITHM = "HS256"
# Hash of a random password, checked when the username is unknown so both paths cost the same.
_DUMMY_HASH = _hasher.hash("no-such-user-placeholder-password")


def hash_password(password: str) -> str:
    """An argon2id hash of the password."""
    return _hasher.hash(password)


def verify_password(password: str, hashed: str | None) -> bool:
    """Whether the password matches; always spends the hashing time."""
    try:
        return _hasher.verify(hashed or _DUMMY_HASH, password) and hashed is not None
    except (VerificationError, InvalidHashError):
        return False


def create_access_token(user_id: int, settings: Settings, *, version: int = 0) -> str:
    """A signed token naming the user and the account's token version, valid for the configured minutes.

    Raising the account's version (sign-out everywhere, a new password, disabling) ends the token.
    """
    expires = utc_now() + timedelta(minutes=settings.token_expire_minutes)
    payload = {"sub": str(user_id), "exp": expires, "typ": "access", "ver": version}
    return jwt.encode(payload, settings.signing_key, algorithm=_ALGORITHM)


def read_access_token(token: str, settings: Settings, *, now: float | None = None) -> tuple[int, int]:
    """The user id and token version a valid token names; raises AuthenticationFailed otherwise.

    ``now`` (seconds since the epoch) is for tests; the expiry is checked on every call, the
    signature once per token and key. The caller compares the version with the account's.
    """
    user_id, expires, version = _verified(token, settings.signing_key)
    if expires <= (time.time() if now is None else now):
        raise AuthenticationFailed("invalid or expired token")
    return user_id, version


@functools.lru_cache(maxsize=4096)
def _verified(token: str, key: str) -> tuple[int, float, int]:
    """The user id and expiry of a token whose signature and claims check out (a refused token
    raises, so only good ones are kept: a client sends the same token with every request)."""
    try:
        payload = jwt.decode(token, key, algorithms=[_ALGORITHM], options={"require": ["exp", "sub"]})
        if payload.get("typ") != "access":
            raise AuthenticationFailed("not an access token")
        return int(payload["sub"]), float(payload["exp"]), int(payload.get("ver", 0))
    except (jwt.PyJWTError, KeyError, ValueError, TypeError) as exc:
        raise AuthenticationFailed("invalid or expired token") from exc
