"""Readiness: can the database be read and written, and is the MQTT intake connected and subscribed.

Every answer is a state name (and a few numbers), never a driver's message, a host or a port: the
endpoint is anonymous. The errors behind a state are logged.
"""

import logging
import os
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from safety_service.clock import utc_now

logger = logging.getLogger(__name__)

OK, BUSY, DISK_FULL, READ_ONLY, UNAVAILABLE = "ok", "busy", "disk_full", "read_only", "unavailable"
# A write probe waits this long for a lock: a database held longer is "busy" (still ready).
PROBE_LOCK_SECONDS = 2
# Answers are kept this long, so callers cannot make the write probe contend with the intake.
CACHE_SECONDS = 2.0
SQLITE_CODES = {sqlite3.SQLITE_FULL: DISK_FULL, sqlite3.SQLITE_READONLY: READ_ONLY, sqlite3.SQLITE_BUSY: BUSY}
POSTGRESQL_CODES = {"53100": DISK_FULL, "25006": READ_ONLY, "55P03": BUSY, "57014": BUSY}


def storage_fault(error: BaseException, engine: Engine | None = None) -> str | None:
    """``disk_full``, ``read_only`` or ``busy`` when a database error says so (SQLite's result code,
    PostgreSQL's SQLSTATE), else None. With the engine, a SQLite file that cannot be opened because
    it (or its file system) is read-only is ``read_only`` too: a WAL database there cannot be opened."""
    original = error.orig if isinstance(error, DBAPIError) else error
    code = getattr(original, "sqlite_errorcode", None)
    if code is not None:
        if code & 0xFF == sqlite3.SQLITE_CANTOPEN and engine is not None and _read_only_file(engine):
            return READ_ONLY
        return SQLITE_CODES.get(code & 0xFF)
    return POSTGRESQL_CODES.get(getattr(original, "sqlstate", None) or "")


def _read_only_file(engine: Engine) -> bool:
    path = Path(engine.url.database or "")
    return engine.dialect.name == "sqlite" and path.is_file() and not os.access(path, os.W_OK)


def _state_of(error: BaseException, engine: Engine) -> str:
    return storage_fault(error, engine) or UNAVAILABLE


def check_read(engine: Engine) -> str:
    """Whether a table can be read (SQLite's ``SELECT 1`` would not open the file)."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT count(*) FROM alembic_version")).scalar_one()
    except (SQLAlchemyError, OSError) as exc:
        logger.warning("readiness: database read failed", extra={"error": str(exc)[:500]})
        return _state_of(exc, engine)
    return OK


def check_write(engine: Engine) -> str:
    """Whether a write commits: the migrations' one row rewritten with its own value, so a full disk
    or a read-only database fails it as it would fail a report."""
    try:
        with engine.connect() as connection:
            if connection.dialect.name == "sqlite":
                _sqlite_write(connection)
            else:
                _postgresql_write(connection)
    except (SQLAlchemyError, OSError, PoolTimeout) as exc:
        logger.warning("readiness: database write failed", extra={"error": str(exc)[:500]})
        return _state_of(exc, engine)
    return OK


def _sqlite_write(connection: Connection) -> None:
    driver = connection.connection.dbapi_connection  # a PRAGMA through SQLAlchemy would begin a transaction
    assert driver is not None  # an open connection's
    driver.execute(f"PRAGMA busy_timeout={PROBE_LOCK_SECONDS * 1000}")
    try:
        with connection.execution_options(sqlite_begin="IMMEDIATE").begin():
            connection.execute(text("UPDATE alembic_version SET version_num = version_num"))
    finally:
        driver.execute("PRAGMA busy_timeout=15000")


def _postgresql_write(connection: Connection) -> None:
    # The rewritten row fits its page, so it needs no room on disk; a row in a new temporary table
    # makes PostgreSQL extend a file in the database's directory, which a full disk refuses.
    with connection.begin():
        connection.execute(text(f"SET LOCAL lock_timeout = '{PROBE_LOCK_SECONDS}s'"))
        connection.execute(text(f"SET LOCAL statement_timeout = '{PROBE_LOCK_SECONDS * 2}s'"))
        connection.execute(text("UPDATE alembic_version SET version_num = version_num"))
        connection.execute(text("CREATE TEMPORARY TABLE readiness_probe (n integer) ON COMMIT DROP"))
        connection.execute(text("INSERT INTO readiness_probe VALUES (1)"))


def intake_readiness(service: Any) -> dict[str, Any]:
    """The MQTT intake's state for ``/readyz``: ``disabled`` without one in this process."""
    if service is None:
        return {"state": "disabled"}
    state = service.state
    name = OK if state.connected and state.subscribed else "not_subscribed" if state.connected else "disconnected"
    age = state.last_applied_age(utc_now())
    return {"state": name, "connected": state.connected, "subscribed": state.subscribed,
            "last_applied_age_seconds": None if age is None else round(age, 1),
            "dead_letters": state.dead_letters}


@dataclass
class Readiness:
    """``/readyz``'s answer, worked out at most every CACHE_SECONDS."""

    engine: Engine
    cache_seconds: float = CACHE_SECONDS
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _database: tuple[float, dict[str, str]] | None = None

    def check(self, service: Any) -> tuple[bool, dict[str, Any]]:
        """Whether the process is ready, and the states behind it."""
        database = self._database_states()
        mqtt = intake_readiness(service)
        ready = database["read"] == OK and database["write"] in (OK, BUSY) and mqtt["state"] in (OK, "disabled")
        return ready, {"status": "ready" if ready else "not_ready", "database": database, "mqtt": mqtt}

    def _database_states(self) -> dict[str, str]:
        with self._lock:
            if self._database is None or time.monotonic() - self._database[0] >= self.cache_seconds:
                read = check_read(self.engine)
                write = check_write(self.engine) if read == OK else read
                self._database = (time.monotonic(), {"read": read, "write": write})
            return self._database[1]
