"""The ``safety-service`` command: serve, migrate, and administer people, locations and data."""

import functools
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from pydantic import ValidationError

from safety_service import logs, reactions
from safety_service.backup.errors import BackupFailed, BackupIncompatible, BackupUnreadable, ToolMissing
from safety_service.config import InsecureSettings, Settings, get_settings, served_url
from safety_service.database import get_engine, session_scope
from safety_service.errors import AlreadyExists, DomainError, InvalidInput, NotFound, PermissionDenied
from safety_service.people.models import Role

if TYPE_CHECKING:  # the domain is imported in the commands that use it, so the CLI starts quickly
    from safety_service.kiosks.schemas import KioskCredentials

EXIT_CODES = {InvalidInput: 2, NotFound: 3, AlreadyExists: 4, PermissionDenied: 5, BackupUnreadable: 65,
              BackupIncompatible: 65, ToolMissing: 69, BackupFailed: 74}
logger = logging.getLogger(__name__)
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


@main.command(cls=click.Command)  # settings are checked before the database
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@reports_errors
def serve(host: str, port: int) -> None:
    """Start the web app, the MQTT intake (with the embedded broker by default) and the scheduler."""
    import uvicorn

    from safety_service.heap import settle_heap
    from safety_service.main import create_app

    settings = get_settings()
    settings.check_production()
    require_migrated()
    if not settings.public_url:
        settings.public_url = served_url(host, port)
        logger.info("qr codes point at the address served (SAFETY_PUBLIC_URL not set)",
                    extra={"public_url": settings.public_url})
    if settings.mqtt_enabled and settings.mqtt_url == "embedded":
        from safety_service.mqtt.broker import BrokerPortTaken, EmbeddedBroker

        try:
            EmbeddedBroker(settings, get_engine(), host=settings.mqtt_embedded_host).check_port()
        except BrokerPortTaken as exc:
            raise click.ClickException(str(exc)) from exc
    app = create_app(settings)
    settle_heap()
    # log_config=None: uvicorn's lines go through logs.configure's handler, as text or JSON like ours.
    trusted = settings.trusted_proxies  # forwarded addresses count only from these; none: the peer's own
    uvicorn.run(app, host=host, port=port, log_level=settings.log_level.lower(), log_config=None,
                proxy_headers=bool(trusted), forwarded_allow_ips=trusted or None)


@main.group(cls=click.Group)
def db() -> None:
    """Database schema migrations."""


@db.command("upgrade")
@click.argument("revision", default="heads")
def db_upgrade(revision: str) -> None:
    """Apply the migrations up to REVISION (the newest by default)."""
    from safety_service import migrate

    migrate.upgrade(get_engine(), revision)
    click.echo(f"database at {revision}")


@db.command("downgrade")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    """Revert the migrations down to REVISION ("base" for an empty database)."""
    from safety_service import migrate

    migrate.downgrade(get_engine(), revision)
    click.echo(f"database at {revision}")


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


@main.group()
def user() -> None:
    """Accounts."""


@user.command("add")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--password", default=None, help="Asked for when not given.")
@click.option("--employee-no", default=None, help="Link to this person (created with --name when new).")
@click.option("--name", default=None)
@click.option("--team", default=None)
@reports_errors
def user_add(username: str, role: str, password: str | None, employee_no: str | None, name: str | None,
             team: str | None) -> None:
    """Add an account with a role."""
    from safety_service.people import service as people_service
    from safety_service.people.schemas import UserCreate

    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    data = UserCreate(username=username, role=Role(role), password=password, employee_no=employee_no,
                      name=name, team=team)
    with session_scope() as session:
        account = people_service.add_user(session, data=data)
        click.echo(f"added {account.username} ({account.role})")


def _account(session: Any, username: str) -> Any:
    from safety_service.people import service as people_service

    account = people_service.get_user(session, username=username)
    if account is None:
        raise NotFound(f"no account {username!r}", field="username")
    return account


def _set_active(username: str, *, active: bool) -> None:
    from safety_service.people import service as people_service

    with session_scope() as session:
        people_service.set_active(session, user=_account(session, username), active=active)


@user.command("disable")
@click.argument("username")
@reports_errors
def user_disable(username: str) -> None:
    """Disable an account: it cannot sign in, and its console sessions and API tokens end at once."""
    _set_active(username, active=False)
    click.echo(f"disabled {username}; its sessions and tokens have ended")


