"""The console on the rolled-back test session, over HTTPS (its cookie is Secure), signed in per role."""

import re
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from safety_service.config import Settings
from safety_service.main import create_app
from safety_service.people.models import Role, User
from tests.conftest import make_settings, use_session
from tests.people.builders import PASSWORD, make_user

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def console_settings(database_url: str) -> Settings:
    return make_settings(database_url, console_stats_ttl_seconds=0, console_poll_seconds=5,
                         public_url="https://testserver")


@pytest.fixture
def console(console_settings: Settings, engine: Engine, session: Session) -> Iterator[TestClient]:
    """A browser-like client of the console: HTTPS, cookies kept, redirects not followed."""
    app = create_app(console_settings, engine, run_scheduler=False, run_mqtt=False)
    use_session(app, session)
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as client:
        yield client


def csrf_of(html: str) -> str:
    """The CSRF token a page's forms carry."""
    found = CSRF.search(html)
    assert found, "the page has no CSRF token"
    return found.group(1)


def sign_in(client: TestClient, user: User, password: str = PASSWORD) -> str:
    """Sign in through the form; returns the session's CSRF token."""
    client.cookies.clear()
    token = csrf_of(client.get("/console/login").text)
    answer = client.post("/console/login", data={"username": user.username, "password": password,
                                                 "csrf_token": token, "next": "/console/"})
    assert answer.status_code == 303, answer.text
    home = client.get("/console/", follow_redirects=True)  # the role's home page; a miner's is the 403 page
    return "" if home.status_code == 403 else csrf_of(home.text)


@pytest.fixture
def signed_in(console: TestClient, session: Session) -> Callable[[Role], tuple[User, str]]:
    """Sign in as a new account of the role; returns the account and its CSRF token."""
    def sign(role: Role) -> tuple[User, str]:
        user = make_user(session, role=role)
        session.commit()
        return user, sign_in(console, user)

    return sign
