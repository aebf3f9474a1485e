"""The ``safety-service`` group: reading the settings, the database check, and errors as one line and an exit code."""

import contextlib
import functools
import sys
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
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
MAX_INPUT_BYTES = 16 * 2**20  # far above any sheet or standard file; a path to /dev/zero would fill the memory


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


def escaped_line(text: str) -> str:
    """The text with its line breaks and other control characters escaped, so an error stays one line."""
    return "".join(ascii(char)[1:-1] if unicodedata.category(char) == "Cc" else char for char in text)


def errors_line(errors: Sequence[Any], name: Callable[[tuple[Any, ...]], str]) -> str:
    """Pydantic's errors as one line: the first field in parentheses, then each field's message."""
    where = [name(tuple(error["loc"])) for error in errors]
    said = "; ".join(f"{field}: {error['msg']}" if n else error["msg"]
                     for n, (field, error) in enumerate(zip(where, errors, strict=True)))
    return escaped_line(f"error ({where[0]}): {said}")


def read_input(path: Path) -> bytes:
    """An input file's bytes; one that cannot be read or is larger than MAX_INPUT_BYTES is InvalidInput."""
    try:
        with path.open("rb") as file:
            content = file.read(MAX_INPUT_BYTES + 1)
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror or exc}", field="file") from exc
    if len(content) > MAX_INPUT_BYTES:
        raise InvalidInput(f"the file is larger than {MAX_INPUT_BYTES // 2**20} MiB", field="file")
    return content


class UsageLine(click.ClickException):
    """A usage error (unknown option, bad or missing value) shown as one line, not click's four."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        click.echo(self.message, err=True)


@contextlib.contextmanager
def usage_in_one_line() -> Iterator[None]:
    try:
        yield
    except click.UsageError as exc:
        param, detail = getattr(exc, "param", None), exc.format_message()
        where = "usage" if param is None else " / ".join(param.opts) if isinstance(param, click.Option) \
            else param.human_readable_name
        if isinstance(exc, click.BadParameter) and not isinstance(exc, click.MissingParameter) and param:
            detail = exc.message
        hint = f" (see {exc.ctx.command_path} --help)" if exc.ctx else ""
        raise UsageLine(escaped_line(f"error ({where}): {detail}{hint}")) from exc


def refuse_unreadable(args: Sequence[str]) -> None:
    """A NUL or bytes that are not UTF-8 (undecodable, so lone surrogates) in an argument are refused here,
    naming the argument, before any command looks it up or stores it."""
    for number, arg in enumerate(args, start=1):
        if "\x00" in arg or any("\ud800" <= char <= "\udfff" for char in arg):
            shown = ascii(arg[:40] + ("…" if len(arg) > 40 else ""))
            raise UsageLine(f"error (argument {number}): {shown} is not text (a NUL or bytes that are not UTF-8)")


class Commands(click.Group):
    """Every command of a group needs a migrated database (the `db` group's excepted); usage errors and
    arguments that are not text are one line."""

    command_class = MigratedCommand
    group_class = type

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        refuse_unreadable(args)
        with usage_in_one_line():
            return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        with usage_in_one_line():
            return super().invoke(ctx)


def reports_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn domain and validation errors into a message on stderr and a non-zero exit."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except DomainError as exc:
            field = f" ({exc.field})" if exc.field else ""
            click.echo(escaped_line(f"error{field}: {exc.message}"), err=True)
            sys.exit(next((c for kind, c in EXIT_CODES.items() if isinstance(exc, kind)), 1))
        except ValidationError as exc:
            click.echo(errors_line(exc.errors(), lambda loc: ".".join(map(str, loc)) or "input"), err=True)
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
        click.echo(errors_line(exc.errors(), lambda loc: "SAFETY_" + "_".join(map(str, loc)).upper()), err=True)
        unsafe = any(error["loc"] == ("secret_key",) for error in exc.errors())
        sys.exit(78 if unsafe else 2)  # an unsafe key, as in production; else invalid input
    except (OSError, ValueError) as exc:  # the data directory or a key file in it
        click.echo(f"error (SAFETY_DATA_DIR): {exc}", err=True)
        sys.exit(78)
    logs.configure(log_level or settings.log_level, fmt=settings.log_format, timezone=settings.timezone)
    reactions.wire(settings)
