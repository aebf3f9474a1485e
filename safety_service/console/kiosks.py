"""The admin page for kiosks: register one, disable, enable, give it a new password, remove (retire) it.

Each form calls the same ``kiosks.service`` function as the API and the CLI, commits, then brings the
broker up to date (``mqtt.accounts.sync_broker``). A new password is shown on the answer page only.
"""

import logging
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from sqlmodel import Session, col, func, select
from starlette.responses import Response

from safety_service.api.deps import SessionDep, SettingsDep
from safety_service.clock import as_utc, utc_now
from safety_service.config import Settings
from safety_service.console import forms
from safety_service.console.deps import AdminUser, ConsoleRefusal, ConsoleRoute, Csrf
from safety_service.console.detail import FormDep
from safety_service.console.rendering import duration, render, translator
from safety_service.database import known, saved_id
from safety_service.errors import DomainError, NotApplicable, NotFound
from safety_service.hazards.models import Hazard
from safety_service.kiosks import service as kiosks_service
from safety_service.kiosks.models import Kiosk
from safety_service.kiosks.schemas import BrokerReload, KioskCreate, KioskCredentials
from safety_service.locations import service as locations_service
from safety_service.mqtt import accounts as mqtt_accounts
from safety_service.mqtt.models import DeadLetter

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/admin/kiosks", route_class=ConsoleRoute)
CHANGES = {"disable": (kiosks_service.disable_kiosk, "disabled"), "enable": (kiosks_service.enable_kiosk, "enabled"),
           "remove": (kiosks_service.remove_kiosk, "removed")}
ADD_FIELDS = ("kiosk_id", "location_code")
ADD_ERRORS = {"kiosk_id": "console.kiosks.error.kiosk_id", "location_code": "console.error.unknown_code"}


def _last_reports(session: Session, kiosks: list[Kiosk]) -> dict[int, tuple[str, datetime]]:
    """Each kiosk's newest report: its reference and when (one index lookup a kiosk)."""
    found: dict[int, tuple[str, datetime]] = {}
    for kiosk in kiosks:
        row = session.exec(select(Hazard.ref, Hazard.reported_at).where(Hazard.kiosk_id == kiosk.id)
                           .order_by(col(Hazard.reported_at).desc()).limit(1)).first()
        if row is not None:
            found[saved_id(kiosk)] = (row[0], as_utc(row[1]))
    return found


def _dead_letters(session: Session) -> dict[str, int]:
    """How many of each kiosk's messages wait in the dead letters."""
    query = select(DeadLetter.kiosk_id, func.count()).where(col(DeadLetter.kiosk_id).is_not(None)).group_by(
        DeadLetter.kiosk_id)
    return {known(kiosk_id): count for kiosk_id, count in session.exec(query).all()}  # filtered IS NOT NULL


def _activity(request: Request, session: Session, kiosks: list[tuple[Kiosk, Any]]) -> dict[str, Any]:
    """What the page shows of each kiosk besides its row: last report, dead letters, how long in its status."""
    now, t = utc_now(), translator(request)
    return {"last_reports": _last_reports(session, [k for k, _ in kiosks]), "dead_letters": _dead_letters(session),
            "status_for": {k.kiosk_id: duration(t, now - as_utc(k.status_at)) for k, _ in kiosks if k.status_at}}


def _page(request: Request, session: Session, user: Any, *, status: int = 200, **context: Any) -> Response:
    context.setdefault("typed", {})
    context.setdefault("errors", {})
    kiosks = kiosks_service.list_kiosks(session)
    return render(request, "admin_kiosks.html", status=status, user=user, section="kiosks",
                  kiosks=kiosks, **_activity(request, session, kiosks),
                  locations=[loc for loc, _ in locations_service.list_locations(session) if loc.active], **context)


def broker_message(broker: BrokerReload) -> str:
    """The catalogue key that tells an administrator whether the broker follows the change already."""
    if broker.reloaded:
        return "console.kiosks.broker.applied"
    return "console.kiosks.broker.reload_needed" if broker.files_written else "console.kiosks.broker.not_written"


def _done(request: Request, session: Session, settings: Settings, user: Any, *, kiosk_id: str, done: str,
          credentials: KioskCredentials | None = None) -> Response:
    session.commit()
    broker = mqtt_accounts.sync_broker(session, settings)
    logger.info("console kiosk changed", extra={"kiosk_id": kiosk_id, "change": done, "user_id": user.id,
                                                "broker": broker.detail})
    return _page(request, session, user, done=(kiosk_id, done), broker=broker_message(broker), credentials=credentials)


@router.get("")
def kiosks_page(request: Request, session: SessionDep, user: AdminUser) -> Response:
    """Every kiosk with its account state, presence and the actions it allows, and the form that registers one."""
    return _page(request, session, user)


@router.post("", dependencies=[Csrf])
def add_kiosk(request: Request, session: SessionDep, settings: SettingsDep, user: AdminUser,
              form: FormDep) -> Response:
    """Register a kiosk; the answer shows its password once. Bad input shows the form with the reasons."""
    t = translator(request)
    typed = forms.fields(form, ADD_FIELDS)
    data, errors = forms.build(KioskCreate, typed, t)
    if "kiosk_id" in errors and typed["kiosk_id"]:  # a reserved name or a character outside the pattern
        errors["kiosk_id"] = t(ADD_ERRORS["kiosk_id"])
    errors = forms.with_rules(t, errors, kiosks_service.input_problems(session, values=typed), ADD_ERRORS)
    if data is not None and not errors:
        try:
            site = locations_service.ensure_site(session, code=settings.site, name_zh=settings.site_name)
            _, credentials = kiosks_service.add_kiosk(session, site=site, data=data)
        except DomainError as exc:
            errors = forms.domain_error(t, exc, ADD_ERRORS)
    if errors:
        session.rollback()
        return _page(request, session, user, typed=typed, errors=errors, status=422)
    return _done(request, session, settings, user, kiosk_id=credentials.kiosk_id, done="added",
                 credentials=credentials)


@router.post("/{kiosk_id}/{action}", dependencies=[Csrf])
def change_kiosk(request: Request, session: SessionDep, settings: SettingsDep, user: AdminUser, kiosk_id: str,
                 action: str) -> Response:
    """Disable, enable, rotate or remove; a removed kiosk is refused (409) and nothing changes."""
    if action != "rotate" and action not in CHANGES:
        raise ConsoleRefusal("not_found", 404)
    credentials = None
    try:
        if action == "rotate":
            _, credentials = kiosks_service.rotate_credentials(session, site=settings.site, kiosk_id=kiosk_id)
        else:
            CHANGES[action][0](session, kiosk_id=kiosk_id)
    except NotFound:
        raise ConsoleRefusal("not_found", 404) from None
    except NotApplicable:
        session.rollback()
        return _page(request, session, user, refused=kiosk_id, status=409)
    done = "rotated" if action == "rotate" else CHANGES[action][1]
    return _done(request, session, settings, user, kiosk_id=kiosk_id, done=done, credentials=credentials)
