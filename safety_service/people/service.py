"""People, accounts and sign-in."""

from collections.abc import Iterable

from sqlmodel import Session, col, select

from safety_service.config import Settings
from safety_service.errors import AlreadyExists, AuthenticationFailed, InvalidInput
from safety_service.people.models import Person, Role, User
from safety_service.people.schemas import PersonCreate, UserCreate
from safety_service.security import create_access_token, hash_password, verify_password


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


def add_user(session: Session, *, data: UserCreate) -> User:
    """Add an account, linked to the person with the given employee number (created when new)."""
    if get_user(session, username=data.username) is not None:
        raise AlreadyExists(f"username {data.username!r} already exists", field="username")
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
    if not data.name:
        raise InvalidInput("a new employee number needs the person's name", field="name")
    return add_person(session, data=PersonCreate(employee_no=data.employee_no, name=data.name, team=data.team))


def authenticate(session: Session, *, username: str, password: str, settings: Settings) -> tuple[User, str]:
    """The account and a fresh access token, or AuthenticationFailed."""
    user = get_user(session, username=username)
    if not verify_password(password, user.hashed_password if user else None) or user is None:
        raise AuthenticationFailed("wrong username or password")
    if not user.is_active:
        raise AuthenticationFailed("this account is disabled")
    return user, create_access_token(user.id, settings)


def active_users_with_roles(session: Session, *, roles: Iterable[Role]) -> list[User]:
    """Every active account holding one of the roles."""
    query = select(User).where(col(User.role).in_([str(r) for r in roles]), col(User.is_active))
    return list(session.exec(query.order_by(col(User.id))).all())


def list_users(session: Session) -> list[tuple[User, Person | None]]:
    """All accounts with their people, by username."""
    query = select(User, Person).join(Person, isouter=True).order_by(col(User.username))
    return list(session.exec(query).all())
