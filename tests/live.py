"""The real app under uvicorn on a loopback port, and a throw-away database for it, for the tests
that go through a real socket (browsers, many concurrent clients)."""

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn
from fastapi import FastAPI

from safety_service.config import Settings
from tests.conftest import create_pg_database, drop_pg_database


@contextmanager
def serving(app: FastAPI, port: int) -> Iterator[None]:
    """The app served on 127.0.0.1:port by uvicorn in a thread, until the block ends."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    try:
        yield
    finally:
        server.should_exit = True
        thread.join(10)


@contextmanager
def fresh_database(settings: Settings, folder: Path) -> Iterator[str]:
    """A new, empty database of the run's backend (a file in ``folder`` or a PostgreSQL database)."""
    url = f"sqlite:///{folder / 'live.db'}" if settings.is_sqlite else create_pg_database()
    try:
        yield url
    finally:
        if not settings.is_sqlite:
            drop_pg_database(url)
