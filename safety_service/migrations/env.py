"""Alembic environment: runs on the engine handed over by safety_service.migrate."""

from alembic import context
from sqlalchemy.engine import Connection

import safety_service.models  # noqa: F401 - registers every table
from safety_service.database import get_engine, metadata
from safety_service.migrate import include_object

config = context.config
engine = config.attributes.get("engine") or get_engine()


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=True,
        compare_type=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_on_sqlite() -> None:
    """SQLite changes a table's shape by rebuilding it under another name, which its foreign keys refuse
    while rows refer to it: they are off during the migration, as SQLite's own procedure says
    (https://www.sqlite.org/lang_altertable.html#otheralter), and every reference is checked before the
    commit (a broken one rolls everything back)."""
    with engine.connect() as connection:
        raw = connection.connection.driver_connection
        raw.execute("PRAGMA foreign_keys=OFF")  # outside any transaction, where the pragma takes effect
        try:
            with connection.begin():
                run(connection)
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"the migration left rows referring to rows that are gone: {broken[:5]}")
        finally:
            raw.execute("PRAGMA foreign_keys=ON")


if engine.dialect.name == "sqlite":
    run_on_sqlite()
else:
    with engine.begin() as connection:
        run(connection)
