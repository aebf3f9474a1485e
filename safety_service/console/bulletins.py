"""Bulletins (安全理念渗透) in the console: write and edit drafts, add a picture, publish, retire, read rates.

The forms call the same service functions as the API; publishing and retiring rewrite the retained
MQTT message through the outbox in the same transaction.
"""

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from sqlmodel import Session
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from safety_service.api.deps import PathId, SessionDep, SettingsDep
from safety_service.bulletins import reads as bulletins_reads
from safety_service.bulletins import service as bulletins_service
from safety_service.bulletins.models import Bulletin, BulletinState
from safety_service.bulletins.schemas import BulletinCreate
from safety_service.clock import utc_now
from safety_service.console import actions, forms, outreach
from safety_service.console.deps import ConsoleRefusal, ConsoleRoute, Csrf, OfficerUser
from safety_service.console.detail import FormDep
from safety_service.console.rendering import local, render, translator
from safety_service.errors import InvalidTransition
from safety_service.i18n import Translator
from safety_service.locations import service as locations_service
from safety_service.people.models import User

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/bulletins", route_class=ConsoleRoute)
FIELDS = ("title_zh", "title_en", "body_zh", "body_en", "valid_from", "valid_to")
TIMES = ("valid_from", "valid_to")
INPUT_TIME = "%Y-%m-%dT%H:%M"
REFUSALS: outreach.Refusals = {InvalidTransition: "console.bulletins.error.state",
                               "areas": "console.error.unknown_code", "valid_to": "console.bulletins.error.expired",
                               "photos": "console.bulletins.error.picture"}
_FIELD_REFUSALS = {k: v for k, v in REFUSALS.items() if isinstance(k, str)}
CHANGES = {"publish": bulletins_service.publish, "retire": bulletins_service.retire}


def load_bulletin(session: SessionDep, user: OfficerUser, bulletin_id: PathId) -> Bulletin:
    """The bulletin in the path (404 page otherwise), for officers and the chief only."""
    return bulletins_service.get_bulletin(session, bulletin_id=bulletin_id)


BulletinDep = Annotated[Bulletin, Depends(load_bulletin)]


def _read(session: Session, form: FormData, t: Translator, timezone: str
          ) -> tuple[BulletinCreate | None, dict[str, str], dict[str, Any]]:
    """The bulletin from the form (local times made aware), or every error by field at once."""
    typed: dict[str, Any] = forms.fields(form, FIELDS)
    values: dict[str, Any] = {**typed, **{n: forms.local_datetime(typed[n], timezone) if typed[n] else ""
                                          for n in TIMES}}
    typed["areas"] = values["areas"] = [a for a in form.getlist("areas") if isinstance(a, str) and a]
    data, errors = forms.build(BulletinCreate, values, t)
    errors.pop("form", None)  # the model's own check, made below whatever the other fields are
    if forms.ends_before(values["valid_from"], values["valid_to"], inclusive=True):
        errors.setdefault("valid_to", t("console.bulletins.error.period"))
    return data, forms.with_rules(t, errors, bulletins_service.input_problems(session, values=values),
                                  _FIELD_REFUSALS), typed


def _typed(bulletin: Bulletin, timezone: str) -> dict[str, Any]:
    """The edit form's values: the draft as it is stored."""
    typed: dict[str, Any] = {name: getattr(bulletin, name) or "" for name in FIELDS}
    typed.update({name: local(getattr(bulletin, name), timezone, INPUT_TIME) for name in TIMES})
    return {**typed, "areas": bulletin.areas}


def _show(request: Request, session: Session, user: User, bulletin: Bulletin | None, *,
          typed: dict[str, Any] | None = None, errors: dict[str, str] | None = None, status: int = 200) -> Response:
    tz = request.app.state.settings.timezone
    reads = None
    if bulletin is not None and bulletin.state != BulletinState.draft:
        reads = bulletins_reads.read_rates(session, bulletin=bulletin)
    if typed is None:
        typed = _typed(bulletin, tz) if bulletin is not None else {"areas": []}
    return render(request, "bulletin.html", status=status, user=user, bulletin=bulletin, reads=reads,
                  areas=locations_service.list_areas(session), typed=typed, errors=errors or {})


@router.get("")
def bulletin_list(request: Request, session: SessionDep, settings: SettingsDep, user: OfficerUser) -> Response:
    """The site's bulletins, newest first, by state, each with its read rate."""
    chosen = request.query_params.get("state")
    state = BulletinState(chosen) if chosen in tuple(BulletinState) else None
    found = bulletins_service.list_bulletins(session, site=settings.site, state=state)
    rates = bulletins_reads.overall_rates(session, bulletins=found)
    return render(request, "bulletins.html", user=user, bulletins=found, rates=rates, state=state,
                  states=list(BulletinState))


