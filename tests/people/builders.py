"""Builders for people and accounts."""

import itertools

from fastapi.testclient import TestClient
from sqlmodel import Session

from safety_service.config import Settings
from safety_service.people.models import Person, Role, User
from safety_service.security import create_access_token, hash_password

PASSWORD = "correct-horse-battery"
_HASH = hash_password(PASSWORD)  # hashing is slow on purpose; do it once
_numbers = itertools.count(1)


def make_person(session: Session, *, name: str = "张三", team: str | None = "综采一队") -> Person:
    person = Person(employee_no=f"E{next(_numbers):06d}", name=name, team=team)
    session.add(person)
    session.flush()
    return person


def make_user(session: Session, *, role: Role = Role.officer, username: str | None = None,
              active: bool = True, with_person: bool = True, name: str | None = None,
              team: str | None = "综采一队") -> User:
    number = next(_numbers)
    person = make_person(session, name=name or f"{role}-{number}", team=team) if with_person else None
    user = User(
        username=username or f"{role}{number}", role=role, hashed_password=_HASH, is_active=active,
        person_id=person.id if person else None,
    )
    session.add(user)
    session.flush()
    return user


def auth(user: User, settings: Settings) -> dict[str, str]:
    """Headers that sign in as this user."""
    return {"Authorization": f"Bearer {create_access_token(user.id, settings, version=user.token_version)}"}


def login(client: TestClient, username: str, password: str = PASSWORD) -> dict[str, str]:
    response = client.post("/api/v1/auth/token", data={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}
