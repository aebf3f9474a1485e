"""The history tables are append-only in the database itself: UPDATE, DELETE (and TRUNCATE) are refused.

A hazard's and a case's events, the reward ledger and the counselling access log are records
that someone may later have to answer for; the code only ever adds to them, and now the
database refuses anything else, from any connection: a SQL console "fixing" a row, a script,
a bug in a later version. SQLite: ``BEFORE UPDATE`` and ``BEFORE
DELETE`` triggers that ``RAISE(ABORT)``. PostgreSQL: one trigger function raising
``restrict_violation`` (SQLSTATE 23001), fired before each row's UPDATE or DELETE and before a
TRUNCATE of the table (a statement trigger: TRUNCATE fires no row triggers). Dropping a table
(the downgrade) is not refused. Whoever may alter the schema can still drop a trigger: this
guards the rows against edits, not against the schema's owner.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | tuple[str, ...] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("hazard_event", "counselling_case_event", "reward_entry", "counselling_access_log")
FUNCTION = "refuse_history_edit"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "RAISE EXCEPTION USING ERRCODE = 'restrict_violation', "
            "MESSAGE = format('%s is append-only: %s refused', TG_TABLE_NAME, TG_OP); END $$"
        )
    for table in TABLES:
        for statement in _create(table, op.get_bind().dialect.name):
            op.execute(statement)


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table in TABLES:
        for suffix in ("update", "delete", "truncate") if postgresql else ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_refuse_{suffix}" + (f" ON {table}" if postgresql else ""))
    if postgresql:
        op.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")


def _create(table: str, dialect: str) -> list[str]:
    if dialect == "postgresql":
        return [f"CREATE TRIGGER {table}_refuse_{verb.lower()} BEFORE {verb} ON {table} FOR EACH {each} "
                f"EXECUTE FUNCTION {FUNCTION}()"
                for verb, each in (("UPDATE", "ROW"), ("DELETE", "ROW"), ("TRUNCATE", "STATEMENT"))]
    return [f"CREATE TRIGGER {table}_refuse_{verb.lower()} BEFORE {verb} ON {table} BEGIN "
            f"SELECT RAISE(ABORT, '{table} is append-only: {verb} refused'); END"
            for verb in ("UPDATE", "DELETE")]
