"""The ``safety-service`` group: reading the settings, the database check, and errors as one line and an exit code."""

import functools
import sys
from collections.abc import Callable
from typing import Any

import click
from pydantic import ValidationError

from safety_service import logs, reactions
from safety_service.backup.errors import BackupFailed, BackupIncompatible, BackupUnreadable, ToolMissing
from safety_service.config import InsecureSettings, get_settings
from safety_service.database import get_engine
from safety_service.errors import AlreadyExists, DomainError, InvalidInput, NotFound, PermissionDenied

EXIT_CODES = {InvalidInput: 2, NotFound: 3, AlreadyExists: 4, PermissionDenied: 5, BackupUnreadable: 65,
              BackupIncompatible: 65, ToolMissing: 69, BackupFailed: 74}
EXIT_NOT_MIGRATED = 78


class MigratedCommand(click.Command):
    """A command that works on the database: when it is missing or not migrated, one line says so
    (naming `db upgrade`) and the command exits non-zero before touching it."""

    def invoke(self, ctx: click.Context) -> Any:
        require_migrated()
        return super().invoke(ctx)


def require_migrated() -> None:
    """Exit with one line naming `db upgrade` unless the database is there and migrated."""
    import safety_service.models  # noqa: F401 - every table, so each foreign key finds its target
    from safety_service import migrate

    problem = migrate.schema_problem(get_settings(), get_engine)
    if problem:
        click.echo(f"error (database): {problem}", err=True)
        sys.exit(EXIT_NOT_MIGRATED)


class Commands(click.Group):
    """Every command of a group needs a migrated database (the `db` group's excepted)."""

    command_class = MigratedCommand
    group_class = type


def reports_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn domain and validation errors into a message on stderr and a non-zero exit."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except DomainError as exc:
            field = f" ({exc.field})" if exc.field else ""
            click.echo(f"error{field}: {exc.message}", err=True)
            sys.exit(next((c for kind, c in EXIT_CODES.items() if isinstance(exc, kind)), 1))
        except ValidationError as exc:
            for error in exc.errors():
                where = ".".join(str(part) for part in error["loc"]) or "input"
                click.echo(f"error ({where}): {error['msg']}", err=True)
            sys.exit(2)
        except InsecureSettings as exc:
            click.echo(f"refusing to start: {exc}", err=True)
            sys.exit(78)

    return wrapper


@click.group(cls=Commands)
@click.option("--log-level", default=None, help="Override SAFETY_LOG_LEVEL.")
@reports_errors  # a bad SAFETY_ setting is one line naming it, not a traceback
def main(log_level: str | None) -> None:
    """Mine safety supervision service (煤矿安全监督隐患排查)."""
    try:
        settings = get_settings()
    except ValidationError as exc:
        for error in exc.errors():
            where = "SAFETY_" + "_".join(str(part) for part in error["loc"]).upper()
            click.echo(f"error ({where}): {error['msg']}", err=True)
        unsafe = any(error["loc"] == ("secret_key",) for error in exc.errors())
        sys.exit(78 if unsafe else 2)  # an unsafe key, as in production; else invalid input
    except (OSError, ValueError) as exc:  # the data directory or a key file in it
        click.echo(f"error (SAFETY_DATA_DIR): {exc}", err=True)
        sys.exit(78)
    logs.configure(log_level or settings.log_level, fmt=settings.log_format, timezone=settings.timezone)
    reactions.wire(settings)
