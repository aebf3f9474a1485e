"""Sign-in, accounts and their lifecycle (disable, enable, new password, sign out everywhere)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import OAuth2PasswordRequestForm
from starlette.concurrency import run_in_threadpool

from safety_service.api.answers import answers
from safety_service.api.deps import (
    AdminUser,
    CurrentUser,
    PathId,
    SessionDep,
    SessionFactory,
    SettingsDep,
    TokenDep,
    WriteSessions,
    authenticate,
)
from safety_service.api.signin import SignInDep, client_address
from safety_service.database import saved_id
from safety_service.people import service as people_service
from safety_service.people.models import Person, User
from safety_service.people.schemas import (
    PasswordChange,
    PasswordReset,
    PersonPublic,
    Token,
    UserCreate,
    UserPublic,
    UsersPublic,
)
from safety_service.security import hash_password

router = APIRouter(tags=["people"])


def _public(user: User, person: Person | None) -> UserPublic:
    return UserPublic.model_validate(
        user, update={"person": PersonPublic.model_validate(person) if person else None}
    )


@router.post("/auth/token", response_model=Token, responses=answers(401, 429))
async def login(request: Request, sessions: SessionFactory, settings: SettingsDep, sign_in: SignInDep,
                form: Annotated[OAuth2PasswordRequestForm, Depends()]) -> Token:
    """Sign in with username and password (OAuth2 password form); returns a bearer token.

    Repeated failures for an account or from an address are slowed, then refused a while (429).
    """
    user = await sign_in.check(sessions, username=form.username[:64], password=form.password[:128],
                               address=client_address(request))
    return Token(access_token=people_service.access_token(user, settings), role=user.role,
                 expires_in=settings.token_expire_minutes * 60)


@router.get("/users/me", response_model=UserPublic)
def read_me(session: SessionDep, user: CurrentUser) -> UserPublic:
    """The signed-in account."""
    return _public(user, session.get(Person, user.person_id) if user.person_id else None)


@router.post("/users/me/sign-out-everywhere", status_code=204)
def sign_out_everywhere(session: SessionDep, user: CurrentUser) -> Response:
    """End every token and console session of the signed-in account (this token too)."""
    people_service.end_sessions(session, user=user)
    session.commit()
    return Response(status_code=204)


@router.post("/users/me/password", status_code=204, responses=answers(429))
async def change_password(request: Request, sessions: SessionFactory, writes: WriteSessions, settings: SettingsDep,
                          sign_in: SignInDep, token: TokenDep, data: PasswordChange) -> Response:
    """Change one's own password (the current one is checked, throttled as a sign-in); ends every session."""
    def who() -> User:  # on a session that takes no write lock: argon2 runs next
        with sessions() as session:
            return authenticate(session, settings, token)

    user = await run_in_threadpool(who)
    await sign_in.check(sessions, username=user.username, password=data.current_password,
                        address=client_address(request))
    await sign_in.replace_password(writes, user_id=saved_id(user), password=data.new_password)
    return Response(status_code=204)


@router.get("/users", response_model=UsersPublic)
def list_users(session: SessionDep, _admin: AdminUser) -> UsersPublic:
    """Every account (administrators)."""
    rows = people_service.list_users(session)
    return UsersPublic(data=[_public(u, p) for u, p in rows], count=len(rows))


@router.post("/users", response_model=UserPublic, status_code=201, responses=answers(409))
def create_user(session: SessionDep, _admin: AdminUser, data: UserCreate) -> UserPublic:
    """Add an account (administrators)."""
    user = people_service.add_user(session, data=data)
    session.commit()
    return _public(user, session.get(Person, user.person_id) if user.person_id else None)


def _changed(session: SessionDep, user: User) -> UserPublic:
    session.commit()
    return _public(user, session.get(Person, user.person_id) if user.person_id else None)


@router.post("/users/{user_id}/disable", response_model=UserPublic)
def disable_user(session: SessionDep, admin: AdminUser, user_id: PathId) -> UserPublic:
    """Disable an account and end its tokens and sessions (administrators; never one's own)."""
    user = people_service.get_user_by_id(session, user_id=user_id)
    return _changed(session, people_service.set_active(session, user=user, active=False, actor=admin))


@router.post("/users/{user_id}/enable", response_model=UserPublic)
def enable_user(session: SessionDep, _admin: AdminUser, user_id: PathId) -> UserPublic:
    """Enable an account again (administrators)."""
    user = people_service.get_user_by_id(session, user_id=user_id)
    return _changed(session, people_service.set_active(session, user=user, active=True))


@router.post("/users/{user_id}/password", response_model=UserPublic)
def reset_password(session: SessionDep, _admin: AdminUser, user_id: PathId, data: PasswordReset) -> UserPublic:
    """Give an account a new password and end its tokens and sessions (administrators)."""
    user = people_service.get_user_by_id(session, user_id=user_id)
    hashed = hash_password(data.password)  # an admin's rare action: inside its transaction
    return _changed(session, people_service.set_password(session, user=user, hashed=hashed))
