"""Signing in and out of the console (a session on the server, named by a cookie; CSRF-protected forms)."""

import logging
from typing import Annotated

from fastapi import APIRouter, Form, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from safety_service.api.deps import SessionDep, SessionFactory, SettingsDep, WriteSessions
from safety_service.api.signin import SignInDep, client_address
from safety_service.clock import utc_now
from safety_service.console import session as console_session
from safety_service.console.deps import ConsoleRoute, Csrf, SessionCookie
from safety_service.console.rendering import render
from safety_service.errors import AuthenticationFailed
from safety_service.people import service as people_service
from safety_service.people.throttle import SignInThrottled

logger = logging.getLogger(__name__)
router = APIRouter(route_class=ConsoleRoute)


def _safe_next(target: str | None) -> str:
    """Only a path inside the console: never an open redirect to another site."""
    if target and target.startswith("/console/") and not target.startswith("//"):
        return target
    return "/console/"


def _login_page(request: Request, settings: SettingsDep, cookie: SessionCookie, *, status: int = 200,
                error: str | None = None, username: str = "", **error_params: object) -> Response:
    anonymous = cookie if cookie is not None and cookie.session_id is None else console_session.fresh()
    response = render(request, "login.html", status=status, csrf=anonymous.csrf, error=error, username=username,
                      error_params=error_params, next=_safe_next(request.query_params.get("next")), user=None)
    console_session.write(response, anonymous, settings)
    return response


@router.get("/login")
def login_page(request: Request, settings: SettingsDep, cookie: SessionCookie) -> Response:
    """The sign-in form."""
    return _login_page(request, settings, cookie)


@router.post("/login", dependencies=[Csrf])
async def login(request: Request, sessions: SessionFactory, writes: WriteSessions, settings: SettingsDep,
                sign_in: SignInDep, cookie: SessionCookie, username: Annotated[str, Form()] = "",
                password: Annotated[str, Form()] = "", next: Annotated[str, Form()] = "/console/") -> Response:
    """Check the password (throttled, outside any transaction) and start a session with a new CSRF token."""
    name = username.strip()[:64]
    try:
        user = await sign_in.check(sessions, username=name, password=password[:128], address=client_address(request))
    except SignInThrottled as exc:
        logger.warning("console sign-in throttled", extra={"username": name, "retry_after": exc.retry_after})
        response = _login_page(request, settings, cookie, status=429, error="console.login.throttled",
                               username=username, seconds=exc.retry_after)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    except AuthenticationFailed:
        logger.info("console sign-in refused", extra={"username": name})
        return _login_page(request, settings, cookie, status=401, error="console.login.failed", username=username)

    def start() -> str:
        with writes() as session:
            session_id = people_service.start_console_session(session, user=user, now=utc_now(),
                                                              minutes=settings.token_expire_minutes)
            session.commit()
            return session_id

    response = RedirectResponse(_safe_next(next), status_code=303)
    console_session.write(response, console_session.fresh(await run_in_threadpool(start)), settings)
    logger.info("console sign-in", extra={"user_id": user.id, "role": str(user.role)})
    return response


@router.post("/logout", dependencies=[Csrf])
def logout(session: SessionDep, settings: SettingsDep, cookie: SessionCookie) -> Response:
    """End the session on the server: its cookie no longer opens anything, wherever it was copied."""
    if cookie is not None and cookie.session_id:
        people_service.end_console_session(session, session_id=cookie.session_id)
        session.commit()
    response = RedirectResponse("/console/login", status_code=303)
    console_session.clear(response, settings)
    return response
