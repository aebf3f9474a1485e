"""The miner's pages: ``/r/{token}`` (the QR report page) and ``/t`` (what became of it, by tracking code)."""

import asyncio
import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Annotated
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Request
from fastapi.concurrency import run_in_threadpool
from sqlmodel import Session
from starlette.datastructures import UploadFile
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.types import Scope

from safety_service.api.deps import SessionDep, SessionFactory, SettingsDep
from safety_service.batching import BatchWriter
from safety_service.bulletins import service as bulletins_service
from safety_service.bulletins.models import Bulletin
from safety_service.clock import utc_now
from safety_service.config import Settings
from safety_service.database import known
from safety_service.errors import InvalidInput, InvalidTransition, NotFound
from safety_service.feedback import ratings
from safety_service.hazards import service as hazards_service
from safety_service.hazards.intake import Receipt
from safety_service.hazards.states import Channel
from safety_service.i18n import Translator
from safety_service.locations import service as locations_service
from safety_service.metrics import Metrics
from safety_service.pages import forms, tracking
from safety_service.pages.intake import QrSubmission
from safety_service.pages.limits import RETRY_AFTER
from safety_service.pages.rendering import language, render
from safety_service.photos.processing import PhotoRejected, ProcessedPhoto, process_photo
from safety_service.qr import tokens
from safety_service.qr.tokens import RejectReason, TokenRejected
from safety_service.risks import service as risks_service

logger = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)
TOKEN_STATUS = {RejectReason.malformed: 404, RejectReason.bad_signature: 403,
                RejectReason.unknown_key: 410, RejectReason.retired_location: 410}
Text = Annotated[str, Form()]


QrWriter = BatchWriter[QrSubmission, Receipt]


async def get_report_writer(request: Request) -> QrWriter:
    """The QR page's group-commit writer, started with the app."""
    writer: QrWriter = request.app.state.report_writer
    return writer


ReportWriter = Annotated[QrWriter, Depends(get_report_writer)]


def _choice(request: Request) -> tuple[Translator, bool]:
    chosen = request.query_params.get("lang")
    return Translator(language(request.headers, chosen=chosen)), chosen is not None


def _token_problem(t: Translator, exc: TokenRejected) -> HTMLResponse:
    return render("problem.html", lang=t.language, status=TOKEN_STATUS[exc.reason], title=t("error.token.title"),
                  message=t(f"error.token.{exc.reason}"), help=t("error.token.help"))


def _form_page(session: Session, t: Translator, settings: Settings, code: str, typed: forms.ReportForm,
               status: int = 200, remember: bool = False, wait: int | None = None,
               token: str | None = None) -> HTMLResponse:
    location = tokens.active_location(session, code)
    categories = [{"code": c.code, "name": c.name_en if t.language == "en" and c.name_en else c.name_zh}
                  for c in locations_service.list_categories(session)]
    place = {"code": location.code, "name": location.name_en if t.language == "en" and location.name_en
             else location.name_zh}
    bulletin = bulletins_service.for_location(session, site=settings.site, area_id=location.area_id, now=utc_now())
    points = [{"code": p.code, "name": p.name, "level": str(p.level)}
              for p in risks_service.points_at(session, location_id=known(location.id))]
    return render("report.html", risk_points=points, lang=t.language, status=429 if wait else status, remember=remember,
                  headers={"Retry-After": str(wait)} if wait else None, location=place, categories=categories,
                  urgent_categories=forms.URGENT_CATEGORIES, form=typed, errors=typed.errors,
                  bulletin=_bulletin(bulletin, t), wait=wait, max_photo_mb=settings.photo_max_bytes // (1024 * 1024),
                  token=token)


def _local_now(settings: Settings) -> str:
    """Now in the mine's time, as a ``datetime-local`` field shows it (the default of "when")."""
    return utc_now().astimezone(ZoneInfo(settings.timezone)).strftime("%Y-%m-%dT%H:%M")


def _bulletin(bulletin: Bulletin | None, t: Translator) -> dict[str, str | None] | None:
    """The bulletin shown above the form, in the page's language when it has one."""
    if bulletin is None:
        return None
    english = t.language == "en"
    return {"title": bulletin.title_en if english and bulletin.title_en else bulletin.title_zh,
            "body": bulletin.body_en if english and bulletin.body_en else bulletin.body_zh,
            "picture": f"/api/v1/bulletins/{bulletin.id}/picture" if bulletin.picture is not None else None}


