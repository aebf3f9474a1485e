"""Reads on the driver's cursor keep SQLAlchemy's error handling and its pool's health checks."""

import psycopg
import pytest
from sqlalchemy import column, func, select, table
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from safety_service.database import make_engine, read_only
from safety_service.driver import driver_statement
from tests.conftest import POSTGRES_ADMIN_URL, make_settings

MISSING = select(table("no_such_table", column("x")))


def test_a_driver_error_is_sqlalchemys_so_the_app_answers_it(session: Session) -> None:
    connection = session.connection()
    with pytest.raises(DBAPIError) as raised, session.begin_nested():
        driver_statement(MISSING, connection.dialect).fetch(connection, {})
    assert "no_such_table" in str(raised.value)


def _backend_pid(engine: Engine) -> int:
    with read_only(engine) as connection:
        return connection.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()


def _terminate(pid: int) -> None:
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))


def test_a_pooled_connection_the_server_closed_is_replaced_before_a_driver_read() -> None:
    """As after a PostgreSQL restart: the engine's pre-ping replaces it, and the read succeeds."""
    engine = make_engine(make_settings(POSTGRES_ADMIN_URL, db_pool_size=1))
    try:
        first = _backend_pid(engine)
        _terminate(first)
        with read_only(engine) as connection:
            rows = driver_statement(select(func.pg_backend_pid()), connection.dialect).fetch(connection, {})
        assert rows[0][0] != first
    finally:
        engine.dispose()
