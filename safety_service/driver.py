"""Statements on the driver's own cursor, past SQLAlchemy's work per row: compiled selects, IN lists, bulk inserts."""

import json
import re
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

import psycopg
from sqlalchemy import Table
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import BindParameter

from safety_service.clock import as_utc


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
        """All rows of the statement on an async psycopg connection (``database.AsyncReads``)."""
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


def utc_value(value: datetime | str | None) -> datetime | None:
    """A time column's value from a driver as aware UTC (SQLite's driver gives the stored text)."""
    if value is None:
        return None
    if isinstance(value, str):
        # Naive UTC, as UTCDateTime stores it; parsed with its offset written on, 5x faster than
        # parsing and then replace(tzinfo=...) (100 times a page of the list).
        return datetime.fromisoformat(value + "+00:00")
    return as_utc(value)
