"""Dependencies declared once: the session, the settings, the signed-in user, role guards."""

from collections.abc import Awaitable, Callable, Iterator
from contextlib import AbstractContextManager
from typing import Annotated, NamedTuple, TypeVar

from fastapi import Depends, Path, Query, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session

from safety_service import reading
from safety_service.config import Settings
from safety_service.database import AsyncReads, read_only, table_of, writer
from safety_service.errors import AuthenticationFailed, PermissionDenied
from safety_service.metrics import Metrics
from safety_service.people.models import OFFICER_ROLES, STAFF_ROLES, Person, Role, User, Viewer
from safety_service.security import read_access_token
from safety_service.units import cuts
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
    sessions: Callable[[], AbstractContextManager[Session]] = request.app.state.sessions
    return sessions


def session_factory(engine: Engine) -> Callable[[], AbstractContextManager[Session]]:
    """The app's sessions outside a route's own (``app.state.sessions``): async routes' hops, error pages."""
    return lambda: Session(engine, expire_on_commit=False)


async def get_write_sessions(request: Request) -> Callable[[], AbstractContextManager[Session]]:
    """Opens writing sessions (the write lock up front on SQLite) inside an async route's hop."""
    engine = writer(request.app.state.engine)
    return lambda: Session(engine, expire_on_commit=False)


async def get_read_connections(request: Request) -> Callable[[], AbstractContextManager[Connection]]:
    """Opens a read-only connection inside an async route's one hop to the read threads."""
    engine = request.app.state.engine
    return lambda: read_only(engine)


async def get_async_reads(request: Request) -> AsyncReads | None:
    """PostgreSQL's connections on the event loop for the hazard list; None on SQLite."""
    return request.app.state.async_reads  # type: ignore[no-any-return]


async def get_settings(request: Request) -> Settings:
    # async: no IO, so no hop to a worker thread (each hop costs time under load)
    settings: Settings = request.app.state.settings
    return settings


async def get_metrics(request: Request) -> Metrics:
    """The app's Prometheus instruments."""
    metrics: Metrics = request.app.state.metrics
    return metrics


SessionDep = Annotated[Session, Depends(get_session)]
# A row's id in a path: a number no row can have is a 422 naming the parameter, never a driver error.
PathId = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]
# A list's offset: past the largest row id it skips every row there can be (past 64 bits it was a 500).
Offset = Annotated[int, Query(ge=0, le=MAX_ROW_ID)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
MetricsDep = Annotated[Metrics, Depends(get_metrics)]
SessionFactory = Annotated[Callable[[], AbstractContextManager[Session]], Depends(get_session_factory)]
WriteSessions = Annotated[Callable[[], AbstractContextManager[Session]], Depends(get_write_sessions)]
ReadConnections = Annotated[Callable[[], AbstractContextManager[Connection]], Depends(get_read_connections)]
TokenDep = Annotated[str | None, Depends(oauth2_scheme)]
AsyncReadsDep = Annotated[AsyncReads | None, Depends(get_async_reads)]


def unit_cut(session: SessionDep, unit: Annotated[str | None, Query(
        max_length=32, examples=["ZC1"], description="a unit's code: only what it and the units under it answer for")]
        = None) -> str | None:
    """The unit a list, a figure or an export is cut by, checked (422 naming ``unit`` when there is none)."""
    return cuts.check_unit(session, unit)


UnitCut = Annotated[str | None, Depends(unit_cut)]


def get_current_user(session: SessionDep, settings: SettingsDep, token: TokenDep) -> User:
    """The active account the bearer token names; 401 otherwise."""
    return authenticate(session, settings, token)


def authenticate(session: Session, settings: Settings, token: str | None) -> User:
    """The active account the bearer token names (``signed_in``); AuthenticationFailed otherwise."""
    checked = reading.run(reading.ConnectionReader(session.connection()), signed_in(settings, token))
    user = session.get(User, checked.user_id)
    if user is None:  # deleted since the check, in another transaction
        raise _gone()
    return user


class _Account(NamedTuple):
    """What the account check reads (the check's columns, in this order)."""

    role: str
    is_active: bool
    token_version: int
    employee_no: str | None  # of the account's person


_USER, _PERSON = table_of(User), table_of(Person)
_COLUMNS = {**_USER.c, "employee_no": _PERSON.c.employee_no}
_ACCOUNT = (
    select(*(_COLUMNS[name] for name in _Account._fields))
    .select_from(_USER.outerjoin(_PERSON, _PERSON.c.id == _USER.c.person_id))
    .where(_USER.c.id == bindparam("user_id"))
)


def signed_in(settings: Settings, token: str | None) -> reading.Plan[Viewer]:
    """The one account check, in one lean query: the active account the bearer token names, as a reader of
    the register; AuthenticationFailed otherwise (a plan: it runs on a read thread or on the event loop)."""
    if not token:
        raise AuthenticationFailed("not signed in: send a bearer token from /api/v1/auth/token")
    user_id, version = read_access_token(token, settings)
    rows = yield reading.Query(_ACCOUNT, {"user_id": user_id})
    account = _Account._make(rows[0]) if rows else None
    if account is None or not account.is_active or account.token_version != version:
        raise _gone()
    return Viewer(user_id, Role(account.role), account.employee_no)


def _gone() -> AuthenticationFailed:
    return AuthenticationFailed("this token was ended (signed out, new password), or its account is gone or disabled")


CurrentUser = Annotated[User, Depends(get_current_user)]


def require_roles(*roles: Role) -> Callable[[User], Awaitable[User]]:
    """A guard that lets through only accounts holding one of the roles."""
    allowed = frozenset(roles)

    async def guard(user: CurrentUser) -> User:
        return check_role(user, allowed)

    guard.role_guard = True  # type: ignore[attr-defined]  # api.answers documents its 403
    return guard


Account = TypeVar("Account", User, Viewer)


def check_role(user: Account, allowed: frozenset[Role]) -> Account:
    """The user, if their role is one of ``allowed``; PermissionDenied otherwise."""
    if user.role not in allowed:
        needed = ", ".join(sorted(str(role) for role in allowed))
        raise PermissionDenied(f"role {str(user.role)!r} may not do this; needs one of: {needed}")
    return user


OfficerUser = Annotated[User, Depends(require_roles(*OFFICER_ROLES))]
StaffUser = Annotated[User, Depends(require_roles(*STAFF_ROLES))]
AdminUser = Annotated[User, Depends(require_roles(Role.admin))]
HAZARD_READERS = frozenset({Role.miner, Role.supervisor, Role.owner, *STAFF_ROLES})
HazardReader = Annotated[User, Depends(require_roles(*HAZARD_READERS))]
FindingReporter = Annotated[User, Depends(require_roles(Role.supervisor, *OFFICER_ROLES))]
