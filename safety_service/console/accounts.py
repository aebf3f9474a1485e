"""Accounts in the console: one's own (new password, sign out everywhere, email address) and, for admins,
anyone's (disable, enable, reset the password, email address). Each ends the account's sessions through ``people.service``,
as the API and the CLI do."""

import logging
from typing import Annotated

from fastapi import APIRouter, Form, Request
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from safety_service.api.deps import PathId, SessionDep, SessionFactory, SettingsDep, WriteSessions
from safety_service.api.signin import SignInDep, client_address
from safety_service.console import session as console_session
from safety_service.console.deps import AdminUser, ConsoleRoute, ConsoleUser, Csrf, SessionCookie, admit
from safety_service.console.rendering import render
from safety_service.database import saved_id
from safety_service.errors import AuthenticationFailed, InvalidInput, NotFound
from safety_service.people import service as people_service
from safety_service.people.models import Person, User
from safety_service.people.schemas import PasswordReset
from safety_service.people.throttle import SignInThrottled
from safety_service.security import hash_password

logger = logging.getLogger(__name__)
router = APIRouter(route_class=ConsoleRoute)
ENDED = "/console/login?ended=1"
DONE = frozenset({"disabled", "enabled", "password", "email_saved", "email_removed"})
EMAIL_DONE = frozenset({"email_saved", "email_removed"})


def _signed_out(settings: SettingsDep) -> Response:
    response = RedirectResponse(ENDED, status_code=303)
    console_session.clear(response, settings)
    return response


def _own(request: Request, user: User, *, status: int = 200, errors: dict[str, str] | None = None,
         seconds: int | None = None, typed: str | None = None) -> Response:
    done = request.query_params.get("done", "")
    return render(request, "account.html", status=status, user=user, errors=errors or {}, seconds=seconds,
                  done=done if done in EMAIL_DONE else None, typed=typed)


@router.get("/account")
def account(request: Request, user: ConsoleUser) -> Response:
    """One's own account: change the password, sign out everywhere, set the email address."""
    return _own(request, user)


def _set_email(session: SessionDep, user: User, typed: str, remove: bool) -> str | None:
    """Set (or remove) an account's email address; what was done, or None when it is no address."""
    address = None if remove or not typed.strip() else typed.strip()
    try:
        people_service.set_email(session, username=user.username, email=address)
    except InvalidInput:  # raised before anything changed
        return None
    return "email_saved" if address else "email_removed"


@router.post("/account/email", dependencies=[Csrf])
def change_email(request: Request, session: SessionDep, user: ConsoleUser, email: Annotated[str, Form()] = "",
                 remove: Annotated[str, Form()] = "") -> Response:
    """One's own email address, where the email channel sends one's notifications; empty or "remove" removes it."""
    done = _set_email(session, user, email, bool(remove))
    if done is None:
        return _own(request, user, status=422, errors={"email": "account.email_invalid"}, typed=email[:300])
    session.commit()
    logger.info("email address changed", extra={"user_id": user.id, "change": done})
    return RedirectResponse(f"/console/account?done={done}", status_code=303)


@router.post("/account/sign-out-everywhere", dependencies=[Csrf])
def sign_out_everywhere(session: SessionDep, settings: SettingsDep, user: ConsoleUser) -> Response:
    """End every console session and API token of one's account, this one too."""
    people_service.end_sessions(session, user=user)
    session.commit()
    logger.info("signed out everywhere", extra={"user_id": user.id})
    return _signed_out(settings)


