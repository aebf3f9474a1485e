"""``db`` (migrations), ``backup`` and ``restore``."""

from collections.abc import Callable
from pathlib import Path

import click
from sqlalchemy import Engine

from safety_service.cli.root import main, reports_errors
from safety_service.config import get_settings
from safety_service.database import get_engine
from safety_service.errors import InvalidInput


@main.group(cls=click.Group)
def db() -> None:
    """Database schema migrations."""


def _migrate(step: Callable[[Engine, str], None], revision: str) -> None:
    """Run an upgrade or downgrade; a revision alembic cannot find or reach is InvalidInput (nothing was changed)."""
    from alembic.util import CommandError

    try:
        step(get_engine(), revision)
    except CommandError as exc:
        raise InvalidInput(str(exc), field="revision") from exc
    click.echo(f"database at {revision}")


@db.command("upgrade")
@click.argument("revision", default="heads")
@reports_errors
def db_upgrade(revision: str) -> None:
    """Apply the migrations up to REVISION (the newest by default)."""
    from safety_service import migrate

    _migrate(migrate.upgrade, revision)


@db.command("downgrade")
@click.argument("revision")
@reports_errors
def db_downgrade(revision: str) -> None:
    """Revert the migrations down to REVISION ("base" for an empty database)."""
    from safety_service import migrate

    _migrate(migrate.downgrade, revision)


@db.command("revision")
@click.option("-m", "--message", required=True)
def db_revision(message: str) -> None:
    """Write a new migration from the models (for developers)."""
    from safety_service import migrate

    migrate.new_revision(get_engine(), message)


@main.command(cls=click.Command)  # an older schema is backed up as it is
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="The backup file to write.")
@reports_errors
def backup(output: str) -> None:
    """Write a consistent backup of everything (database, photos, accounts, generated keys) while the service runs."""
    from safety_service.backup import service as backup_service

    manifest = backup_service.create_backup(get_settings(), output=Path(output))
    files = sum(name.startswith("data/") for name in manifest.files)
    click.echo(f"wrote {output}: {manifest.dialect} database at revision {manifest.alembic_revision}, "
               f"{files} data file(s)")


@main.command(cls=click.Command)  # restores into an empty or older database
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Replace a database that already holds data (everything in it is lost).")
@reports_errors
def restore(file: str, force: bool) -> None:
    """Put a backup FILE back into an empty database (stop the service first), then migrate it."""
    from safety_service.backup import service as backup_service

    manifest = backup_service.restore_backup(get_settings(), source=Path(file), force=force)
    click.echo(f"restored {file} (taken {manifest.created_at:%Y-%m-%d %H:%M:%S} UTC at revision "
               f"{manifest.alembic_revision}); database migrated to the current schema")
