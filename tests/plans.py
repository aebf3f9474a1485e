"""What a statement sent to the driver reads of the hazard table, from the database's own plan."""

import re
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.engine import Connection

from safety_service.driver import DriverStatement


def hazard_statements_sent(monkeypatch: pytest.MonkeyPatch, call: Callable[[], object]) -> list[tuple[str, object]]:
    """The statements reading hazards that ``call`` sent to the driver, each ``(text, values)`` as the driver took
    it: what the plan checks below and a test's measure of work are given."""
    seen: list[tuple[str, object]] = []
    fetch = DriverStatement.fetch

    def recorded(statement: DriverStatement, connection: Connection, params: dict[str, Any]) -> Any:
        text, values = statement.parameters(params)
        if "FROM hazard" in text:
            seen.append((text, values))
        return fetch(statement, connection, params)

    with monkeypatch.context() as patched:
        patched.setattr(DriverStatement, "fetch", recorded)
        call()
    return seen


def assert_reads_hazards_from_indexes(connection: Connection, statements: list[tuple[str, object]]) -> None:
    """No statement reads the whole hazard table (PostgreSQL: nor tests each row against a SubPlan). Each is
    ``(text, values)`` as the driver took it."""
    assert statements
    cursor = connection.connection.driver_connection.cursor()
    for text, values in statements:
        if connection.dialect.name == "sqlite":
            plan = "\n".join(row[-1] for row in cursor.execute(f"EXPLAIN QUERY PLAN {text}", values).fetchall())
            assert not re.search(r"\bSCAN hazard\b(?! USING)", plan), plan
        else:
            cursor.execute("SET LOCAL enable_seqscan = off")  # a test's few rows would be read whole anyway
            cursor.execute(f"EXPLAIN {text}", values)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "Seq Scan on hazard" not in plan and "SubPlan" not in plan, plan
