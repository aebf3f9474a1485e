"""``kiosk …`` and ``mqtt write-config``: kiosks, their broker accounts, and the broker's files."""

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from safety_service.cli.root import main, reports_errors
from safety_service.config import Settings, get_settings
from safety_service.database import session_scope

if TYPE_CHECKING:  # the domain is imported in the commands that use it, so the CLI starts quickly
    from safety_service.kiosks.schemas import KioskCredentials


@main.group()
def kiosk() -> None:
    """Kiosk tablets and their broker accounts."""


@kiosk.command("add")
@click.argument("kiosk_id")
@click.option("--location", "location_code", required=True, help="Location code of the reception station.")
@reports_errors
def kiosk_add(kiosk_id: str, location_code: str) -> None:
    """Register a kiosk and print its broker credentials (the password is shown only now)."""
    from safety_service.kiosks import service as kiosks_service
    from safety_service.kiosks.schemas import KioskCreate
    from safety_service.locations import service as locations_service

    settings = get_settings()
    with session_scope() as session:
        site = locations_service.ensure_site(session, code=settings.site, name_zh=settings.site_name)
        _, credentials = kiosks_service.add_kiosk(
            session, site=site, data=KioskCreate(kiosk_id=kiosk_id, location_code=location_code))
    _print_credentials(credentials)
    _sync_broker(settings)


def _print_credentials(credentials: "KioskCredentials") -> None:
    for label, value in (("kiosk", credentials.kiosk_id), ("username", credentials.username),
                         ("password", credentials.password), ("report topic", credentials.report_topic),
                         ("ack topic", credentials.ack_topic)):
        click.echo(f"{label}: {value}")


def _sync_broker(settings: Settings, *, files_required: bool = False) -> None:
    """Bring the broker up to date with the kiosk table and say what was done; with ``files_required`` a file
    that was asked for and not written is an error (exit 1)."""
    from safety_service.mqtt import accounts

    with session_scope() as session:
        result = accounts.sync_broker(session, settings)
    if files_required and not result.files_written and settings.mqtt_password_file and settings.mqtt_acl_file:
        click.echo(f"error (SAFETY_MQTT_PASSWORD_FILE): {result.detail}", err=True)
        sys.exit(1)
    click.echo(result.detail)


def _change_kiosk(kiosk_id: str, change: Callable[..., Any], done: str) -> None:
    """Apply one lifecycle change to a kiosk, commit it, then update the broker."""
    settings = get_settings()
    with session_scope() as session:
        change(session, kiosk_id=kiosk_id)
    click.echo(f"kiosk {kiosk_id}: {done}")
    _sync_broker(settings)


def _lifecycle_command(name: str, change: str, done: str, summary: str) -> Callable[..., Any]:
    """`kiosk NAME KIOSK_ID`: apply ``kiosks.service.<change>`` to the kiosk, then update the broker."""

    @kiosk.command(name, help=summary)
    @click.argument("kiosk_id")
    @reports_errors
    def command(kiosk_id: str) -> None:
        from safety_service.kiosks import service as kiosks_service

        _change_kiosk(kiosk_id, getattr(kiosks_service, change), done)

    return command


kiosk_disable = _lifecycle_command("disable", "disable_kiosk", "disabled",
                                   "Shut a kiosk out of the broker (its history stays; `enable` lets it in again).")
kiosk_enable = _lifecycle_command("enable", "enable_kiosk", "enabled",
                                  "Let a disabled kiosk connect again with its password.")
kiosk_remove = _lifecycle_command("remove", "remove_kiosk", "removed", "Retire a kiosk for good: it never connects "
                                  "again, its id is never reused, its reports keep it.")


@kiosk.command("rotate")
@click.argument("kiosk_id")
@reports_errors
def kiosk_rotate(kiosk_id: str) -> None:
    """Give a kiosk a new broker password and print it (the old one stops working)."""
    from safety_service.kiosks import service as kiosks_service

    settings = get_settings()
    with session_scope() as session:
        _, credentials = kiosks_service.rotate_credentials(session, site=settings.site, kiosk_id=kiosk_id)
    _print_credentials(credentials)
    _sync_broker(settings)


@kiosk.command("list")
def kiosk_list() -> None:
    """Every kiosk with its location and last known status."""
    from safety_service.kiosks import service as kiosks_service

    with session_scope() as session:
        for row, location in kiosks_service.list_kiosks(session):
            seen = row.status_at.isoformat() if row.status_at else "-"
            click.echo(f"{row.kiosk_id}\t{location.code}\t{row.status}\t{seen}\t{'' if row.active else row.state}")


@main.group()
def mqtt() -> None:
    """The MQTT broker side."""


@mqtt.command("write-config")
@reports_errors
def mqtt_write_config() -> None:
    """Write the Mosquitto password file and ACL for the service and every active kiosk, and reload it."""
    _sync_broker(get_settings(), files_required=True)
