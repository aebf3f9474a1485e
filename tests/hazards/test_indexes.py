"""The hazard indexes of columns a new report mostly leaves empty hold only the hazards where the column is set,
and the queries that compare the column still read them, on both databases."""

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

# Each index, its first column, and a statement of the kind the service runs on it.
WHERE_SET = {
    "ix_hazard_owner_open_deadline":
        ("owner_id", "SELECT id FROM hazard WHERE owner_id = :v AND is_open = :t ORDER BY deadline"),
    "ix_hazard_unit_reported": ("unit_id", "SELECT id FROM hazard WHERE unit_id IN (:v, :w) ORDER BY reported_at"),
    "ix_hazard_reporter_reported":
        ("reporter_employee_no", "SELECT id FROM hazard WHERE reporter_employee_no = :s ORDER BY reported_at DESC"),
    "ix_hazard_category_reported":
        ("category_id", "SELECT id FROM hazard WHERE category_id = :v ORDER BY reported_at DESC"),
    "ix_hazard_risk_point_id": ("risk_point_id", "SELECT id FROM hazard WHERE risk_point_id = :v"),
    "ix_hazard_failed_control_id":
        ("failed_control_id",
         "SELECT h.id FROM risk_control c JOIN hazard h ON h.failed_control_id = c.id WHERE c.risk_id = :v"),
}
VALUES = {"v": 1, "w": 2, "t": True, "s": "E1001"}


def definition(connection: Connection, name: str) -> str:
    if connection.dialect.name == "sqlite":
        query = "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = :name"
    else:
        query = "SELECT indexdef FROM pg_indexes WHERE tablename = 'hazard' AND indexname = :name"
    return connection.execute(text(query), {"name": name}).scalar_one()


def plan(connection: Connection, statement: str) -> str:
    if connection.dialect.name == "sqlite":
        rows = connection.execute(text(f"EXPLAIN QUERY PLAN {statement}"), VALUES).all()
        return "\n".join(row[-1] for row in rows)
    connection.execute(text("SET LOCAL enable_seqscan = off"))  # a test's few rows would be read whole anyway
    return "\n".join(connection.execute(text(f"EXPLAIN {statement}"), VALUES).scalars())


@pytest.mark.parametrize("name", WHERE_SET)
def test_the_index_holds_only_the_hazards_where_its_column_is_set(engine: Engine, name: str) -> None:
    column, _ = WHERE_SET[name]
    with engine.connect() as connection:
        found = definition(connection, name)
    assert found.replace("(", "").replace(")", "").endswith(f"WHERE {column} IS NOT NULL")  # PostgreSQL adds ( )


@pytest.mark.parametrize("name", WHERE_SET)
def test_a_query_comparing_the_column_reads_the_index(engine: Engine, name: str) -> None:
    _, statement = WHERE_SET[name]
    with engine.connect() as connection, connection.begin():
        assert name in plan(connection, statement)
