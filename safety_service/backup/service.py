"""``safety-service backup`` and ``restore``: everything the service keeps in one file, and back.

A backup holds the database (the register with its photos, accounts, kiosks, counselling
cases: everything is in it) and the files of ``SAFETY_DATA_DIR`` (the keys the service
generated), taken while the service runs. A restore checks the whole file first, refuses a
database that already holds data unless forced, puts everything back without ever leaving a
half-restored database, and brings an older backup up to the code's schema.
"""

import logging
import shutil
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path, PurePosixPath

from sqlalchemy import inspect, literal_column, select, table
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from safety_service import migrate
from safety_service.backup import postgresql, sqlite
from safety_service.backup.archive import (
    Manifest,
    atomic_file,
    database_member,
    entry_for,
    is_backup,
    read_archive,
    write_archive,
)
from safety_service.backup.errors import BackupFailed, BackupIncompatible, TargetNotEmpty
from safety_service.clock import utc_now
from safety_service.config import Settings
from safety_service.database import make_engine

logger = logging.getLogger(__name__)

STAGING_PREFIXES = (".safety-backup-", ".safety-restore-")


@contextmanager
def _one_line_errors() -> Iterator[None]:
    """A database that cannot be reached or a file that cannot be written is a one-line error, not a traceback."""
    try:
        yield
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise BackupFailed(f"the database cannot be reached or read: {reason}", field="database") from exc
    except OSError as exc:  # a full disk, a file of the data folder we may not read
        raise BackupFailed(f"cannot read or write {exc.filename or 'a file'}: {exc.strerror or exc}",
                           field="file") from exc


@_one_line_errors()
def create_backup(settings: Settings, *, output: Path) -> Manifest:
    """Write a consistent backup of the database and the data folder's files to ``output`` (mode 0600)."""
    output = output.absolute()
    if not output.parent.is_dir():
        raise BackupFailed(f"no folder {output.parent}", field="output")
    dialect = _dialect(settings)
    member = database_member(dialect)
    with tempfile.TemporaryDirectory(dir=output.parent, prefix=STAGING_PREFIXES[0]) as folder:
        staging, taken = Path(folder), utc_now()
        database = staging / PurePosixPath(member).name
        revision, pg_major = _dump(settings, dialect, database)
        sources, modes = {member: database}, {member: 0o600}
        for name, copy, mode in _stage_data_files(settings, staging, skip=output):
            sources[name], modes[name] = copy, mode
        manifest = Manifest(created_at=taken, service_version=_version(), dialect=dialect,
                            alembic_revision=revision, pg_dump_version=pg_major,
                            files={name: entry_for(path, mode=modes[name]) for name, path in sources.items()})
        write_archive(output, manifest, sources)
    logger.info("backup written", extra={"output": str(output), "dialect": dialect, "revision": revision,
                                         "files": len(sources)})
    return manifest


@_one_line_errors()
def restore_backup(settings: Settings, *, source: Path, force: bool = False) -> Manifest:
    """Put a backup back: the database (then migrated to the code's schema) and the data folder's files."""
    dialect = _dialect(settings)
    anchor = _sqlite_file(settings).parent if dialect == "sqlite" else Path(settings.data_dir)
    anchor.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=anchor, prefix=STAGING_PREFIXES[1]) as folder:
        manifest, staged = read_archive(source, Path(folder))
        _check_fits(manifest, dialect)
        database = staged[manifest.database_member()]
        if not force:
            _check_empty(settings)
        if dialect == "sqlite":
            _restore_sqlite(settings, database)
        else:
            _restore_postgresql(settings, database, manifest)
        _put_data_files(settings, manifest, staged)
    logger.info("backup restored", extra={"source": str(source), "taken": manifest.created_at.isoformat(),
                                          "revision": manifest.alembic_revision})
    return manifest


def _dialect(settings: Settings) -> str:
    if settings.is_sqlite:
        return "sqlite"
    if settings.database_url.startswith("postgresql"):
        return "postgresql"
    raise BackupFailed("only SQLite and PostgreSQL databases can be backed up", field="database")


def _dump(settings: Settings, dialect: str, target: Path) -> tuple[str, int | None]:
    """The database's consistent copy at ``target``: its Alembic revision and, on PostgreSQL, pg_dump's version."""
    if dialect == "sqlite":
        return sqlite.copy_live(_sqlite_file(settings), target), None
    engine = make_engine(settings)
    try:
        return postgresql.dump(engine, target)
    finally:
        engine.dispose()


