"""Removing what a test committed to the shared test database, history included."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text
from sqlmodel import Session


@contextmanager
def history_unlocked(session: Session, table: str) -> Iterator[None]:
    """Within the session's transaction only, the table's append-only triggers are off (migration 0008).

    The change is transactional DDL on both databases: other connections never see the table
    unguarded, and a failure inside puts the triggers back with the rollback.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
        yield
        session.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER USER"))
        return
    saved = session.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :table"),
                            {"table": table}).all()
    for name, _ in saved:
        session.execute(text(f'DROP TRIGGER "{name}"'))
    yield
    for _, sql in saved:
        session.execute(text(sql))
