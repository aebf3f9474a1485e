"""The console's session: a signed, HTTP-only, SameSite cookie holding the account id and a CSRF token.

The cookie is signed with ``SAFETY_SECRET_KEY`` (itsdangerous) and expires after
``SAFETY_TOKEN_EXPIRE_MINUTES``; nothing is stored on the server. Every form carries the
session's CSRF token, and a POST whose token does not match is refused.
"""

import hmac
import secrets
from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.requests import Request
from starlette.responses import Response

from safety_service.config import Settings

COOKIE = "console_session"
_SALT = "safety-console-session"


@dataclass(frozen=True)
class ConsoleSession:
    """What the cookie says: the signed-in account (if any) and the token every form must echo."""

    csrf: str
    user_id: int | None = None


def _serializer(settings: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.secret_key, salt=_SALT)


def read(request: Request, settings: Settings) -> ConsoleSession | None:
    """The session the request's cookie holds, or None when it is missing, forged or expired."""
    raw = request.cookies.get(COOKIE)
    if not raw:
        return None
    try:
        data = _serializer(settings).loads(raw, max_age=settings.token_expire_minutes * 60)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("csrf"), str):
        return None
    user_id = data.get("uid")
    return ConsoleSession(csrf=data["csrf"], user_id=user_id if isinstance(user_id, int) else None)


def fresh(user_id: int | None = None) -> ConsoleSession:
    """A new session with a new CSRF token (a new one at every sign-in: no session fixation)."""
    return ConsoleSession(csrf=secrets.token_urlsafe(24), user_id=user_id)


def write(response: Response, session: ConsoleSession, settings: Settings) -> None:
    """Set the signed cookie: HTTP-only, SameSite=Lax, Secure unless SAFETY_CONSOLE_COOKIE_SECURE is off."""
    value = _serializer(settings).dumps({"csrf": session.csrf, "uid": session.user_id})
    response.set_cookie(COOKIE, value, max_age=settings.token_expire_minutes * 60, path="/console",
                        httponly=True, samesite="lax", secure=settings.console_cookie_secure)


def clear(response: Response, settings: Settings) -> None:
    """Forget the session (sign out)."""
    response.delete_cookie(COOKIE, path="/console", httponly=True, samesite="lax",
                           secure=settings.console_cookie_secure)


def csrf_ok(session: ConsoleSession | None, submitted: object) -> bool:
    """Whether a form's token is the session's own (compared in constant time)."""
    if session is None or not isinstance(submitted, str) or not submitted:
        return False
    return hmac.compare_digest(session.csrf.encode(), submitted.encode())
