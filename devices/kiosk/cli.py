"""``safety-kiosk``: report a hazard, list what is pending, listen, confirm a bulletin, from a terminal.

Exit codes: 0 done; 1 bad input or configuration; 2 saved in the outbox but not acknowledged within
``--wait`` (it is resent by the next run); 3 rejected by the service.
"""

import logging
import sqlite3
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NoReturn

import click

from devices.kiosk.client import KioskClient, KioskConfig
from devices.kiosk.messages import localized, text, text_in
from devices.kiosk.outbox import Outbox, OutgoingMessage
from devices.kiosk.payloads import InvalidPayload

EXIT_INVALID, EXIT_NOT_ACKED, EXIT_REJECTED = 1, 2, 3
LONGEST_LISTEN = 7 * 24 * 3600


@dataclass(frozen=True)
class Options:
    """The group's options, handed to each command."""

    config: KioskConfig


def fail(error: object, code: int = EXIT_INVALID) -> NoReturn:
    """Print an error in both languages and exit."""
    click.echo(text("error", error=error), err=True)
    sys.exit(code)


def send_and_wait(options: Options, send: Callable[[KioskClient], str],
                  wait: float) -> tuple[str, OutgoingMessage | None]:
    """Put one message in the outbox through ``send``, then wait up to ``wait`` seconds for its ack;
    the message's key and its finished outbox row (None when no ack came in time)."""
    kiosk = open_kiosk(options)
    try:
        key = send(kiosk)
        return key, kiosk.wait_done(key, wait)
    except InvalidPayload as exc:
        fail(exc)
    finally:
        kiosk.stop()


def open_kiosk(options: Options, **callbacks: Any) -> KioskClient:
    """Start a kiosk client, turning configuration mistakes into a clear error."""
    try:
        return KioskClient(options.config, **callbacks).start()
    except (ValueError, OSError, sqlite3.Error) as exc:
        fail(exc)
        raise AssertionError("unreachable") from exc


@click.group()
@click.option("--broker", envvar="SAFETY_KIOSK_BROKER", required=True, help="mqtt://user:pass@host:port")
@click.option("--site", envvar="SAFETY_KIOSK_SITE", required=True, help="the mine code")
@click.option("--kiosk", "kiosk_id", envvar="SAFETY_KIOSK_ID", required=True, help="this kiosk's id")
@click.option("--outbox", envvar="SAFETY_KIOSK_OUTBOX", required=True, type=click.Path(dir_okay=False),
              help="the outbox SQLite file")
@click.option("--password", envvar="SAFETY_KIOSK_PASSWORD", help="broker password (user = kiosk id)")
@click.option("--protocol", type=click.Choice(["5", "3.1.1"]), default="5", show_default=True)
@click.option("--schemas", "schemas_dir", type=click.Path(file_okay=False), help="directory of *.schema.json")
@click.option("-v", "--verbose", is_flag=True, help="log to stderr")
@click.pass_context
def cli(ctx: click.Context, broker: str, site: str, kiosk_id: str, outbox: str, password: str | None,
        protocol: str, schemas_dir: str | None, verbose: bool) -> None:
    """A reference kiosk on the command line."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, stream=sys.stderr)
    username = kiosk_id if password is not None else None
    ctx.obj = Options(KioskConfig(broker_url=broker, site=site, kiosk_id=kiosk_id, outbox_path=outbox,
                                  protocol=protocol, username=username, password=password, schemas_dir=schemas_dir))


@cli.command()
@click.option("--description", required=True)
@click.option("--category")
@click.option("--location", "location_code")
@click.option("--employee-no")
@click.option("--name")
@click.option("--wait", type=click.FloatRange(0, 3600), default=10.0, show_default=True,
              help="seconds to wait for the ack")
@click.pass_obj
def report(options: Options, description: str, category: str | None, location_code: str | None,
           employee_no: str | None, name: str | None, wait: float) -> None:
    """Report a hazard and print the service's answer."""
    key, done = send_and_wait(options, lambda kiosk: kiosk.report(
        description, category=category, location_code=location_code, employee_no=employee_no, name=name), wait)
    if done is None:
        click.echo(text("saved", key=key))
        sys.exit(EXIT_NOT_ACKED)
    click.echo(describe_ack(done))
    if done.state == "rejected":
        sys.exit(EXIT_REJECTED)


def describe_ack(message: OutgoingMessage) -> str:
    """The ack of a report, for people."""
    if message.outcome == "rejected":
        error = message.error or {}
        return text("rejected", error=f"{error.get('message', '')} ({error.get('code', '')})")
    return text(message.outcome or "accepted", hazard_ref=message.hazard_ref, tracking_code=message.tracking_code)


@cli.command()
@click.pass_obj
def pending(options: Options) -> None:
    """List reports and confirmations not yet acknowledged (no broker needed)."""
    outbox = Outbox(options.config.outbox_path)
    try:
        waiting = outbox.pending()
    finally:
        outbox.close()
    if not waiting:
        click.echo(text("nothing_pending"))
    for message in waiting:
        summary = message.payload.get("description") or f"bulletin {message.payload.get('bulletin_id')}"
        click.echo(text("pending_line", created_at=message.created_at.isoformat(timespec="seconds"),
                        kind=message.kind, key=message.key, sent_count=message.sent_count, summary=summary))


@cli.command()
@click.option("--seconds", type=click.FloatRange(0, LONGEST_LISTEN), default=0,
              help="stop after this many seconds (0: until Ctrl-C)")
@click.pass_obj
def listen(options: Options, seconds: float) -> None:
    """Print acks, notices and bulletins as they arrive."""
    kiosk = open_kiosk(options, on_ack=lambda m: click.echo(describe_ack(m)), on_notice=show_notice,
                       on_bulletin=show_bulletin)
    click.echo(text("listening"), err=True)
    try:
        threading.Event().wait(seconds or LONGEST_LISTEN)
    except KeyboardInterrupt:
        pass
    finally:
        kiosk.stop()


def show_notice(notice: dict[str, Any]) -> None:
    """Print a notice in both languages."""
    click.echo(text_in("notice", **{lang: {"title": localized(notice["title"], lang),
                                           "body": localized(notice["body"], lang)} for lang in ("zh", "en")}))


def show_bulletin(bulletin: dict[str, Any]) -> None:
    """Print every item of a bulletin message in both languages."""
    for item in bulletin["bulletins"]:
        click.echo(text_in("bulletin", **{lang: {"id": item["id"], "title": localized(item["title"], lang),
                                                 "body": localized(item["body"], lang)} for lang in ("zh", "en")}))


@cli.command("read-bulletin")
@click.argument("bulletin_id", type=click.IntRange(1, 2**63 - 1))
@click.option("--employee-no", required=True)
@click.option("--wait", type=click.FloatRange(0, 3600), default=10.0, show_default=True)
@click.pass_obj
def read_bulletin(options: Options, bulletin_id: int, employee_no: str, wait: float) -> None:
    """Confirm that a worker read a bulletin."""
    key, done = send_and_wait(options, lambda kiosk: kiosk.confirm_bulletin(bulletin_id, employee_no), wait)
    if done is None:
        click.echo(text("read_saved", key=key))
        sys.exit(EXIT_NOT_ACKED)
    click.echo(text("read_delivered", bulletin_id=bulletin_id))


def main() -> None:
    """Entry point of ``safety-kiosk``."""
    cli(prog_name="safety-kiosk")
