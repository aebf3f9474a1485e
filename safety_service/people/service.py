"""People, accounts, sign-in and the end of sessions."""

import hashlib
import re
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlmodel import Session, col, select

from safety_service.config import Settings
from safety_service.database import saved_id
from safety_service.errors import AlreadyExists, AuthenticationFailed, DomainError, InvalidInput, NotFound
from safety_service.people.models import ConsoleSession, Person, Role, User
from safety_service.people.schemas import PersonCreate, UserCreate
from safety_service.security import create_access_token, hash_password, verify_password
from safety_service.validation import broken_rules


def get_person(session: Session, *, employee_no: str) -> Person | None:
    """The person with this employee number, if known."""
    return session.exec(select(Person).where(Person.employee_no == employee_no)).first()


def add_person(session: Session, *, data: PersonCreate, area_id: int | None = None) -> Person:
    """Add a person; the employee number must be new."""
    if get_person(session, employee_no=data.employee_no) is not None:
        raise AlreadyExists(f"employee number {data.employee_no!r} already exists", field="employee_no")
    person = Person.model_validate(data.model_dump(exclude={"area_code"}), update={"area_id": area_id})
    session.add(person)
    session.flush()
    return person


def get_user(session: Session, *, username: str) -> User | None:
    """The account with this username, if any."""
    return session.exec(select(User).where(User.username == username)).first()


def input_problems(session: Session, *, values: dict[str, str]) -> list[DomainError]:
    """Every rule of a new account the typed values break, each checked alone (a username taken, a new
    employee number without the person's name), so a form names them all at once; add_user checks again."""
    return broken_rules({"username": lambda username: _free_username(session, username),
                         "employee_no": lambda no: get_person(session, employee_no=no) or _named(values.get("name"))},
                        values)


def _free_username(session: Session, username: str) -> None:
    if get_user(session, username=username) is not None:
        raise AlreadyExists(f"username {username!r} already exists", field="username")


def _named(name: str | None) -> str:
    """The name given for a new person; InvalidInput when there is none."""
    if not name:
        raise InvalidInput("a new employee number needs the person's name", field="name")
    return name


def add_user(session: Session, *, data: UserCreate) -> User:
    """Add an account, linked to the person with the given employee number (created when new)."""
    _free_username(session, data.username)
    person = _person_for(session, data)
    user = User(
        username=data.username,
        role=data.role,
        hashed_password=hash_password(data.password),
        person_id=person.id if person else None,
    )
    session.add(user)
    session.flush()
    return user


def _person_for(session: Session, data: UserCreate) -> Person | None:
    if data.employee_no is None:
        return None
    person = get_person(session, employee_no=data.employee_no)
    if person is not None:
        return person
    return add_person(session, data=PersonCreate(employee_no=data.employee_no, name=_named(data.name), team=data.team))


def authenticate(session: Session, *, username: str, password: str, settings: Settings) -> tuple[User, str]:
    """The account and a fresh access token, or AuthenticationFailed (the argon2 check runs in this
    session: for commands; the web signs in through ``api.signin``, outside any transaction)."""
    user = check_password(get_user(session, username=username), password)
    return user, access_token(user, settings)


def check_password(user: User | None, password: str) -> User:
    """The account, if the password is its own and it is active; AuthenticationFailed otherwise."""
    if not verify_password(password, user.hashed_password if user else None) or user is None:
        raise AuthenticationFailed("wrong username or password")
    if not user.is_active:
        raise AuthenticationFailed("this account is disabled")
    return user


def access_token(user: User, settings: Settings) -> str:
    """A fresh bearer token for the account, ended with its other sessions by ``end_sessions``."""
    assert user.id is not None
    return create_access_token(user.id, settings, version=user.token_version)


