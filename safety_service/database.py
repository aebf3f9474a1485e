"""Engine, sessions and the shared table metadata."""

import json
import logging
import re
from collections.abc import Callable, Collection, Iterator, Sequence
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
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import StaticPool
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import BindParameter
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
    """A binary COPY's text and VARCHAR columns (``insert_rows``): taken by the column's type only, never for a
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
    SQLAlchemy itself executes on it (``DriverStatement`` does not).
    """
    connection = engine.connect()
    if engine.dialect.name == "postgresql":
        connection.execution_options(isolation_level="AUTOCOMMIT")
    return connection


@dataclass(frozen=True)
class DriverStatement:
    """A Core select compiled once for a dialect and run on the driver's own cursor.

    For the hottest reads (the hazard list and its account check). Per execution SQLAlchemy
    looks the statement up in its compiled cache, sets up an execution context and wraps and
    processes every row: on a page of 50 hazards that took 415 µs where the same statement on the
    cursor took 292 µs, most of it SQLite's. Parameters still pass through their types' bind
    processors, and ``literal_execute`` ones are written into the text as SQLAlchemy would; rows
    come back as the driver gives them (SQLite gives times as text: see ``utc_value``).
    """

    compiled: Any  # sqlalchemy.sql.compiler.SQLCompiler
    positions: tuple[str, ...] | None  # the sent parameters' names in order, for a positional paramstyle
    processors: tuple[tuple[str, Callable[[Any], Any]], ...]
    literals: dict[str, Callable[[Any], str]]  # literal_execute parameters: how each value is written

    def parameters(self, params: dict[str, Any]) -> tuple[str, list[Any] | dict[str, Any]]:
        """The text and the parameters as the driver takes them."""
        values = self.compiled.construct_params(params)
        text = self.compiled.string
        if self.literals:
            text = _POSTCOMPILE.sub(lambda found: self.literals[found[1]](values[found[1]]), text)
            for name in self.literals:
                del values[name]
        for name, process in self.processors:
            values[name] = process(values[name])
        return text, values if self.positions is None else [values[name] for name in self.positions]

    def fetch(self, connection: Connection, params: dict[str, Any]) -> Sequence[Sequence[Any]]:
        """All rows of the statement with these parameters, on this connection's driver connection."""
        text, values = self.parameters(params)
        with driver_cursor(connection, text, values) as cursor:
            cursor.execute(text, values)
            rows: Sequence[Sequence[Any]] = cursor.fetchall()
            return rows

    async def fetch_async(self, connection: psycopg.AsyncConnection[Any],
                          params: dict[str, Any]) -> Sequence[Sequence[Any]]:
        """All rows of the statement on an async psycopg connection (``AsyncReads``)."""
        text, values = self.parameters(params)
        try:
            async with connection.cursor() as cursor:
                await cursor.execute(text, values)
                return await cursor.fetchall()
        except psycopg.Error as exc:
            raise DBAPIError.instance(text, values, exc, psycopg.Error) from exc


_POSTCOMPILE = re.compile(r"__\[POSTCOMPILE_(\w+)\]")


@lru_cache(maxsize=1024)
def driver_statement(statement: ClauseElement, dialect: Dialect) -> DriverStatement:
    """The statement compiled for the dialect, once (statements and dialects are keyed by identity)."""
    compiled = statement.compile(dialect=dialect)
    if not isinstance(compiled, SQLCompiler):
        raise TypeError(f"{type(statement).__name__} does not compile to SQL")
    literal = {compiled.bind_names[bind] for bind in compiled.literal_execute_params}
    if any(bind.expanding and name not in literal for name, bind in compiled.binds.items()):
        raise ValueError("a DriverStatement expands an IN list only when it is written in (literal_execute)")
    processors = tuple(
        (name, process) for name, bind in compiled.binds.items()
        if name not in literal and (process := bind.type.bind_processor(dialect)) is not None
    )
    order = compiled.positiontup if compiled.positional else None
    positions = None if order is None else tuple(name for name in order if name not in literal)
    literals = {name: _writer(name, bind, dialect) for name, bind in compiled.binds.items() if name in literal}
    return DriverStatement(compiled, positions, processors, literals)


def _writer(name: str, bind: BindParameter[Any], dialect: Dialect) -> Callable[[Any], str]:
    """How a literal_execute parameter's value is written into the statement (a list, for an IN);
    the type's literal processor escapes it (quotes, and % where the driver's placeholders use it)."""
    write = bind.type.literal_processor(dialect)
    if write is None:
        raise ValueError(f"parameter {name!r} has no SQL literal form; give it a type")
    if bind.expanding:
        return lambda values: ", ".join(map(write, values))
    return write


@contextmanager
def driver_cursor(connection: Connection, sql: str, parameters: Any) -> Iterator[Any]:
    """The driver's own cursor on the connection, closed after; a driver error comes out as SQLAlchemy's, as the
    app expects of any statement (a lost database is a 503)."""
    dbapi = connection.dialect.loaded_dbapi
    cursor = connection.connection.cursor()
    try:
        yield cursor
    except dbapi.Error as exc:
        raise DBAPIError.instance(sql, parameters, exc, dbapi.Error) from exc
    finally:
        cursor.close()


