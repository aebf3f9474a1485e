"""Engine, sessions and the shared table metadata."""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, Protocol, TypeVar

import psycopg
from psycopg.abc import Buffer
from psycopg.types.string import StrBinaryDumper, StrDumperUnknown
from psycopg_pool import AsyncConnectionPool
from sqlalchemy import DateTime, MetaData, Table, event
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.engine import Connection, Dialect, Engine
from sqlalchemy.pool import StaticPool
from sqlalchemy.types import TypeDecorator
from sqlmodel import Session, SQLModel, create_engine

from safety_service.clock import as_utc
from safety_service.config import Settings, get_settings

logger = logging.getLogger(__name__)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION
metadata: MetaData = SQLModel.metadata


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as UTC and always hands back aware UTC, on every database."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use safety_service.clock.utc_now()")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else as_utc(value)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not pysqlite, begin transactions, so SAVEPOINT and BEGIN IMMEDIATE work.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")  # an acknowledged report survives a power cut
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    # A writing unit of work takes the write lock up front: a deferred transaction that
    # reads and then writes fails at once when another writer committed in between.
    mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
    connection.exec_driver_sql(f"BEGIN {mode}")


def make_engine(settings: Settings) -> Engine:
    """An engine for the configured database, tuned per dialect."""
    url = settings.database_url
    if settings.is_sqlite:
        path = settings.sqlite_path()
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(
                url,
                connect_args={"check_same_thread": False, "timeout": 15},
                pool_size=settings.concurrency.pool_size,
                max_overflow=settings.concurrency.background_connections,
            )
        else:
            engine = create_engine(
                url, connect_args={"check_same_thread": False}, poolclass=StaticPool
            )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    # Pinged at every checkout, so a restarted server costs no request (the hazard list, which would
    # pay the round trip most often, reads through AsyncReads on PostgreSQL).
    engine = create_engine(
        url, pool_size=settings.concurrency.pool_size, max_overflow=settings.concurrency.background_connections,
        pool_pre_ping=True,
    )
    event.listen(engine, "connect", _postgresql_text)
    return engine


class _WithoutNul:
    """Text for PostgreSQL with any NUL character as U+FFFD.

    PostgreSQL's text cannot hold NUL (0x00); psycopg refuses such a string with a DataError, which
    surfaced as a 500 from any text field (a description, a login name, a dead letter's payload).
    NUL is never part of what a person writes, so it is stored as the replacement character.
    """

    def dump(self, obj: str) -> Buffer | None:
        dumped: Buffer | None = super().dump(obj.replace("\x00", "\ufffd"))  # type: ignore[misc]  # mixed in below
        return dumped


class _TextWithoutNul(_WithoutNul, StrDumperUnknown):
    """A query's text parameters, of a type the server infers."""


class _BinaryTextWithoutNul(_WithoutNul, StrBinaryDumper):
    """A binary COPY's text and VARCHAR columns (``driver.insert_rows``): taken by the column's type only, never for a
    query's parameters."""


def _without_nul(adapters: Any) -> None:
    adapters.register_dumper(str, _TextWithoutNul)
    adapters.register_dumper(None, _BinaryTextWithoutNul)  # by its type (text) alone


def _postgresql_text(dbapi_connection: Any, _record: Any) -> None:
    _without_nul(dbapi_connection.adapters)


def read_only(engine: Engine) -> Connection:
    """A connection for a request that only reads, to use as a context manager.

    On PostgreSQL it runs in autocommit: a read needs no transaction, and without one it saves two
    round trips (BEGIN and the ROLLBACK when it goes back to the pool). SQLite begins none until
    SQLAlchemy itself executes on it (``driver.DriverStatement`` does not).
    """
    connection = engine.connect()
    if engine.dialect.name == "postgresql":
        connection.execution_options(isolation_level="AUTOCOMMIT")
    return connection


@dataclass(frozen=True)
class AsyncReads:
    """PostgreSQL connections that serve the hottest read (the hazard list) on the event loop.

    A read on a worker thread waits out each round trip to PostgreSQL, then queues for the GIL
    with the event loop and the other threads; on the loop the same statements serve more (the
    figures are in docs/performance.md). The connections are
    psycopg's own (``psycopg_pool``) in autocommit; statements are compiled by SQLAlchemy
    (``driver.DriverStatement``) for ``dialect``, the engine's. A connection PostgreSQL closed fails its
    read (the caller then reads through the engine) and the pool replaces it.
    """

    pool: AsyncConnectionPool[psycopg.AsyncConnection[Any]]
    dialect: Dialect

    @classmethod
    def for_engine(cls, engine: Engine, size: int) -> "AsyncReads | None":
        """A pool of ``size`` connections to the engine's PostgreSQL database (opened by ``open``); None on SQLite."""
        if engine.dialect.name != "postgresql":
            return None
        conninfo = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        pool = AsyncConnectionPool(
            conninfo, min_size=size, max_size=size, open=False, name="reads", kwargs={"autocommit": True},
            configure=_configure_async,
        )
        return cls(pool, engine.dialect)

    async def open(self) -> None:
        await self.pool.open()

    async def close(self) -> None:
        await self.pool.close()


async def _configure_async(connection: psycopg.AsyncConnection[Any]) -> None:
    _without_nul(connection.adapters)


class _Row(Protocol):
    @property
    def id(self) -> int | None: ...


def saved_id(row: _Row) -> int:
    """The id of a row the database gave one (a table declares ``id: int | None`` for rows not yet flushed)."""
    if row.id is None:
        raise ValueError(f"this {type(row).__name__} has no id yet: add and flush it first")
    return row.id


T = TypeVar("T")


def known(value: T | None) -> T:
    """A value that cannot be None here (a primary key from a query, a column it filtered on IS NOT NULL, a
    row the caller made), typed so; ValueError if it is."""
    if value is None:
        raise ValueError("a value the query never gives as NULL was NULL")
    return value


def table_of(model: type[Any]) -> Table:
    """A table model's Core table (SQLModel sets ``__table__``, which its type does not show)."""
    table = sa_inspect(model).local_table
    if not isinstance(table, Table):
        raise TypeError(f"{model.__name__} is not a table model")
    return table


@lru_cache
def get_engine() -> Engine:
    """The process-wide engine for the process-wide settings."""
    return make_engine(get_settings())


def writer(engine: Engine) -> Engine:
    """The same engine for a unit of work that writes (BEGIN IMMEDIATE on SQLite)."""
    return engine.execution_options(sqlite_begin="IMMEDIATE")


def restart_for_write(session: Session) -> None:
    """End the request's read transaction and start one that holds the write lock up front.

    A read request's transaction is deferred on SQLite, and upgrading it to write after another
    writer committed fails at once; so a read that must then write (the counselling access log)
    commits what it read (nothing written) and the next transaction begins IMMEDIATE (the option
    means nothing elsewhere).
    """
    session.commit()
    session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """One writing unit of work: commits once at the end, rolls back on any error."""
    with Session(writer(engine or get_engine()), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
