"""The console's guards: the signed-in account from the session cookie, role checks and CSRF.

Refusals are raised as ``ConsoleRefusal`` and turned into pages (a redirect to the sign-in page,
or a 403 page) by ``ConsoleRoute``, so route bodies stay a few lines.
"""

import logging
from collections.abc import Callable, Coroutine
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.routing import APIRoute
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from safety_service.api.deps import SessionDep, SettingsDep
from safety_service.api.errors import request_location
from safety_service.clock import utc_now
from safety_service.console import session as console_session
from safety_service.console.rendering import render
from safety_service.counselling.states import CASE_ROLES, MEASURE_CLOSERS, VIOLATION_READERS, VIOLATION_RECORDERS
from safety_service.errors import InvalidInput, NotFound, PermissionDenied
from safety_service.notifications import service as notifications_service
from safety_service.people import service as people_service
from safety_service.people.models import OFFICER_ROLES, STAFF_ROLES, Role, User

logger = logging.getLogger(__name__)
# Supervisors enter only to record violations (they never move a hazard); counsellors only for their cases.
CONSOLE_ROLES = frozenset({*STAFF_ROLES, Role.owner, Role.counsellor, Role.supervisor})
# Where an account lands whose role works no hazard queue.
HOMES = {Role.counsellor: "/console/cases", Role.supervisor: "/console/violations/new"}


class ConsoleRefusal(Exception):
    """A request the console answers with a page instead of running the route."""

    def __init__(self, kind: str, status: int = 403) -> None:
        super().__init__(kind)
        self.kind, self.status = kind, status


async def _answer(request: Request, refusal: ConsoleRefusal) -> Response:
    if refusal.kind == "sign_in":
        target = quote(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
        return RedirectResponse(f"/console/login?next={target}", status_code=303)
    return await _problem_page(request, refusal.status, f"console.problem.{refusal.kind}")


async def unknown_page(request: Request) -> Response:
    """The console's page for an address it does not have (a mistyped or cut-off link)."""
    return await _answer(request, ConsoleRefusal("not_found", 404))


async def unreadable_page(request: Request, where: str, field: str, *, status: int = 422) -> Response:
    """The console's page for a request it cannot read (a hand-typed date, an id that is not a number) or a value
    the service refuses where no form shows it again: naming the field (``where`` ``form``: the whole body), or the
    unknown page when the path itself (``where``) names nothing."""
    if where == "path":
        return await unknown_page(request)
    return await _problem_page(request, status, f"console.problem.unreadable_{where}", field=field)


async def _problem_page(request: Request, status: int, problem: str, **context: str) -> Response:
    """A problem page with the console's header for whoever is signed in (their menu, bell and name), so the way
    on is one click; read on a session of its own, as the route's may be the one that failed."""
    def page() -> Response:
        with request.app.state.sessions() as session:
            user = _signed_in(request, session)
            return render(request, "problem.html", status=status, problem=problem, user=user, **context)

    return await run_in_threadpool(page)


def _signed_in(request: Request, session: Session) -> User | None:
    """The console account of the request's session cookie (its unread count on ``request.state`` for the bell, as
    every page has it), or None (signed out, not a console role)."""
    try:
        return console_user(request, session, console_session.read(request, request.app.state.settings))
    except ConsoleRefusal:
        return None


class ConsoleRoute(APIRoute):
    """Routes whose refusals, refused values, unknown hazards and lost races become console pages (never the
    API's JSON)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            try:
                return await handler(request)
            except ConsoleRefusal as refusal:
                return await _answer(request, refusal)
            except InvalidInput as invalid:  # a request that does not parse is the app's (safety_service.main)
                where = request_location(request)
                return await unreadable_page(request, where, invalid.field or where)
            except NotFound:
                return await unknown_page(request)
            except PermissionDenied:
                return await _answer(request, ConsoleRefusal("forbidden", 403))
            except StaleDataError:
                return await _answer(request, ConsoleRefusal("stale", 409))

        return guarded


def current_session(request: Request, settings: SettingsDep) -> console_session.ConsoleSession | None:
    """The session cookie's content, if valid."""
    return console_session.read(request, settings)


SessionCookie = Annotated[console_session.ConsoleSession | None, Depends(current_session)]


def console_user(request: Request, session: SessionDep, cookie: SessionCookie) -> User:
    """The active account of a live session, allowed in the console; otherwise to the sign-in page or 403.
    Its unread notifications are counted for the bell on every page."""
    user = admit(session, cookie)
    request.state.unread = notifications_service.unread_count(session, user=user)
    return user


def admit(session: Session, cookie: console_session.ConsoleSession | None) -> User:
    """The account of the cookie's live session if it may use the console; ConsoleRefusal otherwise."""
    user = (people_service.console_account(session, session_id=cookie.session_id, now=utc_now())
            if cookie and cookie.session_id else None)
    if user is None:
        raise ConsoleRefusal("sign_in", 303)
    if user.role not in CONSOLE_ROLES:
        raise ConsoleRefusal("role", 403)
    return user


def require(*roles: Role) -> Callable[[User], User]:
    """A guard letting through only console accounts holding one of the roles."""
    allowed = frozenset(roles)

    def guard(user: Annotated[User, Depends(console_user)]) -> User:
        if user.role not in allowed:
            raise ConsoleRefusal("forbidden", 403)
        return user

    return guard


async def check_csrf(request: Request, cookie: SessionCookie) -> None:
    """Refuse a form whose CSRF token is not the session's own."""
    form = await request.form()
    if not console_session.csrf_ok(cookie, form.get("csrf_token")):
        logger.warning("console form refused: bad CSRF token", extra={"path": request.url.path})
        raise ConsoleRefusal("csrf", 403)


ConsoleUser = Annotated[User, Depends(console_user)]
StaffUser = Annotated[User, Depends(require(*STAFF_ROLES))]
OfficerUser = Annotated[User, Depends(require(*OFFICER_ROLES))]
AdminUser = Annotated[User, Depends(require(Role.admin))]
CaseUser = Annotated[User, Depends(require(*CASE_ROLES))]
ViolationRecorder = Annotated[User, Depends(require(*VIOLATION_RECORDERS))]
ViolationLister = Annotated[User, Depends(require(Role.supervisor, *VIOLATION_READERS))]
ViolationReader = Annotated[User, Depends(require(*VIOLATION_READERS))]
MeasureCloser = Annotated[User, Depends(require(*MEASURE_CLOSERS))]
Csrf = Depends(check_csrf)
