"""``/f/{token}``: the family co-supervisor's (家属协管员) phone page, opened by a signed link, no password.

It shows only what the worker agreed to share, and takes a family visit or talk and a family message
(亲情寄语, with an optional photo and the family's choice whether the kiosks may show it). A bad, expired or
revoked link gets the same answer whatever the reason, and opens nothing.
"""

import logging
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from pydantic import BaseModel, ValidationError
from sqlmodel import Session
from starlette.responses import HTMLResponse, RedirectResponse, Response

from safety_service.api.deps import SessionDep, SettingsDep
from safety_service.clock import local_today
from safety_service.config import Settings
from safety_service.counselling import cosupervision, messages
from safety_service.counselling.cosupervision_schemas import FamilyMessageCreate, FamilyVisitCreate
from safety_service.counselling.models import FamilyLink
from safety_service.counselling.states import FamilyVisitKind
from safety_service.errors import AuthenticationFailed, DomainError
from safety_service.i18n import Translator
from safety_service.pages.rendering import family_refused, language, local_time, render
from safety_service.photos.processing import PhotoRejected, ProcessedPhoto, process_photo
from safety_service.validation import MAX_ROW_ID, whole_number

logger = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form()]


def _t(request: Request) -> Translator:
    return Translator(language(request.headers, chosen=request.query_params.get("lang")))


def _link(session: Session, settings: Settings, token: str) -> FamilyLink | None:
    try:
        return cosupervision.open_link(session, text=token, settings=settings)
    except AuthenticationFailed:
        return None


def _page(session: Session, settings: Settings, t: Translator, link: FamilyLink, token: str, *, status: int = 200,
          failed: str | None = None, typed: dict[str, str] | None = None, errors: dict[str, str] | None = None,
          done: str | None = None) -> HTMLResponse:
    seen = cosupervision.view(session, link=link)
    own = [m for m, _ in messages.list_messages(session, case_id=link.case_id)
           if m.family_contact_id == link.family_contact_id]
    return render("family.html", lang=t.language, status=status, brand=t("family.brand"), seen=seen, token=token,
                  failed=failed, typed=typed or {}, errors=errors or {}, done=done, messages=own,
                  visit_kinds=list(FamilyVisitKind),
                  today=local_today(settings.timezone).isoformat(), ends=local_time(seen.observation_ends_at,
                                                                                   settings.timezone)[:10],
                  expires=local_time(seen.expires_at, settings.timezone)[:10])


@router.get("/f/{token}", response_class=HTMLResponse)
def family_page(request: Request, session: SessionDep, settings: SettingsDep, token: str) -> HTMLResponse:
    """What the worker agreed to share, the family's own visits and messages, and the two forms."""
    t, link = _t(request), _link(session, settings, token)
    if link is None:
        return family_refused(t)
    done = request.query_params.get("done")
    return _page(session, settings, t, link, token, done=done if done in ("visit", "message", "withdrawn") else None)


def _errors(t: Translator, model: type[BaseModel], values: dict[str, Any]) -> tuple[Any, dict[str, str]]:
    try:
        return model.model_validate({k: v for k, v in values.items() if v != ""}), {}
    except ValidationError as exc:
        found: dict[str, str] = {}
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else "form"
            found.setdefault(name, t("family.page.required" if error["type"] == "missing" else "family.page.invalid"))
        return None, found


def _after(session: Session, token: str, what: str) -> Response:
    session.commit()
    return RedirectResponse(f"/f/{token}?done={what}", status_code=303)


@router.post("/f/{token}/visit", response_class=HTMLResponse)
def record_visit(request: Request, session: SessionDep, settings: SettingsDep, token: str, kind: Text = "",
                 held_on: Text = "", note: Text = "") -> Response:
    """Record a family visit or talk; bad input shows the page again with the reasons beside the fields."""
    t, link = _t(request), _link(session, settings, token)
    if link is None:
        return family_refused(t)
    typed = {"kind": kind, "held_on": held_on, "note": note}
    data, errors = _errors(t, FamilyVisitCreate, typed)
    if not errors:
        try:
            cosupervision.record_visit(session, link=link, data=data, today=local_today(settings.timezone))
            return _after(session, token, "visit")
        except DomainError as exc:  # refused before anything was written
            errors = {exc.field if exc.field in typed else "form": t(f"family.page.refused_{exc.field}")
                      if exc.field in ("held_on", "case") else t("family.page.invalid")}
    return _page(session, settings, t, link, token, status=422, failed="visit", typed=typed, errors=errors)


def _photo(upload: UploadFile | None, settings: Settings, t: Translator) -> tuple[ProcessedPhoto | None, str]:
    if upload is None or not upload.filename:
        return None, ""
    try:
        return process_photo(upload.file.read(settings.photo_max_bytes + 1), max_bytes=settings.photo_max_bytes,
                             max_pixels=settings.photo_max_pixels, max_side=settings.photo_max_side), ""
    except PhotoRejected as exc:
        return None, t(f"error.photo.{exc.problem}", max_mb=settings.photo_max_bytes // (1024 * 1024))


@router.post("/f/{token}/message", response_class=HTMLResponse)
def leave_message(request: Request, session: SessionDep, settings: SettingsDep, token: str, text: Text = "",
                  signature: Text = "", kiosk_consent: Text = "",
                  photo: Annotated[UploadFile | None, File()] = None) -> Response:
    """Leave a family message with an optional photo; the kiosks show it only with the family's consent."""
    t, link = _t(request), _link(session, settings, token)
    if link is None:
        return family_refused(t)
    typed = {"text": text, "signature": signature, "kiosk_consent": kiosk_consent}
    data, errors = _errors(t, FamilyMessageCreate, {**typed, "kiosk_consent": kiosk_consent == "yes"})
    processed, problem = _photo(photo, settings, t)
    if problem:
        errors["photo"] = problem
    if not errors:
        messages.leave(session, link=link, data=data, photo=processed)
        return _after(session, token, "message")
    return _page(session, settings, t, link, token, status=422, failed="message", typed=typed, errors=errors)


@router.post("/f/{token}/messages/{message_id}/withdraw", response_class=HTMLResponse)
def withdraw_message(request: Request, session: SessionDep, settings: SettingsDep, token: str,
                     message_id: str) -> Response:
    """The family takes back one of their messages (off the kiosks at once)."""
    t, link = _t(request), _link(session, settings, token)
    number = whole_number(message_id, high=MAX_ROW_ID)  # "²".isdigit() is true, yet int("²") raises
    if link is None or number is None:
        return family_refused(t)
    try:
        messages.withdraw_by_family(session, link=link, message_id=number, site=settings.site)
    except DomainError:
        return family_refused(t)
    return _after(session, token, "withdrawn")