def _sqlite_file(settings: Settings) -> Path:
    path = settings.sqlite_path()
    if path is None:
        raise BackupFailed("an in-memory SQLite database has nothing to back up or restore into", field="database")
    return path.absolute()


def _version() -> str:
    try:
        return metadata.version("mine-safety")
    except metadata.PackageNotFoundError:
        return "unknown"


def _stage_data_files(settings: Settings, staging: Path, *, skip: Path) -> Iterator[tuple[str, Path, int]]:
    """Copy every regular file of the data folder (not the database, not backups) into ``staging``."""
    root = Path(settings.data_dir).absolute()
    if not root.is_dir():
        return
    left_out = {skip.absolute(), *_database_files(settings)}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if any(part.startswith(STAGING_PREFIXES) for part in relative.parts) or path in left_out:
            continue
        mode = path.lstat().st_mode
        if not stat.S_ISREG(mode) or is_backup(path):
            continue
        name = "data/" + relative.as_posix()
        copy = staging.joinpath(*name.split("/"))
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, copy)
        yield name, copy, stat.S_IMODE(mode)


def _database_files(settings: Settings) -> set[Path]:
    """The SQLite database's file and its side files (none on PostgreSQL)."""
    database = settings.sqlite_path()
    if database is None:
        return set()
    return {Path(f"{database.absolute()}{suffix}") for suffix in ("", *sqlite.SIDE_FILES)}


def _check_fits(manifest: Manifest, dialect: str) -> None:
    if manifest.dialect != dialect:
        raise BackupIncompatible(f"the backup is of a {manifest.dialect} database and SAFETY_DATABASE_URL names a "
                                 f"{dialect} one; restoring across kinds of database is not supported")
    known = migrate.known_revisions()
    unknown = [rev for rev in manifest.alembic_revision.split(",") if rev not in known]
    if unknown:
        raise BackupIncompatible(f"the backup's database is at revision {', '.join(unknown)}, newer than this "
                                 f"safety-service knows; restore it with version {manifest.service_version} or newer")


def _check_empty(settings: Settings) -> None:
    path = settings.sqlite_path()
    if path is not None and not path.exists():
        return
    engine = make_engine(settings)
    try:
        holding = tables_with_data(engine)
    finally:
        engine.dispose()
    if holding:
        raise TargetNotEmpty(f"the database already holds data ({', '.join(holding[:5])}); restore into an empty "
                             f"database, or give --force to replace everything in it")


def tables_with_data(engine: Engine) -> list[str]:
    """The tables holding rows the migrations did not put there (none: an empty database)."""
    names = [name for name in inspect(engine).get_table_names()
             if name not in migrate.SEEDED_TABLES and not name.startswith(migrate.DIALECT_ONLY_OBJECTS)]
    with engine.connect() as connection:
        return [name for name in sorted(names)
                if connection.execute(select(literal_column("1")).select_from(table(name)).limit(1)).first()]


def _restore_sqlite(settings: Settings, database: Path) -> None:
    """Migrate the staged copy on its own, then swap it in: the live file changes once, whole."""
    sqlite.check_copy(database)
    engine = make_engine(settings.model_copy(update={"database_url": f"sqlite:///{database}"}))
    try:
        migrate.upgrade(engine)
    finally:
        engine.dispose()
    sqlite.settle(database)
    database.chmod(0o600)  # it holds password hashes
    sqlite.put_in_place(database, _sqlite_file(settings))


def _restore_postgresql(settings: Settings, database: Path, manifest: Manifest) -> None:
    engine = make_engine(settings)
    try:
        engine.dispose()  # no pooled connection of ours in the way of dropping the schema
        postgresql.restore(engine, database, dump_major=manifest.pg_dump_version)
        try:
            migrate.upgrade(engine)
        except Exception as exc:
            raise BackupFailed(f"restored at revision {manifest.alembic_revision}, but the migrations failed "
                               f"({exc}); run `safety-service db upgrade`", field="database") from exc
    finally:
        engine.dispose()


def _put_data_files(settings: Settings, manifest: Manifest, staged: dict[str, Path]) -> None:
    root = Path(settings.data_dir)
    for name, source in staged.items():
        if not name.startswith("data/"):
            continue
        target = root.joinpath(*name.split("/")[1:])
        if target.absolute() in _database_files(settings):  # a file of the source's folder named as our database
            logger.warning("backup file not restored over the database", extra={"file": name})
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        with atomic_file(target, mode=manifest.files[name].mode) as out, source.open("rb") as data:
            shutil.copyfileobj(data, out)