@router.get("/r/{token}", response_class=HTMLResponse)
def report_page(request: Request, session: SessionDep, settings: SettingsDep, token: str) -> HTMLResponse:
    """The report form of the location the QR code names, or a page saying why the code is refused."""
    t, remember = _choice(request)
    try:
        code = tokens.verify(tokens.keyring(settings), token)
        behaviour = request.query_params.get("kind") == "behaviour"
        typed = forms.ReportForm(behaviour=behaviour, behaviour_at=_local_now(settings) if behaviour else "")
        return _form_page(session, t, settings, code, typed, remember=remember, token=token)
    except TokenRejected as exc:
        return _token_problem(t, exc)


def is_report_submission(scope: Scope) -> bool:
    """A submitted report page: it holds no pooled connection while its batch is written."""
    return bool(scope["method"] == "POST" and scope["path"].startswith("/r/"))


@router.post("/r/{token}", response_class=HTMLResponse)
async def submit_report(request: Request, writer: ReportWriter, sessions: SessionFactory,
                        token: str) -> HTMLResponse:
    """Register the report through the one intake path and show its reference and tracking code."""
    settings: Settings = request.app.state.settings
    async with request.form(max_files=1, max_fields=16) as form:
        t = Translator(language(request.headers, chosen=str(form.get("lang") or "") or None))
        try:
            code = tokens.verify(tokens.keyring(settings), token)
        except TokenRejected as exc:
            return _token_problem(t, exc)
        typed, photo, upload = forms.read_form(form, t, timezone=settings.timezone), None, forms.photo_upload(form)
        wait = getattr(request.state, RETRY_AFTER, None)
        if upload is not None and not typed.errors and wait is None:
            photo = await _process(upload, settings, typed, t)
    if typed.errors or wait is not None:
        return await _again(sessions, settings, t, code, typed, wait=wait)
    submission = QrSubmission(forms.to_report(typed, location_code=code), photo)
    return await _submit(sessions, settings, writer, request.app.state.metrics, t, code, typed, submission)