@user.command("enable")
@click.argument("username")
@reports_errors
def user_enable(username: str) -> None:
    """Enable a disabled account again."""
    _set_active(username, active=True)
    click.echo(f"enabled {username}")


@user.command("passwd")
@click.argument("username")
@click.option("--password", default=None, help="Asked for when not given.")
@reports_errors
def user_passwd(username: str, password: str | None) -> None:
    """Set a new password for an account; its console sessions and API tokens end at once."""
    from safety_service.people import service as people_service
    from safety_service.people.schemas import PasswordReset
    from safety_service.security import hash_password

    with session_scope() as session:
        account = _account(session, username)
        if password is None:
            password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
        hashed = hash_password(PasswordReset(password=password).password)
        people_service.set_password(session, user=account, hashed=hashed)
    click.echo(f"new password set for {username}; its sessions and tokens have ended")


@main.group()
def location() -> None:
    """Locations where hazards are reported."""


@location.command("add")
@click.argument("code")
@click.option("--name", required=True, help="Chinese name, printed under the QR code.")
@click.option("--name-en", default="")
@click.option("--area", "area_code", default=None, help="Area code (see 'area add').")
@click.option("--kind", default="site", show_default=True,
              help="pithead, roadway, working_face, chamber, workshop or site.")
@reports_errors
def location_add(code: str, name: str, name_en: str, area_code: str | None, kind: str) -> None:
    """Add a location."""
    from safety_service.locations import service as locations_service
    from safety_service.locations.schemas import LocationCreate

    settings = get_settings()
    data = LocationCreate.model_validate({"code": code, "name_zh": name, "name_en": name_en, "area_code": area_code,
                                          "kind": kind})
    with session_scope() as session:
        site = locations_service.ensure_site(session, code=settings.site, name_zh=settings.site_name)
        added = locations_service.add_location(session, site=site, data=data)
        click.echo(f"added location {added.code} {added.name_zh}")


@main.group()
def area() -> None:
    """Areas of the mine."""


@area.command("add")
@click.argument("code")
@click.option("--name", required=True)
@click.option("--name-en", default="")
@reports_errors
def area_add(code: str, name: str, name_en: str) -> None:
    """Add an area."""
    from safety_service.locations import service as locations_service
    from safety_service.locations.schemas import AreaCreate

    settings = get_settings()
    with session_scope() as session:
        site = locations_service.ensure_site(session, code=settings.site, name_zh=settings.site_name)
        added = locations_service.add_area(session, site=site, data=AreaCreate(code=code, name_zh=name,
                                                                               name_en=name_en))
        click.echo(f"added area {added.code} {added.name_zh}")


@main.group()
def hazard() -> None:
    """The hazard register."""


@hazard.command("report")
@click.option("--location", "location_code", required=True)
@click.option("--description", required=True)
@click.option("--category", "category_code", default=None)
@click.option("--employee-no", default=None, help="The reporter; anonymous when left out.")
@click.option("--report-id", default=None, help="Idempotency key: the same id never makes a second hazard.")
@reports_errors
def hazard_report(location_code: str, description: str, category_code: str | None, employee_no: str | None,
                  report_id: str | None) -> None:
    """Record a hazard found on an inspection."""
    from safety_service.hazards import intake as hazards_intake
    from safety_service.hazards.schemas import HazardReport
    from safety_service.hazards.states import Channel

    data = HazardReport(location_code=location_code, description=description, category_code=category_code,
                        source=Channel.inspection, reporter_employee_no=employee_no, client_report_id=report_id)
    with session_scope() as session:
        found, created = hazards_intake.report_hazard(session, data=data, timezone=get_settings().timezone)
        click.echo(f"{found.ref} tracking code {found.tracking_code}" + ("" if created else " (already recorded)"))


@main.group()
def violation() -> None:
    """Violations (三违) that open help-education cases."""


