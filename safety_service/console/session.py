"""The console's session: a signed, HTTP-only, SameSite cookie holding a session id and a CSRF token.

The cookie is signed with ``SAFETY_SECRET_KEY`` (itsdangerous) and expires after
``SAFETY_TOKEN_EXPIRE_MINUTES``. A signed-in cookie names a session row on the server
(``people.models.ConsoleSession``): signing out deletes it, so the cookie then opens nothing. Every
form carries the session's CSRF token, and a POST whose token does not match is refused.
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
    """What the cookie says: the signed-in session's id (if any) and the token every form must echo."""

    csrf: str
    session_id: str | None = None


def _serializer(settings: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.signing_key, salt=_SALT)


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
    session_id = data.get("sid")
    return ConsoleSession(csrf=data["csrf"], session_id=session_id if isinstance(session_id, str) else None)


def fresh(session_id: str | None = None) -> ConsoleSession:
    """A new session with a new CSRF token (a new one at every sign-in: no session fixation)."""
    return ConsoleSession(csrf=secrets.token_urlsafe(24), session_id=session_id)


def write(response: Response, session: ConsoleSession, settings: Settings) -> None:
    """Set the signed cookie: HTTP-only, SameSite=Lax, Secure when the public URL is HTTPS (or as SAFETY_CONSOLE_COOKIE_SECURE says)."""
    value = _serializer(settings).dumps({"csrf": session.csrf, "sid": session.session_id})
    response.set_cookie(COOKIE, value, max_age=settings.token_expire_minutes * 60, path="/console",
                        httponly=True, samesite="lax", secure=settings.cookie_secure)


def clear(response: Response, settings: Settings) -> None:
    """Forget the session (sign out)."""
    response.delete_cookie(COOKIE, path="/console", httponly=True, samesite="lax",
                           secure=settings.cookie_secure)


def csrf_ok(session: ConsoleSession | None, submitted: object) -> bool:
    """Whether a form's token is the session's own (compared in constant time)."""
    if session is None or not isinstance(submitted, str) or not submitted:
        return False
    return hmac.compare_digest(session.csrf.encode(), submitted.encode())