def get_user_by_id(session: Session, *, user_id: int) -> User:
    """The account with this id; NotFound otherwise."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"no account {user_id}", field="user_id")
    return user


def end_sessions(session: Session, *, user: User) -> None:
    """End every API token and console session of the account at once."""
    user.token_version += 1
    session.add(user)
    session.execute(delete(ConsoleSession).where(col(ConsoleSession.user_id) == user.id))
    session.flush()


def set_active(session: Session, *, user: User, active: bool, actor: User | None = None) -> User:
    """Disable (ending its sessions) or enable an account; an admin cannot disable their own."""
    if not active and actor is not None and actor.id == user.id:
        raise InvalidInput("you cannot disable your own account", field="user_id")
    user.is_active = active
    if not active:
        end_sessions(session, user=user)
    session.add(user)
    session.flush()
    return user


def set_password(session: Session, *, user: User, hashed: str) -> User:
    """Give the account a new password (already hashed: hash outside any transaction) and end its sessions."""
    user.hashed_password = hashed
    end_sessions(session, user=user)
    return user


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def start_console_session(session: Session, *, user: User, now: datetime, minutes: int) -> str:
    """A new console session for the account; returns its id for the cookie (only its digest is stored).

    The account's expired sessions are removed on the way.
    """
    session.execute(delete(ConsoleSession).where(col(ConsoleSession.user_id) == user.id,
                                                 col(ConsoleSession.expires_at) <= now))
    session_id = secrets.token_urlsafe(32)
    session.add(ConsoleSession(token_hash=_digest(session_id), user_id=saved_id(user), created_at=now,
                               expires_at=now + timedelta(minutes=minutes)))
    session.flush()
    return session_id


def console_account(session: Session, *, session_id: str, now: datetime) -> User | None:
    """The active account of a live console session, or None when it was ended or has expired."""
    query = (select(User).join(ConsoleSession, col(ConsoleSession.user_id) == col(User.id))
             .where(col(ConsoleSession.token_hash) == _digest(session_id), col(ConsoleSession.expires_at) > now,
                    col(User.is_active)))
    return session.exec(query).first()


def end_console_session(session: Session, *, session_id: str) -> None:
    """End one console session (signing out)."""
    session.execute(delete(ConsoleSession).where(col(ConsoleSession.token_hash) == _digest(session_id)))
    session.flush()


def active_users_with_roles(session: Session, *, roles: Iterable[Role]) -> list[User]:
    """Every active account holding one of the roles."""
    query = select(User).where(col(User.role).in_([str(r) for r in roles]), col(User.is_active))
    return list(session.exec(query.order_by(col(User.id))).all())


def list_users(session: Session) -> list[tuple[User, Person | None]]:
    """All accounts with their people, by username."""
    query = select(User, Person).join(Person, isouter=True).order_by(col(User.username))
    return list(session.exec(query).all())


def names_of(session: Session, *, usernames: Iterable[str | None]) -> dict[str, tuple[str, str | None]]:
    """The name and team of the person behind each account (accounts without a person are left out)."""
    wanted = sorted({u for u in usernames if u})
    if not wanted:
        return {}
    query = (select(User.username, Person.name, Person.team).join(Person, col(Person.id) == User.person_id)
             .where(col(User.username).in_(wanted)))
    return {username: (name, team) for username, name, team in session.exec(query).all()}


def usernames_of(session: Session, ids: Iterable[int | None]) -> dict[int | None, str]:
    """The username of each of these accounts, by account id."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return dict(session.exec(select(User.id, User.username).where(col(User.id).in_(wanted))).all())


def people_of(session: Session, ids: Iterable[int | None]) -> dict[int | None, str]:
    """The people behind these accounts, by account id: the person's name, or the username of an account
    with no person."""
    accounts = usernames_of(session, ids)
    found = names_of(session, usernames=accounts.values())
    return {i: found[name][0] if name in found else name for i, name in accounts.items()}


EMAIL_PATTERN = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")


def set_email(session: Session, *, username: str, email: str | None) -> User:
    """Set (or with None remove) the account's email address, used by the email channel."""
    user = get_user(session, username=username)
    if user is None:
        raise NotFound(f"no account {username!r}", field="username")
    if email is not None and (len(email) > 254 or not EMAIL_PATTERN.match(email)):
        raise InvalidInput(f"{email!r} is not an email address", field="email")
    user.email = email
    session.add(user)
    session.flush()
    return user
