"""``serve``, ``intake``, ``jobs run`` and ``demo``: what starts the service or runs its work once."""

import logging
import sys

import click

from safety_service.cli.root import main, reports_errors, require_migrated
from safety_service.config import get_settings, served_url
from safety_service.database import get_engine, session_scope

logger = logging.getLogger(__name__)


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
