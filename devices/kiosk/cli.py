"""``safety-kiosk``: report a hazard, rate a closed one, list what is pending, listen, confirm a bulletin, from a
terminal.

Exit codes: 0 done; 1 bad input or configuration; 2 saved in the outbox but not acknowledged within
``--wait`` (it is resent by the next run); 3 rejected by the service.
"""

import logging
import signal
import sqlite3
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NoReturn

import click

from devices.kiosk import ratings
from devices.kiosk.client import KioskClient, KioskConfig
from devices.kiosk.messages import RATING_WORDS, localized, text, text_in
from devices.kiosk.outbox import RATING, Outbox, OutgoingMessage
from devices.kiosk.payloads import RATINGS, InvalidPayload, utc_now

EXIT_INVALID, EXIT_NOT_ACKED, EXIT_REJECTED = 1, 2, 3
LONGEST_LISTEN = 7 * 24 * 3600


@dataclass(frozen=True)
class Options:
    """The group's options, handed to each command; the connection ones are checked when a command needs them,
    so ``safety-kiosk report --help`` works without them."""

    values: dict[str, Any]

    @property
    def outbox_path(self) -> str:
        """The outbox file (the only option ``pending`` needs)."""
        return self._required("outbox")

    @property
    def config(self) -> KioskConfig:
        """The kiosk's configuration; exit 1 naming the first missing option."""
        for name in REQUIRED:
            self._required(name)
        v = self.values
        username = v["kiosk_id"] if v["password"] is not None else None
        return KioskConfig(broker_url=v["broker"], site=v["site"], kiosk_id=v["kiosk_id"], outbox_path=v["outbox"],
                           protocol=v["protocol"], username=username, password=v["password"],
                           schemas_dir=v["schemas_dir"], ca_file=v["ca_file"])

    def _required(self, name: str) -> Any:
        if self.values.get(name) is None:
            option, variable = REQUIRED[name]
            fail(f"missing option {option} (or {variable})")
        return self.values[name]


REQUIRED = {"broker": ("--broker", "SAFETY_KIOSK_BROKER"), "site": ("--site", "SAFETY_KIOSK_SITE"),
            "kiosk_id": ("--kiosk", "SAFETY_KIOSK_ID"), "outbox": ("--outbox", "SAFETY_KIOSK_OUTBOX")}


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
        return KioskClient(options.config, on_fallback=say_fallback, **callbacks).start()
    except (ValueError, OSError, sqlite3.Error) as exc:
        fail(exc)
        raise AssertionError("unreachable") from exc


def say_fallback(protocol: str) -> None:
    """Tell the person at the terminal that the broker only speaks an older MQTT."""
    click.echo(text("protocol_fallback", protocol=protocol), err=True)


@click.group()
@click.option("--broker", envvar="SAFETY_KIOSK_BROKER", help="mqtt://user:pass@host:port, or mqtts://...:8883 for TLS")
@click.option("--site", envvar="SAFETY_KIOSK_SITE", help="the mine code")
@click.option("--kiosk", "kiosk_id", envvar="SAFETY_KIOSK_ID", help="this kiosk's id")
@click.option("--outbox", envvar="SAFETY_KIOSK_OUTBOX", type=click.Path(dir_okay=False),
              help="the outbox SQLite file")
@click.option("--password", envvar="SAFETY_KIOSK_PASSWORD", help="broker password (user = kiosk id)")
@click.option("--protocol", type=click.Choice(["auto", "5", "3.1.1"]), default="auto", show_default=True,
              help="auto: MQTT 5, or 3.1.1 when the broker refuses 5")
@click.option("--ca-file", envvar="SAFETY_KIOSK_CA_FILE", type=click.Path(dir_okay=False),
              help="CA certificate of the broker's (mqtts://); default: the system's CAs")
@click.option("--schemas", "schemas_dir", type=click.Path(file_okay=False), help="directory of *.schema.json")
@click.option("-v", "--verbose", is_flag=True, help="log to stderr")
@click.pass_context
def cli(ctx: click.Context, broker: str, site: str, kiosk_id: str, outbox: str, password: str | None,
        protocol: str, ca_file: str | None, schemas_dir: str | None, verbose: bool) -> None:
    """A reference kiosk on the command line."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, stream=sys.stderr)
    ctx.obj = Options({"broker": broker, "site": site, "kiosk_id": kiosk_id, "outbox": outbox, "password": password,
                       "protocol": protocol, "ca_file": ca_file, "schemas_dir": schemas_dir})


@cli.command()
@click.option("--description", required=True)
@click.option("--category")
@click.option("--location", "location_code")
@click.option("--employee-no")
@click.option("--name")
@click.option("--urgent", is_flag=True, help="紧急/立即危险: the dispatch room is alerted at once")
@click.option("--wait", type=click.FloatRange(0, 3600), default=10.0, show_default=True,
              help="seconds to wait for the ack")
@click.pass_obj
def report(options: Options, description: str, category: str | None, location_code: str | None,
           employee_no: str | None, name: str | None, urgent: bool, wait: float) -> None:
    """Report a hazard and print the service's answer."""
    key, done = send_and_wait(options, lambda kiosk: kiosk.report(
        description, category=category, location_code=location_code, employee_no=employee_no, name=name,
        urgent=urgent), wait)
    if done is None:
        click.echo(text("saved", key=key))
        sys.exit(EXIT_NOT_ACKED)
    click.echo(describe_ack(done))
    if done.state == "rejected":
        sys.exit(EXIT_REJECTED)
    if urgent:
        click.echo(text("urgent_alerted"))