async def _process(upload: UploadFile, settings: Settings, typed: forms.ReportForm,
                   t: Translator) -> ProcessedPhoto | None:
    data = await upload.read(settings.photo_max_bytes + 1)
    try:
        return await run_in_threadpool(process_photo, data, max_bytes=settings.photo_max_bytes,
                                       max_pixels=settings.photo_max_pixels, max_side=settings.photo_max_side)
    except PhotoRejected as exc:
        typed.errors["photo"] = t(f"error.photo.{exc.problem}", max_mb=settings.photo_max_bytes // (1024 * 1024))
        return None


async def _again(sessions: Callable[[], AbstractContextManager[Session]], settings: Settings, t: Translator,
                 code: str, typed: forms.ReportForm, *, wait: int | None = None) -> HTMLResponse:
    """The form again as typed: with its problems (422), or refused by the rate limit with the wait (429)."""
    def page() -> HTMLResponse:
        with sessions() as session:
            return _form_page(session, t, settings, code, typed, status=422, wait=wait)

    try:
        return await run_in_threadpool(page)
    except TokenRejected as exc:
        return _token_problem(t, exc)


async def _submit(sessions: Callable[[], AbstractContextManager[Session]], settings: Settings,
                  writer: QrWriter, metrics: Metrics, t: Translator, code: str, typed: forms.ReportForm,
                  submission: QrSubmission) -> HTMLResponse:
    try:
        receipt = await asyncio.wrap_future(writer.submit(submission))
    except Exception:
        logger.exception("report not stored", extra={"location": code, "report_id": typed.client_report_id})
        return render("problem.html", lang=t.language, status=503, headers={"Retry-After": "2"},
                      title=t("error.title"), message=t("error.busy"))
    metrics.report(str(Channel.qr), created=receipt.created, refused=receipt.error is not None)
    if receipt.error is not None:
        if receipt.error.field == "location_code":
            return _token_problem(t, TokenRejected(RejectReason.retired_location, receipt.error.message))
        if receipt.error.field == "behaviour_at":
            typed.errors["behaviour_at"] = t("error.behaviour_at.future")
        elif receipt.error.field == "library_item":  # taken off or changed since offered: shown again without it
            typed.errors["library_item"], typed.library_item = t("error.library_item.unknown"), ""
        else:
            wrong = "risk_point" if receipt.error.field == "risk_point_code" else "category"
            typed.errors[wrong] = t(f"error.{wrong}.unknown")
        return await _again(sessions, settings, t, code, typed)
    return render("receipt.html", lang=t.language, status=201 if receipt.created else 200,
                  ref=receipt.ref, tracking_code=receipt.tracking_code, created=receipt.created,
                  urgent=typed.urgent, track_url=f"{settings.public_url}/t")


@router.get("/t/{tracking_code}")
def old_tracking_link(request: Request, settings: SettingsDep, tracking_code: str) -> RedirectResponse:
    """A printed or shared ``/t/{code}`` link: the code moves into a short-lived cookie, the URL loses it."""
    chosen = request.query_params.get("lang")
    response = RedirectResponse("/t" + (f"?lang={quote(chosen)}" if chosen else ""), status_code=303)
    tracking.remember(response, settings, code=tracking_code[:64])
    return response


@router.post("/t")
def look_up_report(request: Request, session: SessionDep, settings: SettingsDep, tracking_code: Text = "",
                   lang: Text = "") -> Response:
    """The tracking form: a known code goes into the short-lived cookie and the page is shown at ``/t``."""
    t = Translator(language(request.headers, chosen=lang or None))
    code = tracking_code.strip()[:64]
    if not code:
        return _tracking_form(t, status=422, error=t("error.tracking.missing"))
    try:
        hazard = hazards_service.get_by_tracking_code(session, code=code)
    except NotFound:
        return _tracking_form(t, code=code, status=404, error=t("error.tracking.not_found"))
    response = RedirectResponse("/t", status_code=303)
    tracking.remember(response, settings, code=hazard.tracking_code)
    return response


@router.get("/t", response_class=HTMLResponse)
def tracking_page(request: Request, session: SessionDep, settings: SettingsDep) -> HTMLResponse:
    """What became of the report whose code the form (or an old link) left in the cookie; else the form."""
    t, remember = _choice(request)
    code = tracking.remembered(request, settings)
    if code is None:
        return _tracking_form(t, remember=remember)
    return _tracked(session, settings, t, code, remember=remember)


def _tracked(session: Session, settings: Settings, t: Translator, code: str, *, remember: bool = False,
             status: int = 200, error: str | None = None) -> HTMLResponse:
    """The tracking page of this code (with a problem of the rating form, when there is one)."""
    try:
        report = tracking.track(session, code=code, lang=t.language, timezone=settings.timezone,
                                change_days=settings.rating_change_days)
    except NotFound:
        return _tracking_form(t, remember=remember, code=code, status=404, error=t("error.tracking.not_found"))
    return render("tracking.html", lang=t.language, remember=remember, hazard=report, code=code, status=status,
                  rating_error=error, ratings=list(ratings.Rating))


@router.post("/t/rating", response_class=HTMLResponse)
def rate_report(request: Request, session: SessionDep, settings: SettingsDep, rating: Text = "",
                lang: Text = "") -> Response:
    """The reporter's one-tap rating of a closed report (满意/基本满意/不满意), by the code in the cookie."""
    t = Translator(language(request.headers, chosen=lang or None))
    code = tracking.remembered(request, settings)
    if code is None:
        return _tracking_form(t, status=422, error=t("error.tracking.expired"))
    try:
        hazard = hazards_service.get_by_tracking_code(session, code=code)
        ratings.rate(session, hazard=hazard, rating=rating, channel=ratings.RatingChannel.web, now=utc_now(),
                     change_days=settings.rating_change_days)
    except NotFound:
        return _tracking_form(t, code=code, status=404, error=t("error.tracking.not_found"))
    except InvalidInput:
        return _tracked(session, settings, t, code, status=422, error=t("track.rating.error.choice"))
    except InvalidTransition:
        return _tracked(session, settings, t, code, status=409, error=t("track.rating.error.closed"))
    session.commit()
    return RedirectResponse("/t" + (f"?lang={quote(lang)}" if lang else ""), status_code=303)


def _tracking_form(t: Translator, *, remember: bool = False, code: str = "", status: int = 200,
                   error: str | None = None) -> HTMLResponse:
    return render("track_form.html", lang=t.language, status=status, remember=remember, typed=code, error=error)
