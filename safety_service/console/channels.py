"""Admins' notification channels: the list (targets masked), adding one, a test message, on and off."""

import logging
from typing import Any

from fastapi import APIRouter, Request
from sqlmodel import Session
from starlette.responses import Response

from safety_service.api.deps import PathId, SessionDep, SettingsDep
from safety_service.console import forms
from safety_service.console.deps import AdminUser, ConsoleRefusal, ConsoleRoute, Csrf
from safety_service.console.detail import FormDep
from safety_service.console.rendering import render, translator
from safety_service.database import saved_id
from safety_service.errors import DomainError, NotFound
from safety_service.notifications import configure, outbox
from safety_service.notifications.configure import ChannelCreate
from safety_service.notifications.models import ChannelKind
from safety_service.people.models import User

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/admin/channels", route_class=ConsoleRoute)
FIELDS = ("name", "kind", "target", "secret", "to")
MESSAGES = {"name": "console.error.taken"}


def _page(request: Request, session: Session, user: User, *, status: int = 200, **context: Any) -> Response:
    rows = [(configure.public(c), outbox.recent_attempts(session, channel_id=saved_id(c), limit=1))
            for c in configure.list_channels(session)]
    context = {"typed": {}, "errors": {}, "tested": None, **context}
    return render(request, "admin_channels.html", status=status, user=user, section="channels", rows=rows,
                  kinds=list(ChannelKind), events=configure.EVENTS, **context)


@router.get("")
def channels_page(request: Request, session: SessionDep, user: AdminUser) -> Response:
    """Every channel with its last outcome, and the form that adds one."""
    return _page(request, session, user)


@router.post("", dependencies=[Csrf])
def add_channel(request: Request, session: SessionDep, settings: SettingsDep, user: AdminUser,
                form: FormDep) -> Response:
    """Add a channel; bad input shows the form again with the reasons (the secret is never typed back)."""
    t = translator(request)
    typed = forms.fields(form, FIELDS)
    values = {**typed, "events": form.getlist("events"), "grades": form.getlist("grades")}
    data, errors = forms.build(ChannelCreate, values, t)
    errors = forms.with_rules(t, errors, configure.input_problems(session, values=typed), MESSAGES)
    if data is not None and not errors:
        try:
            configure.add_channel(session, data=data, settings=settings)
        except DomainError as exc:
            errors = forms.domain_error(t, exc, MESSAGES)
    if errors:
        session.rollback()
        return _page(request, session, user, typed={**values, "secret": ""}, errors=errors, status=422)
    session.commit()
    logger.info("notification channel added", extra={"channel": data.name, "kind": str(data.kind), "user_id": user.id})
    return _page(request, session, user)


@router.post("/{channel_id}/{action}", dependencies=[Csrf])
def change_channel(request: Request, session: SessionDep, settings: SettingsDep, user: AdminUser,
                   channel_id: PathId, action: str, form: FormDep) -> Response:
    """Send a test message now (the page says whether it arrived), or turn the channel on or off."""
    try:
        channel = configure.get_channel(session, name_or_id=channel_id)
    except NotFound:
        raise ConsoleRefusal("not_found", 404) from None
    if action == "test":
        given = form.get("to")
        to = given.strip() or None if isinstance(given, str) else None
        try:
            attempt = configure.send_test(session, channel=channel, settings=settings, to=to)
        except DomainError as exc:
            return _page(request, session, user, errors=forms.domain_error(translator(request), exc), status=422)
        session.commit()
        return _page(request, session, user, tested=(channel.name, attempt))
    if action not in ("enable", "disable"):
        raise ConsoleRefusal("not_found", 404)
    configure.set_enabled(session, channel=channel, enabled=action == "enable")
    session.commit()
    return _page(request, session, user)