def describe_ack(message: OutgoingMessage) -> str:
    """The ack of a report or a rating, for people."""
    if message.outcome == "rejected":
        error = message.error or {}
        return text("rejected", error=f"{error.get('message', '')} ({error.get('code', '')})")
    if message.kind == RATING:
        zh, en = RATING_WORDS[message.payload["rating"]]
        key = "rated" if message.outcome == "accepted" else "rated_before"
        return text_in(key, {"hazard_ref": message.hazard_ref, "rating": zh},
                       {"hazard_ref": message.hazard_ref, "rating": en})
    return text(message.outcome or "accepted", hazard_ref=message.hazard_ref, tracking_code=message.tracking_code)


# 满意, 基本满意, 不满意 are taken as well as the protocol's words
RATING_CHOICES = {**{word: word for word in RATINGS}, **{zh: word for word, (zh, _) in RATING_WORDS.items()}}


@cli.command()
@click.argument("hazard_ref")
@click.argument("rating", type=click.Choice(list(RATING_CHOICES)))
@click.option("--wait", type=click.FloatRange(0, 3600), default=10.0, show_default=True,
              help="seconds to wait for the ack")
@click.pass_obj
def rate(options: Options, hazard_ref: str, rating: str, wait: float) -> None:
    """Rate how a closed hazard reported at this kiosk was handled (满意/基本满意/不满意)."""
    key, done = send_and_wait(options, lambda kiosk: kiosk.rate(hazard_ref, RATING_CHOICES[rating]), wait)
    if done is None:
        click.echo(text("rating_saved", key=key))
        sys.exit(EXIT_NOT_ACKED)
    click.echo(describe_ack(done))
    if done.state == "rejected":
        sys.exit(EXIT_REJECTED)


@cli.command()
@click.pass_obj
def ratable(options: Options) -> None:
    """List the closed hazards reported here that may be rated (no broker needed)."""
    outbox = Outbox(options.outbox_path)
    try:
        found = ratings.ratable(outbox, now=utc_now())
    finally:
        outbox.close()
    if not found:
        click.echo(text("nothing_ratable"))
    for item in found:
        click.echo(text_in("ratable_line", *({"hazard_ref": item.hazard_ref, "closed_at": item.closed_at,
                                              "title": localized(item.title, lang)} for lang in ("zh", "en"))))


@cli.command()
@click.pass_obj
def pending(options: Options) -> None:
    """List reports and confirmations not yet acknowledged (no broker needed)."""
    outbox = Outbox(options.outbox_path)
    try:
        waiting = outbox.pending()
    finally:
        outbox.close()
    if not waiting:
        click.echo(text("nothing_pending"))
    for message in waiting:
        summary = (message.payload.get("description") or message.payload.get("hazard_ref")
                   or f"bulletin {message.payload.get('bulletin_id')}")
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


@cli.command()
@click.option("--port", envvar="SAFETY_KIOSK_APP_PORT", type=click.IntRange(0, 65535), default=8080,
              show_default=True, help="port on 127.0.0.1")
@click.option("--phone", envvar="SAFETY_KIOSK_PHONE", default="", help="the dispatch room's phone, on every screen")
@click.option("--pin", envvar="SAFETY_KIOSK_PIN", default="", help="the attendant's PIN for the pending list")
@click.option("--idle", "idle_seconds", envvar="SAFETY_KIOSK_IDLE_SECONDS", type=click.IntRange(1, 3600),
              default=90, show_default=True, help="seconds without a touch before the screen resets")
@click.option("--locations", envvar="SAFETY_KIOSK_LOCATIONS", default="",
              help="locations to choose from, CODE=name;CODE=name (none: the kiosk's own)")
@click.option("--home-location", envvar="SAFETY_KIOSK_HOME_LOCATION", default="",
              help="the code of the kiosk's own location, to offer its risk points (风险点)")
@click.pass_obj
def app(options: Options, port: int, phone: str, pin: str, idle_seconds: int, locations: str,
        home_location: str) -> None:
    """Serve the kiosk's touch screen on 127.0.0.1 until stopped."""
    from devices.kiosk.app.server import AppServer
    from devices.kiosk.app.service import AppSettings, KioskApp

    settings = AppSettings(port=port, phone=phone, pin=pin, idle_seconds=idle_seconds,
                           locations=parse_locations(locations), home_location=home_location.strip() or None)
    kiosk = open_kiosk(options)
    try:
        server = AppServer(KioskApp(kiosk, settings), port)
    except OSError as exc:
        kiosk.stop()
        fail(f"cannot listen on 127.0.0.1:{port} (--port, SAFETY_KIOSK_APP_PORT): {exc.strerror}")
    click.echo(text("app_serving", url=f"http://127.0.0.1:{server.port}/"), err=True)
    signal.signal(signal.SIGTERM, lambda *_: server.shutdown_soon())
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        kiosk.stop()


def parse_locations(value: str) -> tuple[tuple[str, str], ...]:
    """``CODE=name;CODE=name`` as pairs; exit 1 naming the setting when malformed."""
    pairs = []
    for item in filter(None, (part.strip() for part in value.split(";"))):
        code, _, name = item.partition("=")
        if not code.strip() or not name.strip():
            fail(f"--locations / SAFETY_KIOSK_LOCATIONS: {item!r} is not CODE=name")
        pairs.append((code.strip(), name.strip()))
    return tuple(pairs)


def main() -> None:
    """Entry point of ``safety-kiosk``."""
    cli(prog_name="safety-kiosk")