def insert_rows(connection: Connection, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]],
                *, json_text: Collection[str] = ()) -> None:
    """Many rows into a table with one ``executemany`` on the driver, each row a plain tuple in the
    order of ``columns``. The columns' types still process their values (JSON is dumped, times are
    written as the dialect stores them), a column at a time and a value repeated from the row before
    (a sweep's one time) once; SQLAlchemy's per-row parameter building, a third of an escalation
    sweep's time, is skipped. The ``json_text`` columns' values are JSON already, written as given."""
    if not rows:
        return
    dialect = connection.dialect
    quote = dialect.identifier_preparer.quote
    target = f"{dialect.identifier_preparer.format_table(table)} ({', '.join(map(quote, columns))})"
    marker = "?" if dialect.paramstyle == "qmark" else "%s"
    text = f"INSERT INTO {target} VALUES ({', '.join([marker] * len(columns))})"
    processors = [None if name in json_text else table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
                  for name in columns]
    if any(processors):
        values = [_processed(process, column) for process, column in zip(processors, zip(*rows, strict=True), strict=True)]
        rows = list(zip(*values, strict=True))
    else:
        rows = [tuple(row) for row in rows]
    if dialect.name == "postgresql":
        _copy(connection, target, rows, _binary_types(table, tuple(columns), frozenset(json_text), dialect))
    else:
        connection.exec_driver_sql(text, rows)


def _copy(connection: Connection, target: str, rows: Sequence[Sequence[Any]], types: tuple[str, ...] | None) -> None:
    """Rows into PostgreSQL as one COPY: one statement for the server where ``executemany`` runs one per row.
    In the binary format when every column's type has one here (``types``): the driver writes each value's
    bytes instead of formatting text (the intake's writer, 99–102 → 91–94 µs a report, docs/performance.md);
    in text otherwise."""
    sql = f"COPY {target} FROM STDIN" + (" (FORMAT BINARY)" if types else "")
    with driver_cursor(connection, sql, rows) as cursor, cursor.copy(sql) as copy:
        if types:
            copy.set_types(types)
        for row in rows:
            copy.write_row(row)


# A column's type as PostgreSQL declares it, by the type whose binary form the driver writes for it. Text and
# VARCHAR are the same bytes (the server checks a VARCHAR's length as in text); a JSON column takes the
# driver's JSON (what the column's type made of the value) or, given as JSON text, that text as it is.
_BINARY = {"integer": "int4", "bigint": "int8", "smallint": "int2", "boolean": "bool", "text": "text",
           "varchar": "text", "json": "json", "timestamp with time zone": "timestamptz", "date": "date"}


@lru_cache(maxsize=64)
def _binary_types(table: Table, columns: tuple[str, ...], json_text: frozenset[str], dialect: Any
                  ) -> tuple[str, ...] | None:
    """The binary COPY types of the columns, or None when one has no binary form here (COPY in text then)."""
    declared = [table.c[name].type.compile(dialect=dialect).lower().split("(")[0] for name in columns]
    if not all(kind in _BINARY for kind in declared):
        return None
    return tuple("text" if name in json_text else _BINARY[kind] for name, kind in zip(columns, declared, strict=True))


def fetch_in(connection: Connection, sql: str, values: Collection[str]) -> Sequence[Sequence[Any]]:
    """The rows of ``sql``, whose ``{in_values}`` (after a column) takes the whole list as one parameter, on the
    driver's cursor. The text is the same whatever the list's length, so SQLite's statement cache and
    PostgreSQL's plans are reused, and no expanding IN is built per call (a batch's 500 report ids)."""
    parameter: list[str] | str
    if connection.dialect.name == "postgresql":
        text, parameter = sql.format(in_values="= ANY(%s::text[])"), list(values)
    else:
        text, parameter = sql.format(in_values="IN (SELECT value FROM json_each(?))"), json.dumps(list(values))
    with driver_cursor(connection, text, (parameter,)) as cursor:
        cursor.execute(text, (parameter,))
        rows: Sequence[Sequence[Any]] = cursor.fetchall()
        return rows


_NOTHING = object()  # no value read yet


def _processed(process: Callable[[Any], Any] | None, column: Sequence[Any]) -> Sequence[Any]:
    if process is None:
        return column
    out, last, done = [], _NOTHING, None
    for value in column:
        if value is not last:  # the same object as the row before: the same stored value
            last, done = value, process(value)
        out.append(done)
    return out


@dataclass(frozen=True)
class AsyncReads:
    """PostgreSQL connections that serve the hottest read (the hazard list) on the event loop.

    A read on a worker thread waits out each round trip to PostgreSQL, then queues for the GIL
    with the event loop and the other threads; on the loop the same statements serve more (the
    figures are in docs/performance.md). The connections are
    psycopg's own (``psycopg_pool``) in autocommit; statements are compiled by SQLAlchemy
    (``DriverStatement``) for ``dialect``, the engine's. A connection PostgreSQL closed fails its
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


def utc_value(value: datetime | str | None) -> datetime | None:
    """A time column's value from a driver as aware UTC (SQLite's driver gives the stored text)."""
    if value is None:
        return None
    if isinstance(value, str):
        # Naive UTC, as UTCDateTime stores it; parsed with its offset written on, 5x faster than
        # parsing and then replace(tzinfo=...) (100 times a page of the list).
        return datetime.fromisoformat(value + "+00:00")
    return as_utc(value)


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
