"""A committed database per backend for the delivery tests (the worker commits on its own), emptied of
channels and deliveries after each test; loopback receivers per test."""

from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from safety_service import migrate
from safety_service.config import Settings
from safety_service.database import make_engine
from tests.conftest import create_pg_database, drop_pg_database, make_settings
from tests.notifications.receivers import Robot, SmtpServer

TABLES = ("notify_delivery", "notify_attempt", "notify_preference", "notify_channel", "notification")


@pytest.fixture(scope="module", params=("sqlite", "postgresql"))
def committed_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = (f"sqlite:///{tmp_path_factory.mktemp('notify') / 'notify.db'}" if request.param == "sqlite"
           else create_pg_database())
    engine = make_engine(make_settings(url))
    migrate.upgrade(engine)
    engine.dispose()
    yield url
    if request.param == "postgresql":
        drop_pg_database(url)


@pytest.fixture
def live_settings(committed_url: str) -> Settings:
    return make_settings(committed_url, notify_timeout_seconds=0.5, notify_retry_seconds=30,
                         notify_poll_seconds=0.2, public_url="https://safety.example.cn")


@pytest.fixture
def live_engine(live_settings: Settings) -> Iterator[Engine]:
    engine = make_engine(live_settings)
    yield engine
    with engine.begin() as connection:
        for table in TABLES:
            connection.execute(text(f"DELETE FROM {table}"))
        connection.execute(text("UPDATE hazard SET is_open = false, urgent = false"))
    engine.dispose()


@pytest.fixture
def robot() -> Iterator[Robot]:
    receiver = Robot().start()
    yield receiver
    receiver.stop()


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    yield server
    server.stop()
