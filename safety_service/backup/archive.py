"""The backup file: one gzipped tar, its manifest first, then the database and the data files.

Members, in this order:

- ``mine-safety-backup.json``, the manifest: format and version, when it was taken (UTC), the
  service's version, the database's dialect and Alembic revision, and each other member's size,
  SHA-256 and file mode;
- ``database/safety.sqlite`` (SQLite's online backup) or ``database/safety.pgdump``
  (``pg_dump --format=custom``);
- ``data/<path>``: the files of ``SAFETY_DATA_DIR`` (the keys the service generated).

A file is read back only as a whole: every member is checked against the manifest before
anything is put in place, so a truncated, altered or foreign file is refused, never half-restored.
The checksums catch damage; they do not prove who wrote the file (keep backups where only
administrators can write).
"""

import hashlib
import io
import os
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import IO, Final, Literal

from pydantic import BaseModel, Field, ValidationError

from safety_service.backup.errors import BackupFailed, BackupIncompatible, BackupUnreadable

MANIFEST_NAME = "mine-safety-backup.json"
FORMAT: Final = "mine-safety-backup"
FORMAT_VERSION = 1
MAX_MANIFEST_BYTES = 1 << 20
CHUNK = 1 << 20
ROOTS = ("database", "data")


class FileEntry(BaseModel):
    """One member of the backup as the manifest records it."""

    size: int = Field(ge=0)
    sha256: str = Field(pattern="^[0-9a-f]{64}$")
    mode: int = Field(0o600, ge=0, le=0o777)


class Manifest(BaseModel):
    """What a backup holds and where it came from."""

    format: Literal["mine-safety-backup"] = FORMAT
    format_version: int = Field(FORMAT_VERSION, ge=1)
    created_at: datetime
    service_version: str
    dialect: Literal["sqlite", "postgresql"]
    alembic_revision: str = Field(min_length=1)
    pg_dump_version: int | None = None  # the major version that wrote a PostgreSQL dump
    files: dict[str, FileEntry]

    def database_member(self) -> str:
        """The member holding the database."""
        return database_member(self.dialect)


def database_member(dialect: str) -> str:
    """The member that holds a database of this dialect."""
    return "database/safety.sqlite" if dialect == "sqlite" else "database/safety.pgdump"


def checked_name(name: str) -> PurePosixPath:
    """A member name as a relative path under one of the backup's folders, or an error."""
    path = PurePosixPath(name)
    if (path.is_absolute() or len(path.parts) < 2 or path.parts[0] not in ROOTS
            or any(part in ("", ".", "..") for part in path.parts) or "\\" in name):
        raise BackupUnreadable(f"the backup names a file outside its folders: {name!r}")
    return path


def entry_for(path: Path, *, mode: int = 0o600) -> FileEntry:
    """The manifest entry of a file on disk."""
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as file:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return FileEntry(size=size, sha256=digest.hexdigest(), mode=mode)


@contextmanager
def atomic_file(target: Path, *, mode: int = 0o600) -> Iterator[IO[bytes]]:
    """A file written beside ``target`` and renamed onto it once complete (never a partial one)."""
    try:
        fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise BackupFailed(f"cannot write in {target.parent}: {exc.strerror}", field="output") from exc
    temporary = Path(name)
    try:
        with os.fdopen(fd, "wb") as file:
            yield file
            file.flush()
            os.fsync(file.fileno())
        temporary.chmod(mode)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    sync_folder(target.parent)


def sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_archive(output: Path, manifest: Manifest, sources: dict[str, Path]) -> None:
    """Write the manifest and the staged files as one backup file, mode 0600, atomically."""
    body = manifest.model_dump_json(indent=2).encode()
    mtime = int(manifest.created_at.timestamp())
    with atomic_file(output) as raw, tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as tar:
        tar.addfile(_info(MANIFEST_NAME, len(body), 0o600, mtime), io.BytesIO(body))
        for name, source in sources.items():
            entry = manifest.files[name]
            with source.open("rb") as file:
                tar.addfile(_info(name, entry.size, entry.mode, mtime), file)


def _info(name: str, size: int, mode: int, mtime: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = size, mode, mtime
    return info


def is_backup(path: Path) -> bool:
    """Whether a file is a backup this service wrote (so a backup never holds older backups)."""
    try:
        with tarfile.open(path, "r|gz") as tar:
            first = tar.next()
            return first is not None and first.name == MANIFEST_NAME
    except (OSError, EOFError, tarfile.TarError, zlib.error):
        return False


def read_archive(source: Path, staging: Path) -> tuple[Manifest, dict[str, Path]]:
    """Check the whole backup against its manifest, its members written under ``staging``."""
    if not source.is_file():
        raise BackupUnreadable(f"no backup file {str(source)!r}")
    try:
        with tarfile.open(source, "r|gz") as tar:
            manifest = _manifest(tar)
            staged = _members(tar, manifest, staging)
    except (EOFError, tarfile.TarError, zlib.error, OSError) as exc:
        if isinstance(exc, OSError) and exc.errno is not None:
            raise BackupFailed(f"cannot read {source} or write beside the target: {exc.strerror}") from exc
        raise BackupUnreadable(f"{source} is truncated or damaged, or not a backup ({exc})") from exc
    missing = sorted(set(manifest.files) - set(staged))
    if missing:
        raise BackupUnreadable(f"{source} is incomplete: {', '.join(missing)} missing")
    return manifest, staged


def _manifest(tar: tarfile.TarFile) -> Manifest:
    first = tar.next()
    if first is None or first.name != MANIFEST_NAME or not first.isfile() or first.size > MAX_MANIFEST_BYTES:
        raise BackupUnreadable("not a mine-safety backup (it does not begin with the manifest)")
    body = tar.extractfile(first).read()  # type: ignore[union-attr]
    try:
        manifest = Manifest.model_validate_json(body)
    except ValidationError as exc:
        raise BackupUnreadable(f"the backup's manifest is unreadable: {exc.errors()[0]['msg']}") from exc
    if manifest.format_version > FORMAT_VERSION:
        raise BackupIncompatible(f"the backup's format {manifest.format_version} is newer than this "
                                 f"version reads ({FORMAT_VERSION}): restore it with a newer safety-service")
    for name in manifest.files:
        checked_name(name)
    if manifest.database_member() not in manifest.files:
        raise BackupUnreadable("the backup's manifest lists no database")
    return manifest


def _members(tar: tarfile.TarFile, manifest: Manifest, staging: Path) -> dict[str, Path]:
    staged: dict[str, Path] = {}
    while (member := tar.next()) is not None:
        entry = manifest.files.get(member.name)
        if entry is None or member.name in staged or not member.isfile():
            raise BackupUnreadable(f"the backup holds {member.name!r}, which its manifest does not list")
        if member.size != entry.size:
            raise BackupUnreadable(f"{member.name} in the backup has {member.size} bytes, not {entry.size}")
        target = staging.joinpath(*checked_name(member.name).parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        with tar.extractfile(member) as data, target.open("wb") as out:  # type: ignore[union-attr]
            while chunk := data.read(CHUNK):
                digest.update(chunk)
                out.write(chunk)
        if digest.hexdigest() != entry.sha256:
            raise BackupUnreadable(f"{member.name} in the backup does not match its checksum (altered or damaged)")
        staged[member.name] = target
    return staged
