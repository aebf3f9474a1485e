"""Why a backup or a restore was refused; the CLI turns each into one line and its exit code."""

from safety_service.errors import AlreadyExists, DomainError


class BackupUnreadable(DomainError):
    """The file is not a backup this service wrote, or it is truncated or altered."""

    field = "backup"


class BackupIncompatible(DomainError):
    """A sound backup this code cannot restore here (a newer schema, another kind of database)."""

    field = "backup"


class ToolMissing(DomainError):
    """A PostgreSQL client tool is not installed, or too old for the server or the backup."""


class TargetNotEmpty(AlreadyExists):
    """The database to restore into already holds data (and ``--force`` was not given)."""

    field = "database"


class BackupFailed(DomainError):
    """The database or a file could not be read or written; the message says which and why."""
