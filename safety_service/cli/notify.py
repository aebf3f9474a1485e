"""``safety-service channel …``: the outgoing notification channels."""

import click

from safety_service.cli.root import main, reports_errors
from safety_service.config import get_settings
from safety_service.database import session_scope


def _list(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


@main.group()
def channel() -> None:
    """Outgoing notification channels: WeCom, DingTalk, Feishu robots, signed webhooks, email."""


@channel.command("add")
@click.argument("name")
@click.option("--kind", required=True, type=click.Choice(["wecom", "dingtalk", "feishu", "webhook", "email"]))
@click.option("--url", "target", required=True, help="The robot's webhook URL, or smtp://host:port?from=addr.")
@click.option("--secret", default=None, help="The signing secret (DingTalk 加签, Feishu 签名校验, webhook HMAC).")
@click.option("--events", default="", help="Comma-separated events it takes (default: all), e.g. urgent,overdue.")
@click.option("--areas", default="", help="Comma-separated area codes (default: all).")
@click.option("--grades", default="", help="general, major or both (default: all).")
@reports_errors
def channel_add(name: str, kind: str, target: str, secret: str | None, events: str, areas: str, grades: str) -> None:
    """Add a channel; its URL and secret are stored encrypted and never printed back."""
    from safety_service.notifications import configure

    data = configure.ChannelCreate.model_validate({"name": name, "kind": kind, "target": target, "secret": secret,
                                                   "events": _list(events), "areas": _list(areas),
                                                   "grades": _list(grades)})
    with session_scope() as session:
        added = configure.add_channel(session, data=data, settings=get_settings())
        click.echo(f"channel {added.name} ({added.kind}) added: {added.target_hint}")


@channel.command("list")
def channel_list() -> None:
    """Every channel: name, kind, masked target, signed or not, events, on or off."""
    from safety_service.notifications import configure

    with session_scope() as session:
        for row in configure.list_channels(session):
            shown = configure.public(row)
            click.echo(f"{shown.name}\t{shown.kind}\t{shown.target_hint}\t{'signed' if shown.signed else '-'}\t"
                       f"{','.join(shown.events) or 'all'}\t{'on' if shown.enabled else 'off'}")


@channel.command("test")
@click.argument("name")
@click.option("--to", default=None, help="The address a test email goes to.")
@reports_errors
def channel_test(name: str, to: str | None) -> None:
    """Send a test message now; exits 1 when it did not arrive, saying why."""
    from safety_service.notifications import configure

    with session_scope() as session:
        attempt = configure.send_test(session, channel=configure.get_channel(session, name_or_id=name),
                                      settings=get_settings(), to=to)
    if not attempt.ok:
        click.echo(f"error (channel {name}): not delivered: {attempt.detail or attempt.status}", err=True)
        raise SystemExit(1)
    click.echo(f"channel {name}: test message delivered ({attempt.status})")


@channel.command("disable")
@click.argument("name")
@reports_errors
def channel_disable(name: str) -> None:
    """Stop sending over a channel (its waiting messages fail)."""
    from safety_service.notifications import configure

    with session_scope() as session:
        configure.set_enabled(session, channel=configure.get_channel(session, name_or_id=name), enabled=False)
    click.echo(f"channel {name}: disabled")
