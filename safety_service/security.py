"""Password hashing (argon2) and signed access tokens (JWT)."""

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


def read_access_token(token: str, settings: Settings) -> int:
    """The user id a valid token names; raises AuthenticationFailed otherwise."""
    try:
        payload = jwt.decode(token, settings.secret_key, algorithms=[_ALGORITHM])
        if payload.get("typ") != "access":
            raise AuthenticationFailed("not an access token")
        return int(payload["sub"])
    except (jwt.PyJWTError, KeyError, ValueError) as exc:
        raise AuthenticationFailed("invalid or expired token") from exc
