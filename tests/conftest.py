"""The test database is built by the migrations, once per backend; every test rolls back.

Every database test runs twice: on SQLite and on the real PostgreSQL server
(``SAFETY_TEST_POSTGRES_URL``, default the local server's ``postgres`` database, where a
throw-away database is created for the run).
"""

import os
import uuid
from collections.abc import Iterator
from contextlib import nullcontext

import psycopg
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session

from safety_service import migrate
from safety_service.api.deps import get_async_reads, get_read_connections, get_session, get_session_factory
from safety_service.config import Settings
from safety_service.database import make_engine
from safety_service.main import create_app

POSTGRES_ADMIN_URL = os.environ.get("SAFETY_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
BACKENDS = ("sqlite", "postgresql")


def _admin_conninfo() -> str:
    return make_url(POSTGRES_ADMIN_URL).render_as_string(hide_password=False).replace("postgresql+psycopg", "postgresql")


def create_pg_database() -> str:
    """A new, empty PostgreSQL database for this run; returns its URL."""
    name = f"safety_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_admin_conninfo(), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def drop_pg_database(url: str) -> None:
    name = make_url(url).database
    with psycopg.connect(_admin_conninfo(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def make_settings(database_url: str, **overrides: object) -> Settings:
    values = {
        "database_url": database_url, "env": "test", "secret_key": "test-secret-key-" + "x" * 32,
        "scheduler_enabled": False, "mqtt_enabled": False, "db_pool_size": 8,
    }
    values.update(overrides)
    return Settings(**values)


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated database per backend, for the whole run."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    else:
        url = create_pg_database()
    engine = make_engine(make_settings(url))
    migrate.upgrade(engine)
    engine.dispose()
    yield url
    if request.param == "postgresql":
        drop_pg_database(url)


@pytest.fixture(scope="session")
def settings(database_url: str) -> Settings:
    return make_settings(database_url)


@pytest.fixture(scope="session")
def engine(settings: Settings) -> Iterator[Engine]:
    engine = make_engine(settings)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session inside a transaction that is rolled back after the test; commits become savepoints."""
    with engine.connect() as connection:
        transaction = connection.begin()
        with Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False) as s:
            yield s
        transaction.rollback()


def use_session(app: FastAPI, session: Session) -> None:
    """Every route of the app works in the test's session (sync routes and async routes' hops alike)."""
    app.dependency_overrides[get_session] = lambda: session
    app.dependency_overrides[get_session_factory] = lambda: lambda: nullcontext(session)
    app.dependency_overrides[get_read_connections] = lambda: lambda: nullcontext(session.connection())
    app.dependency_overrides[get_async_reads] = lambda: None  # its own connections see no test's data


@pytest.fixture
def client(settings: Settings, engine: Engine, session: Session) -> Iterator[TestClient]:
    """The API on the rolled-back test session."""
    app = create_app(settings, engine, run_scheduler=False)
    use_session(app, session)
    with TestClient(app) as test_client:
        yield test_client
