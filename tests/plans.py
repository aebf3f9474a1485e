"""What a statement sent to the driver reads of the hazard table, from the database's own plan."""

import re

from sqlalchemy.engine import Connection


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