@router.post("/account/password", dependencies=[Csrf])
async def change_password(request: Request, sessions: SessionFactory, writes: WriteSessions, settings: SettingsDep,
                          sign_in: SignInDep, cookie: SessionCookie, current_password: Annotated[str, Form()] = "",
                          new_password: Annotated[str, Form()] = "") -> Response:
    """A new password for one's account: the current one is checked as a sign-in is (throttled, outside any
    transaction); then every session of the account ends."""
    def who() -> User:
        with sessions() as session:
            return admit(session, cookie)

    user = await run_in_threadpool(who)
    # Both fields are checked whatever the other holds, so the page names every error at once.
    errors = {} if 8 <= len(new_password) <= 128 else {"new_password": "account.password_short"}
    try:
        await sign_in.check(sessions, username=user.username, password=current_password[:128],
                            address=client_address(request))
    except SignInThrottled as exc:
        response = _own(request, user, status=429, errors={**errors, "current_password": "console.login.throttled"},
                        seconds=exc.retry_after)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    except AuthenticationFailed:
        errors["current_password"] = "account.wrong_password"
    if errors:
        return _own(request, user, status=422, errors=errors)
    await sign_in.replace_password(writes, user_id=saved_id(user), password=new_password)
    logger.info("password changed", extra={"user_id": user.id})
    return _signed_out(settings)


def _managed(request: Request, session: SessionDep, admin: User, user_id: int, *, status: int = 200,
             errors: dict[str, str] | None = None, typed: str | None = None) -> Response:
    account = people_service.get_user_by_id(session, user_id=user_id)
    done = request.query_params.get("done", "")
    return render(request, "admin_account.html", status=status, user=admin, section="people", account=account,
                  person=session.get(Person, account.person_id) if account.person_id else None,
                  done=done if done in DONE else None, errors=errors or {}, typed=typed)


@router.get("/admin/people/{user_id}")
def manage(request: Request, session: SessionDep, admin: AdminUser, user_id: PathId) -> Response:
    """One account for an admin: its state, disable or enable it, reset its password."""
    return _managed(request, session, admin, user_id)


def _after(session: SessionDep, admin: User, user: User, done: str) -> Response:
    session.commit()
    logger.info("account changed by an admin", extra={"user_id": user.id, "admin_id": admin.id, "change": done})
    return RedirectResponse(f"/console/admin/people/{user.id}?done={done}", status_code=303)


@router.post("/admin/people/{user_id}/email", dependencies=[Csrf])
def change_email_of(request: Request, session: SessionDep, admin: AdminUser, user_id: PathId,
                    email: Annotated[str, Form()] = "", remove: Annotated[str, Form()] = "") -> Response:
    """Set or remove anyone's email address (before the generic route, which would take "email" as a change)."""
    user = people_service.get_user_by_id(session, user_id=user_id)
    done = _set_email(session, user, email, bool(remove))
    if done is None:
        return _managed(request, session, admin, user_id, status=422, errors={"email": "account.email_invalid"},
                        typed=email[:300])
    return _after(session, admin, user, done)


@router.post("/admin/people/{user_id}/{change}", dependencies=[Csrf])
def change_account(request: Request, session: SessionDep, admin: AdminUser, user_id: PathId, change: str,
                   password: Annotated[str, Form()] = "") -> Response:
    """Disable, enable, or reset the password of an account (each but enable ends its sessions)."""
    user = people_service.get_user_by_id(session, user_id=user_id)
    try:
        return _change(session, admin, user, change, password)
    except InvalidInput:
        session.rollback()
        return _managed(request, session, admin, user_id, status=422, errors={"form": "account.admin.own"})
    except ValidationError:
        session.rollback()
        return _managed(request, session, admin, user_id, status=422, errors={"password": "account.password_short"})


def _change(session: SessionDep, admin: User, user: User, change: str, password: str) -> Response:
    if change in ("disable", "enable"):
        people_service.set_active(session, user=user, active=change == "enable", actor=admin)
        return _after(session, admin, user, f"{change}d")
    if change == "password":
        hashed = hash_password(PasswordReset(password=password).password)  # an admin's rare action
        people_service.set_password(session, user=user, hashed=hashed)
        return _after(session, admin, user, "password")
    raise NotFound(f"no change {change!r}")
