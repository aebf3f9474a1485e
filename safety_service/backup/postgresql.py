"""PostgreSQL's side of a backup: ``pg_dump`` of one snapshot, and ``pg_restore`` in one transaction.

The client tools are PostgreSQL's own (Debian: ``postgresql-client``); a missing one, or one older
than the server or the dump, is named in the error. The password travels in ``PGPASSWORD``, never on
a command line other users can read.
"""

import contextlib
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import IO

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine, make_url

from safety_service.backup.errors import BackupFailed, ToolMissing

CHUNK = 1 << 20
# Drop and remake every object rather than delete rows: event tables refuse DELETE, and tables a
# newer migration added must go too. pg_restore's SQL follows inside the same transaction, and
# COMMIT is sent only once pg_restore has written all of it: a failure leaves the database as it was.
PROLOGUE = (b"SET client_min_messages = warning;\nSET lock_timeout = '10s';\nBEGIN;\n"  # a running service: fail, not hang
            b"DROP SCHEMA IF EXISTS public CASCADE;\nCREATE SCHEMA public;\n")


def tool(name: str) -> str:
    """The path of a PostgreSQL client tool, or an error naming it."""
    found = shutil.which(name)
    if found is None:
        raise ToolMissing(f"{name} is not installed; install PostgreSQL's client tools (Debian: "
                          f"apt-get install postgresql-client) of the server's version or newer", field=name)
    return found


def tool_major(path: str) -> int:
    """The major version of a client tool (``pg_dump (PostgreSQL) 15.20`` → 15)."""
    output = subprocess.run([path, "--version"], capture_output=True, text=True, check=False).stdout
    found = re.search(r"\)\s*(\d+)", output)
    if found is None:
        raise ToolMissing(f"cannot tell the version of {path}: {output.strip()!r}", field=Path(path).name)
    return int(found[1])


def connection_args(engine: Engine) -> tuple[str, dict[str, str]]:
    """The libpq connection string without the password, and an environment carrying it."""
    url = engine.url
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    conninfo = make_url(url).set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return conninfo, env


def dump(engine: Engine, target: Path) -> tuple[str, int]:
    """Dump the database to ``target`` (custom format); returns its Alembic revision and pg_dump's major version.

    The revision is read in the snapshot pg_dump dumps, so the two always agree.
    """
    pg_dump = tool("pg_dump")
    major = tool_major(pg_dump)
    conninfo, env = connection_args(engine)
    with engine.connect() as connection:
        connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            server = int(connection.execute(text("SHOW server_version_num")).scalar_one()) // 10_000
            if major < server:
                raise ToolMissing(f"pg_dump {major} cannot dump a PostgreSQL {server} server; install the "
                                  f"client tools of version {server} or newer", field="pg_dump")
            snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            revision = _revision(connection)
            _run([pg_dump, "--format=custom", f"--snapshot={snapshot}", "--file", str(target), "--dbname", conninfo],
                 env, what="pg_dump")
    return revision, major


def _revision(connection: Connection) -> str:
    exists = connection.execute(text("SELECT to_regclass('alembic_version')")).scalar_one()
    rows = connection.execute(text("SELECT version_num FROM alembic_version ORDER BY 1")).scalars().all() \
        if exists else []
    if not rows:
        raise BackupFailed("the database has no schema yet (run `safety-service db upgrade`)", field="database")
    return ",".join(rows)


def _run(command: list[str], env: dict[str, str], *, what: str) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupFailed(f"{what} failed: {_first_error(done.stderr)}", field="database")


def _first_error(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    return next((line for line in lines if "ERROR" in line or "error" in line), lines[0] if lines else "no message")


def restore(engine: Engine, dump_file: Path, *, dump_major: int | None) -> None:
    """Replace every object of the database's ``public`` schema by the dump's, in one transaction."""
    pg_restore, psql = tool("pg_restore"), tool("psql")
    if dump_major is not None and tool_major(pg_restore) < dump_major:
        raise ToolMissing(f"pg_restore {tool_major(pg_restore)} cannot read a dump from pg_dump {dump_major}; "
                          f"install the client tools of version {dump_major} or newer", field="pg_restore")
    conninfo, env = connection_args(engine)
    with tempfile.TemporaryFile() as reader_errors, tempfile.TemporaryFile() as writer_errors:
        reader = subprocess.Popen([pg_restore, "--no-owner", "--no-privileges", "--file", "-", str(dump_file)],
                                  stdout=subprocess.PIPE, stderr=reader_errors, env=env)
        writer = subprocess.Popen([psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "--dbname", conninfo, "-f", "-"],
                                  stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=writer_errors, env=env)
        read_ok = _pipe(reader, writer)
        if writer.returncode != 0:  # psql stopped first (pg_restore then only lost its reader)
            error = _first_error(_text(writer_errors))
            hint = "; stop the service (and every intake) first" if "lock timeout" in error else ""
            raise BackupFailed(f"restoring into the database failed: {error}{hint}", field="database")
        if reader.returncode != 0 or not read_ok:
            raise BackupFailed(f"pg_restore failed: {_first_error(_text(reader_errors))}", field="database")


def _pipe(reader: subprocess.Popen[bytes], writer: subprocess.Popen[bytes]) -> bool:
    """Feed pg_restore's SQL to psql inside BEGIN … COMMIT; whether pg_restore finished cleanly."""
    assert reader.stdout is not None and writer.stdin is not None
    finished = False
    try:
        writer.stdin.write(PROLOGUE)
        shutil.copyfileobj(reader.stdout, writer.stdin, CHUNK)
        finished = reader.wait() == 0
        if finished:
            writer.stdin.write(b"COMMIT;\n")
        writer.stdin.close()
    except BrokenPipeError:  # psql stopped at an error; its message says which
        pass
    finally:
        reader.stdout.close()
        reader.wait()
        with contextlib.suppress(BrokenPipeError):
            writer.stdin.close()
        writer.wait()
    return finished


def _text(file: IO[bytes]) -> str:
    file.seek(0)
    return file.read().decode(errors="replace")
