"""Dependencies declared once: the session, the settings, the signed-in user, role guards."""

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Annotated

from fastapi import Depends, Path, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy import bindparam, select
from sqlmodel import Session

from safety_service.config import Settings
from safety_service.database import writer
from safety_service.errors import AuthenticationFailed, PermissionDenied
from safety_service.people.models import OFFICER_ROLES, STAFF_ROLES, Role, User
from safety_service.security import read_access_token
from safety_service.validation import MAX_ROW_ID

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


def get_session(request: Request) -> Iterator[Session]:
    """One session per request; a writing request takes the write lock up front on SQLite.

    The route commits, so a failed commit is an error response, never a lost write.
    """
    engine = request.app.state.engine
    bind = engine if request.method in READ_METHODS else writer(engine)
    with Session(bind, expire_on_commit=False) as session:
        yield session


async def get_session_factory(request: Request) -> Callable[[], AbstractContextManager[Session]]:
    """Opens sessions inside an async route's one worker-thread hop (such routes hold none of their own)."""
    engine = request.app.state.engine
    return lambda: Session(engine, expire_on_commit=False)


async def get_settings(request: Request) -> Settings:
    # async: no IO, so no hop to a worker thread (each hop costs time under load)
    return request.app.state.settings


SessionDep = Annotated[Session, Depends(get_session)]
# A row's id in a path: a number no row can have is a 422 naming the parameter, never a driver error.
PathId = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionFactory = Annotated[Callable[[], AbstractContextManager[Session]], Depends(get_session_factory)]
TokenDep = Annotated[str | None, Depends(oauth2_scheme)]


def get_current_user(session: SessionDep, settings: SettingsDep, token: TokenDep) -> User:
    """The active account the bearer token names; 401 otherwise."""
    return authenticate(session, settings, token)


def authenticate(session: Session, settings: Settings, token: str | None, *, detached: bool = False) -> User:
    """The active account the bearer token names; AuthenticationFailed otherwise.

    ``detached`` reads a copy of the account's row with one lean query, outside the session's
    identity map: cheaper, for routes that only read.
    """
    if not token:
        raise AuthenticationFailed("not signed in: send a bearer token from /api/v1/auth/token")
    user_id = read_access_token(token, settings)
    if detached:
        row = session.connection().execute(_ACCOUNT, {"user_id": user_id}).first()
        user = User(**row._mapping) if row else None
    else:
        user = session.get(User, user_id)
    if user is None or not user.is_active:
        raise AuthenticationFailed("the account of this token no longer exists or is disabled")
    return user


_ACCOUNT = select(*User.__table__.c).where(User.__table__.c.id == bindparam("user_id"))


CurrentUser = Annotated[User, Depends(get_current_user)]


def require_roles(*roles: Role) -> Callable[[User], User]:
    """A guard that lets through only accounts holding one of the roles."""
    allowed = frozenset(roles)

    async def guard(user: CurrentUser) -> User:
        return check_role(user, allowed)

    return guard


def check_role(user: User, allowed: frozenset[Role]) -> User:
    """The user, if their role is one of ``allowed``; PermissionDenied otherwise."""
    if user.role not in allowed:
        raise PermissionDenied(f"role {user.role!r} may not do this; needs one of {sorted(allowed)}")
    return user


OfficerUser = Annotated[User, Depends(require_roles(*OFFICER_ROLES))]
StaffUser = Annotated[User, Depends(require_roles(*STAFF_ROLES))]
AdminUser = Annotated[User, Depends(require_roles(Role.admin))]
HAZARD_READERS = frozenset({Role.miner, Role.supervisor, Role.owner, *STAFF_ROLES})
HazardReader = Annotated[User, Depends(require_roles(*HAZARD_READERS))]
FindingReporter = Annotated[User, Depends(require_roles(Role.supervisor, *OFFICER_ROLES))]
