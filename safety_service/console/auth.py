"""Signing in and out of the console (a session cookie; CSRF-protected forms)."""

import logging
from typing import Annotated

from fastapi import APIRouter, Form, Request
from starlette.responses import RedirectResponse, Response

from safety_service.api.deps import SessionDep, SettingsDep
from safety_service.console import session as console_session
from safety_service.console.deps import ConsoleRoute, Csrf, SessionCookie
from safety_service.console.rendering import render
from safety_service.errors import AuthenticationFailed
from safety_service.people import service as people_service

logger = logging.getLogger(__name__)
router = APIRouter(route_class=ConsoleRoute)


def _safe_next(target: str | None) -> str:
    """Only a path inside the console: never an open redirect to another site."""
    if target and target.startswith("/console/") and not target.startswith("//"):
        return target
    return "/console/"


def _login_page(request: Request, settings: SettingsDep, cookie: SessionCookie, *, status: int = 200,
                error: str | None = None, username: str = "") -> Response:
    anonymous = cookie if cookie is not None and cookie.user_id is None else console_session.fresh()
    response = render(request, "login.html", status=status, csrf=anonymous.csrf, error=error, username=username,
                      next=_safe_next(request.query_params.get("next")), user=None)
    console_session.write(response, anonymous, settings)
    return response


@router.get("/login")
def login_page(request: Request, settings: SettingsDep, cookie: SessionCookie) -> Response:
    """The sign-in form."""
    return _login_page(request, settings, cookie)


@router.post("/login", dependencies=[Csrf])
def login(request: Request, session: SessionDep, settings: SettingsDep, cookie: SessionCookie,
          username: Annotated[str, Form()] = "", password: Annotated[str, Form()] = "",
          next: Annotated[str, Form()] = "/console/") -> Response:
    """Check the password (argon2) and start a session with a new CSRF token."""
    try:
        user, _ = people_service.authenticate(session, username=username.strip()[:64], password=password[:128],
                                              settings=settings)
    except AuthenticationFailed:
        logger.info("console sign-in refused", extra={"username": username[:64]})
        return _login_page(request, settings, cookie, status=401, error="console.login.failed", username=username)
    response = RedirectResponse(_safe_next(next), status_code=303)
    console_session.write(response, console_session.fresh(user.id), settings)
    logger.info("console sign-in", extra={"user_id": user.id, "role": str(user.role)})
    return response


@router.post("/logout", dependencies=[Csrf])
def logout(settings: SettingsDep) -> Response:
    """End the session."""
    response = RedirectResponse("/console/login", status_code=303)
    console_session.clear(response, settings)
    return response