@router.get("/new")
def new_page(request: Request, session: SessionDep, user: OfficerUser) -> Response:
    """The form of a new draft."""
    return _show(request, session, user, None)


@router.post("", dependencies=[Csrf])
def create(request: Request, session: SessionDep, settings: SettingsDep, user: OfficerUser,
           form: FormDep) -> Response:
    """Write a draft; bad input shows the form again with the reasons."""
    t = translator(request)
    data, errors, typed = _read(session, form, t, settings.timezone)
    status, bulletin = 422, None
    if data is not None and not errors:
        bulletin, errors, status = outreach.attempt(session, t, lambda: bulletins_service.create(
            session, data=data, actor=user, site=settings.site), REFUSALS)
    if bulletin is None:
        return _show(request, session, user, None, typed=typed, errors=errors, status=status)
    session.commit()
    logger.info("console bulletin written", extra={"bulletin": bulletin.id, "user_id": user.id})
    return RedirectResponse(f"/console/bulletins/{bulletin.id}", status_code=303)


@router.get("/{bulletin_id}")
def bulletin_page(request: Request, session: SessionDep, user: OfficerUser, bulletin: BulletinDep) -> Response:
    """One bulletin: its text and picture, the edit form while a draft, its read rates once shown."""
    return _show(request, session, user, bulletin)


@router.post("/{bulletin_id}", dependencies=[Csrf])
def update(request: Request, session: SessionDep, settings: SettingsDep, user: OfficerUser, bulletin: BulletinDep,
           form: FormDep) -> Response:
    """Rewrite a draft; a bulletin published meanwhile is refused with 409."""
    t = translator(request)
    data, errors, typed = _read(session, form, t, settings.timezone)
    status = 422
    if data is not None and not errors:
        _, errors, status = outreach.attempt(session, t, lambda: bulletins_service.update(
            session, bulletin=bulletin, data=data), REFUSALS)
    return _done(request, session, user, bulletin, typed, errors, status)


@router.get("/{bulletin_id}/picture")
def picture(bulletin: BulletinDep) -> Response:
    """The bulletin's picture, whatever its state (the public one shows published bulletins only)."""
    if bulletin.picture is None:
        raise ConsoleRefusal("not_found", 404)
    return Response(bulletin.picture, media_type="image/jpeg", headers={"Cache-Control": "private, no-cache"})


@router.post("/{bulletin_id}/picture", dependencies=[Csrf])
def upload_picture(request: Request, session: SessionDep, settings: SettingsDep, user: OfficerUser,
                   bulletin: BulletinDep, form: FormDep) -> Response:
    """Attach a picture, checked and re-encoded like a report's photo."""
    t = translator(request)
    photos, errors = actions.evidence_photos(form, settings, t)
    status = 422
    if not photos and not errors:
        errors = {"photos": t("console.bulletins.error.picture")}
    if photos:
        _, errors, status = outreach.attempt(session, t, lambda: bulletins_service.set_picture(
            session, bulletin=bulletin, photo=photos[0], now=utc_now()), REFUSALS)
    return _done(request, session, user, bulletin, None, errors, status)


@router.post("/{bulletin_id}/{change}", dependencies=[Csrf])
def change_state(request: Request, session: SessionDep, user: OfficerUser, bulletin: BulletinDep,
                 change: str) -> Response:
    """Publish (it joins the kiosks' retained message) or retire (it leaves it)."""
    if change not in CHANGES:
        raise ConsoleRefusal("not_found", 404)
    _, errors, status = outreach.attempt(session, translator(request), lambda: CHANGES[change](
        session, bulletin=bulletin, now=utc_now()), REFUSALS)
    return _done(request, session, user, bulletin, None, errors, status, change)


def _done(request: Request, session: Session, user: User, bulletin: Bulletin, typed: dict[str, Any] | None,
          errors: dict[str, str], status: int, change: str = "edit") -> Response:
    """Commit and go back to the bulletin, or show it again with the reasons and nothing saved."""
    if errors:
        session.rollback()
        session.refresh(bulletin)
        return _show(request, session, user, bulletin, typed=typed, errors=errors, status=status)
    session.commit()
    logger.info("console bulletin changed", extra={"bulletin": bulletin.id, "change": change, "user_id": user.id})
    return RedirectResponse(f"/console/bulletins/{bulletin.id}", status_code=303)
