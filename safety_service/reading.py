"""Reads written once for a read thread and for the event loop: a plan yields statements, a reader runs them.

The hazard list and its account check run on a read thread (a SQLAlchemy connection) and, on
PostgreSQL, on the event loop (an async psycopg connection from ``AsyncReads``). Each is written once,
as a plan: a generator that yields a ``Query`` and is sent the query's rows, and returns its answer.
A plan does no IO of its own, so the same code runs on both; ``run`` feeds it from a ``Reader`` on a
thread, ``run_on_the_loop`` from an async connection.
"""

from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar, cast

import psycopg
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import OperationalError
from sqlalchemy.sql import Executable

from safety_service.database import AsyncReads
from safety_service.driver import driver_statement

T = TypeVar("T")
Rows = Sequence[Sequence[Any]]


@dataclass(frozen=True, slots=True)
class Query:
    """A statement to run and its parameters' values."""

    statement: Executable
    params: dict[str, Any]
    # Built once (per shape): compiled once per dialect and run on the driver's cursor (``DriverStatement``).
    # A statement built per request (a text search, its terms inside) goes through SQLAlchemy's own
    # execution and compiled cache instead, and only on a thread.
    cached: bool = True


Plan = Generator[Query, Rows, T]


class Reader(Protocol):
    """Runs a plan's queries on a thread."""

    def rows(self, query: Query) -> Rows:
        """All rows of the query."""


@dataclass(frozen=True, slots=True)
class ConnectionReader:
    """A SQLAlchemy connection as a ``Reader`` (a read thread's, or a session's)."""

    connection: Connection

    def rows(self, query: Query) -> Rows:
        """All rows of the query, on the driver's cursor when the statement is cached."""
        if query.cached:
            return driver_statement(query.statement, self.connection.dialect).fetch(self.connection, query.params)
        return self.connection.execute(query.statement, query.params).all()


def run(reader: Reader, plan: Plan[T]) -> T:
    """The plan's answer, its queries run by the reader."""
    try:
        query = next(plan)
        while True:
            query = plan.send(reader.rows(query))
    except StopIteration as done:
        return cast(T, done.value)


async def run_on_the_loop(reads: AsyncReads, plan_for: Callable[[Dialect], Plan[T]], *,
                          wait_seconds: float) -> T | None:
    """The plan's answer on the event loop; None for a thread to answer: a plan that asks for a statement
    built per request (a text search), or when no working connection is to be had at once (PostgreSQL
    restarted or went away: the pool replaces its connections meanwhile)."""
    plan = plan_for(reads.dialect)
    try:
        async with reads.pool.connection(timeout=wait_seconds) as connection:
            return await _fed(plan, connection, reads.dialect)
    except (psycopg.OperationalError, OperationalError):  # the pool's PoolTimeout and PoolClosed among them
        return None


async def _fed(plan: Plan[T], connection: psycopg.AsyncConnection[Any], dialect: Dialect) -> T | None:
    try:
        query = next(plan)
        while query.cached:
            rows = await driver_statement(query.statement, dialect).fetch_async(connection, query.params)
            query = plan.send(rows)
    except StopIteration as done:  # caught here, in the coroutine it was raised in
        return cast(T, done.value)
    return None