@violation.command("add")
@click.argument("employee_no")
@click.option("--kind", required=True, type=click.Choice(["illegal_command", "illegal_operation", "labour_discipline"]))
@click.option("--location", "location_code", required=True)
@click.option("--description", required=True)
@click.option("--at", "occurred_at", default=None, help="When it happened (ISO 8601 with offset); now by default.")
@click.option("--hazard", "hazard_ref", default=None, help="A related hazard's reference.")
@click.option("--by", "recorder", required=True, help="Username of the supervisor or officer recording it.")
@reports_errors
def violation_add(employee_no: str, kind: str, location_code: str, description: str, occurred_at: str | None,
                  hazard_ref: str | None, recorder: str) -> None:
    """Record a worker's violation; it opens or joins the worker's counselling case."""
    from safety_service.clock import utc_now
    from safety_service.counselling import violations
    from safety_service.counselling.schemas import ViolationCreate
    from safety_service.people import service as people_service

    data = ViolationCreate.model_validate({
        "employee_no": employee_no, "kind": kind, "location_code": location_code, "description": description,
        "occurred_at": occurred_at or utc_now(), "hazard_ref": hazard_ref})
    with session_scope() as session:
        actor = people_service.get_user(session, username=recorder)
        if actor is None or not actor.is_active:
            raise InvalidInput(f"no active account {recorder!r}", field="by")
        recorded = violations.record_violation(session, data=data, actor=actor, settings=get_settings())
        click.echo(f"violation {recorded.id} recorded for {employee_no}")


@main.group()
def jobs() -> None:
    """Scheduled jobs."""


@jobs.command("run")
def jobs_run() -> None:
    """Run every scheduled job once now (they are idempotent), then send the notifications due."""
    from safety_service.scheduler import Scheduler

    scheduler = Scheduler(get_engine(), get_settings())
    done = scheduler.run_once()
    done["deliver_notifications"] = scheduler.deliver_once()
    for name, count in done.items():
        click.echo(f"{name}: {count}")
    if any(count < 0 for count in done.values()):
        sys.exit(1)


@main.command()
@click.option("--if-empty", is_flag=True, help="Only when the database holds no hazards yet.")
@reports_errors
def demo(if_empty: bool) -> None:
    """Fill the database with a demo site, people in every role and hazards in every state."""
    from safety_service import demo as demo_data

    with session_scope() as session:
        if if_empty and not demo_data.is_empty(session):
            click.echo("database already holds data; demo skipped")
            return
        summary = demo_data.load(session, settings=get_settings())
    for line in summary:
        click.echo(line)


@main.group()
def qr() -> None:
    """QR codes of locations and printable label sheets."""


def _write_qr(write: Callable[[], list[str]]) -> None:
    from safety_service.qr.images import FontMissing
    from safety_service.qr.tokens import InvalidKeyring

    try:
        written = write()
    except (FontMissing, InvalidKeyring) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(78)
    except OSError as exc:  # the output's folder is missing or not writable
        click.echo(f"error (output): cannot write {exc.filename}: {exc.strerror}", err=True)
        sys.exit(73)
    for name in written:
        click.echo(f"wrote {name}")


@qr.command("png")
@click.argument("code")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="PNG file to write.")
@reports_errors
def qr_png(code: str, output: str) -> None:
    """Write the QR code of location CODE as a PNG."""
    from safety_service.qr import service as qr_service

    def write() -> list[str]:
        with session_scope() as session:
            png = qr_service.location_png(session, settings=get_settings(), code=code)
        with open(output, "wb") as file:
            file.write(png)
        return [output]

    _write_qr(write)


@qr.command("sheet")
@click.argument("codes", nargs=-1)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="A .pdf file (every page), or a .png file (one more file per extra page: NAME-2.png, …).")
@reports_errors
def qr_sheet(codes: tuple[str, ...], output: str) -> None:
    """Write an A4 label sheet for the locations CODES (all active locations when none are given)."""

    from safety_service.qr import service as qr_service

    path = Path(output)
    fmt = qr_service.SheetFormat.png if path.suffix.lower() == ".png" else qr_service.SheetFormat.pdf

    def write() -> list[str]:
        with session_scope() as session:
            files = qr_service.sheet(session, settings=get_settings(), codes=list(codes) or None, fmt=fmt)
        names = [path] + [path.with_name(f"{path.stem}-{n}{path.suffix}") for n in range(2, len(files) + 1)]
        for name, data in zip(names, files, strict=True):
            name.write_bytes(data)
        return [str(name) for name in names]

    _write_qr(write)


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


