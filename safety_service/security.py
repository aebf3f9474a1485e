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


def create_access_token(user_id: int, settings: Settings) -> str:
    """A signed token naming the user, valid for the configured minutes."""
    expires = utc_now() + timedelta(minutes=settings.token_expire_minutes)
    payload = {"sub": str(user_id), "exp": expires, "typ": "access"}
    return jwt.encode(payload, settings.secret_key, algorithm=_ALGORITHM)


def read_access_token(token: str, settings: Settings, *, now: float | None = None) -> int:
    """The user id a valid token names; raises AuthenticationFailed otherwise.

    ``now`` (seconds since the epoch) is for tests; the expiry is checked on every call, the
    signature once per token and key.
    """
    user_id, expires = _verified(token, settings.secret_key)
    if expires <= (time.time() if now is None else now):
        raise AuthenticationFailed("invalid or expired token")
    return user_id


@functools.lru_cache(maxsize=4096)
def _verified(token: str, key: str) -> tuple[int, float]:
    """The user id and expiry of a token whose signature and claims check out (a refused token
    raises, so only good ones are kept: a client sends the same token with every request)."""
    try:
        payload = jwt.decode(token, key, algorithms=[_ALGORITHM], options={"require": ["exp", "sub"]})
        if payload.get("typ") != "access":
            raise AuthenticationFailed("not an access token")
        return int(payload["sub"]), float(payload["exp"])
    except (jwt.PyJWTError, KeyError, ValueError, TypeError) as exc:
        raise AuthenticationFailed("invalid or expired token") from exc
