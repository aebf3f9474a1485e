"""SQLite's side of a backup: a consistent copy of the live file, and putting a copy in its place."""

import os
import sqlite3
from pathlib import Path

from safety_service.backup.archive import sync_folder
from safety_service.backup.errors import BackupFailed, BackupUnreadable

SIDE_FILES = ("-wal", "-shm", "-journal")


def copy_live(source: Path, target: Path) -> str:
    """Copy a database in use with SQLite's online backup API; returns the copy's Alembic revision.

    A file copy of a database in WAL mode can take the main file and the WAL at different
    moments; the backup API copies every page in one step under one read snapshot, while the
    service's writers go on appending to the WAL.
    """
    if not source.is_file():
        raise BackupFailed(f"no SQLite database at {source}", field="database")
    live = sqlite3.connect(source, timeout=15)
    copy = sqlite3.connect(target)
    try:
        live.backup(copy)  # pages=-1: all of them in one step
        copy.execute("PRAGMA journal_mode=DELETE")  # a copy complete in one file
        return _revision(copy)
    except sqlite3.Error as exc:
        raise BackupFailed(f"cannot copy {source}: {exc}", field="database") from exc
    finally:
        copy.close()
        live.close()


def _revision(connection: sqlite3.Connection) -> str:
    try:
        rows = connection.execute("SELECT version_num FROM alembic_version ORDER BY version_num").fetchall()
    except sqlite3.OperationalError:
        rows = []
    if not rows:
        raise BackupFailed("the database has no schema yet (run `safety-service db upgrade`)", field="database")
    return ",".join(row[0] for row in rows)


def check_copy(path: Path) -> None:
    """Refuse a staged copy SQLite finds damaged."""
    connection = sqlite3.connect(path)
    try:
        verdict = connection.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        verdict = str(exc)
    finally:
        connection.close()
    if verdict != "ok":
        raise BackupUnreadable(f"the backup's database is damaged: {verdict}")


def settle(path: Path) -> None:
    """Fold a staged copy's WAL into its file, so the file alone is the whole database."""
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA journal_mode=DELETE")
    finally:
        connection.close()


def put_in_place(staged: Path, target: Path) -> None:
    """Replace the database file by the staged copy (the service must be stopped).

    The old file's WAL and shared memory go first: left beside the new file, SQLite would
    replay the old WAL's pages onto it.
    """
    for suffix in SIDE_FILES:
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    os.replace(staged, target)
    sync_folder(target.parent)