@main.command(cls=click.Command)  # settings are checked before the database
@reports_errors
def intake() -> None:
    """Run only the MQTT kiosk intake (for more instances next to `serve`, on an MQTT 5 broker)."""
    import signal
    import threading

    from safety_service.heap import settle_heap
    from safety_service.mqtt.client import MqttService

    settings = get_settings()
    settings.check_production()
    if settings.mqtt_url == "embedded":
        raise click.ClickException("`intake` needs an external broker: set SAFETY_MQTT_URL=mqtt://user:pass@host:port")
    require_migrated()
    service = MqttService(settings, get_engine())
    settle_heap()
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    service.start()
    stop.wait()
    service.stop()


@main.group()
def risk() -> None:
    """The risk register (安全风险分级管控) as the 风险辨识评估清单 XLSX."""


@risk.command("export")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="The XLSX file to write.")
@reports_errors
def risk_export(output: str) -> None:
    """Write the risk register as the 风险辨识评估清单 workbook."""
    from pathlib import Path

    from safety_service.risks import sheets

    with session_scope() as session:
        Path(output).write_bytes(sheets.export_all(session))
    click.echo(f"wrote {output}")


@risk.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@reports_errors
def risk_import(file: str) -> None:
    """Load a 风险辨识评估清单 workbook: new risk points are added, known ones take the sheet's risks."""
    from pathlib import Path

    from safety_service.risks import sheets

    with session_scope() as session:
        result = sheets.import_sheet(session, content=Path(file).read_bytes())
    click.echo(f"imported {file}: {len(result.created)} added, {len(result.replaced)} replaced")


@main.group()
def unit() -> None:
    """Organisation units (矿 → 科室/区队 → 班组)."""


@unit.command("add")
@click.argument("code")
@click.option("--name", required=True, help="Chinese name, e.g. 综采一队.")
@click.option("--name-en", default="")
@click.option("--kind", required=True, type=click.Choice(["mine", "section", "team", "crew"]),
              help="mine 矿, section 科室, team 区队, crew 班组.")
@click.option("--parent", "parent_code", default=None, help="Code of the unit it sits under.")
@click.option("--leader", default=None, help="Username of the unit's leader.")
@reports_errors
def unit_add(code: str, name: str, name_en: str, kind: str, parent_code: str | None, leader: str | None) -> None:
    """Add a unit."""
    from safety_service.units import service as units_service
    from safety_service.units.schemas import OrgUnitCreate

    data = OrgUnitCreate.model_validate({"code": code, "name_zh": name, "name_en": name_en, "kind": kind,
                                         "parent_code": parent_code, "leader": leader})
    with session_scope() as session:
        added = units_service.add_unit(session, data=data)
        click.echo(f"added unit {added.code} {added.name_zh}")


@unit.command("list")
@reports_errors
def unit_list() -> None:
    """List the units: code, kind, name, parent, leader, members."""
    from safety_service.units import service as units_service

    with session_scope() as session:
        for row, parent, leader, members in units_service.list_units(session):
            click.echo(f"{row.code}\t{row.kind}\t{row.name_zh}\t{parent or '-'}\t{leader or '-'}\t{members}")


@unit.command("join")
@click.argument("code")
@click.argument("employee_no")
@reports_errors
def unit_join(code: str, employee_no: str) -> None:
    """Put a person (by employee number) in the unit."""
    from safety_service.units import service as units_service

    with session_scope() as session:
        units_service.add_member(session, unit=units_service.get_unit(session, code=code), employee_no=employee_no)
        click.echo(f"{employee_no} now belongs to {code}")


@unit.command("charge")
@click.argument("code")
@click.option("--area", "area_code", default=None)
@click.option("--location", "location_code", default=None)
@reports_errors
def unit_charge(code: str, area_code: str | None, location_code: str | None) -> None:
    """Make the unit responsible for an area or a location."""
    from safety_service.units import service as units_service
    from safety_service.units.schemas import UnitCharge

    with session_scope() as session:
        units_service.put_in_charge(session, unit=units_service.get_unit(session, code=code),
                                    data=UnitCharge(area_code=area_code, location_code=location_code))
        click.echo(f"{area_code or location_code} is now in the charge of {code}")


import safety_service.cli_library  # registers `library` (the binding is the one the next line uses)
import safety_service.cli_major  # registers `major-criteria`
import safety_service.cli_notify  # registers `channel` and `user email`
import safety_service.cli_units  # noqa: F401 - registers `unit set`
