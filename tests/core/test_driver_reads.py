"""Reads on the driver's cursor keep SQLAlchemy's error handling, and PostgreSQL's pool its health."""

import psycopg
import pytest
from sqlalchemy import column, select, table
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlmodel import Session

from safety_service import database
from safety_service.database import driver_statement, make_engine, read_only
from tests.conftest import POSTGRES_ADMIN_URL, make_settings

MISSING = select(table("no_such_table", column("x")))


def test_a_driver_error_is_sqlalchemys_so_the_app_answers_it(session: Session) -> None:
    connection = session.connection()
    with pytest.raises(DBAPIError) as raised, session.begin_nested():
        driver_statement(MISSING, connection.dialect).fetch(connection, {})
    assert "no_such_table" in str(raised.value)


def _backend_pid(engine: object) -> int:
    with read_only(engine) as connection:  # type: ignore[arg-type]
        return connection.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()


def _terminate(pid: int) -> None:
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))


def test_an_idle_pooled_connection_the_server_closed_is_replaced_before_use(
        monkeypatch: pytest.MonkeyPatch) -> None:
    engine = make_engine(make_settings(POSTGRES_ADMIN_URL, db_pool_size=1))
    try:
        first = _backend_pid(engine)
        _terminate(first)
        monkeypatch.setattr(database, "PING_AFTER_IDLE_SECONDS", 0.0)  # it has sat idle long enough
        assert _backend_pid(engine) != first
    finally:
        engine.dispose()


def test_a_connection_lost_under_a_driver_read_leaves_the_pool_with_a_503_error() -> None:
    """In steady use nothing is pinged: a connection the server closed fails its read once, as a
    SQLAlchemy OperationalError (the API's 503), and the pool opens a new one for the next."""
    engine = make_engine(make_settings(POSTGRES_ADMIN_URL, db_pool_size=1))
    probe = select(table("pg_stat_activity", column("pid"))).limit(1)
    try:
        first = _backend_pid(engine)
        _terminate(first)
        with pytest.raises(OperationalError), read_only(engine) as connection:
            driver_statement(probe, connection.dialect).fetch(connection, {})
        assert _backend_pid(engine) != first
    finally:
        engine.dispose()
