"""The miner's pages: ``/r/{token}`` (the QR report page) and ``/t/{tracking_code}`` (what became of it)."""

import asyncio
import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from sqlmodel import Session
from starlette.datastructures import UploadFile
from starlette.responses import HTMLResponse
from starlette.types import Scope

from safety_service.api.deps import SessionDep, SessionFactory, SettingsDep
from safety_service.batching import BatchWriter
from safety_service.bulletins import service as bulletins_service
from safety_service.bulletins.models import Bulletin
from safety_service.clock import utc_now
from safety_service.config import Settings
from safety_service.errors import NotFound
from safety_service.i18n import Translator
from safety_service.locations import service as locations_service
from safety_service.pages import forms, tracking
from safety_service.pages.intake import QrSubmission
from safety_service.pages.rendering import language, render
from safety_service.photos.processing import PhotoRejected, ProcessedPhoto, process_photo
from safety_service.qr import tokens
from safety_service.qr.tokens import RejectReason, TokenRejected

logger = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)
TOKEN_STATUS = {RejectReason.malformed: 404, RejectReason.bad_signature: 403,
                RejectReason.unknown_key: 410, RejectReason.retired_location: 410}


async def get_report_writer(request: Request) -> BatchWriter:
    """The QR page's group-commit writer, started with the app."""
    return request.app.state.report_writer


ReportWriter = Annotated[BatchWriter, Depends(get_report_writer)]


def _choice(request: Request) -> tuple[Translator, bool]:
    chosen = request.query_params.get("lang")
    return Translator(language(request.headers, chosen=chosen)), chosen is not None


def _token_problem(t: Translator, exc: TokenRejected) -> HTMLResponse:
    return render("problem.html", lang=t.language, status=TOKEN_STATUS[exc.reason], title=t("error.token.title"),
                  message=t(f"error.token.{exc.reason}"), help=t("error.token.help"))


def _form_page(session: Session, t: Translator, settings: Settings, code: str, typed: forms.ReportForm,
               status: int = 200, remember: bool = False) -> HTMLResponse:
    location = tokens.active_location(session, code)
    categories = [{"code": c.code, "name": c.name_en if t.language == "en" and c.name_en else c.name_zh}
                  for c in locations_service.list_categories(session)]
    place = {"code": location.code, "name": location.name_en if t.language == "en" and location.name_en
             else location.name_zh}
    bulletin = bulletins_service.for_location(session, site=settings.site, area_id=location.area_id, now=utc_now())
    return render("report.html", lang=t.language, status=status, remember=remember, location=place,
                  categories=categories, form=typed, errors=typed.errors, bulletin=_bulletin(bulletin, t),
                  max_photo_mb=settings.photo_max_bytes // (1024 * 1024))


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
        return _form_page(session, t, settings, code, forms.ReportForm(), remember=remember)
    except TokenRejected as exc:
        return _token_problem(t, exc)


def is_report_submission(scope: Scope) -> bool:
    """A submitted report page: it holds no pooled connection while its batch is written."""
    return scope["method"] == "POST" and scope["path"].startswith("/r/")


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
        typed, photo, upload = forms.read_form(form, t), None, forms.photo_upload(form)
        if upload is not None and not typed.errors:
            photo = await _process(upload, settings, typed, t)
    if typed.errors:
        return await _again(sessions, settings, t, code, typed)
    submission = QrSubmission(forms.to_report(typed, location_code=code), photo)
    return await _submit(sessions, settings, writer, t, code, typed, submission)


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
                 code: str, typed: forms.ReportForm) -> HTMLResponse:
    def page() -> HTMLResponse:
        with sessions() as session:
            return _form_page(session, t, settings, code, typed, status=422)

    try:
        return await run_in_threadpool(page)
    except TokenRejected as exc:
        return _token_problem(t, exc)


async def _submit(sessions: Callable[[], AbstractContextManager[Session]], settings: Settings,
                  writer: BatchWriter, t: Translator, code: str, typed: forms.ReportForm,
                  submission: QrSubmission) -> HTMLResponse:
    try:
        receipt = await asyncio.wrap_future(writer.submit(submission))
    except Exception:
        logger.exception("report not stored", extra={"location": code, "report_id": typed.client_report_id})
        return render("problem.html", lang=t.language, status=503, headers={"Retry-After": "2"},
                      title=t("error.title"), message=t("error.busy"))
    if receipt.error is not None:
        if receipt.error.field == "location_code":
            return _token_problem(t, TokenRejected(RejectReason.retired_location, receipt.error.message))
        typed.errors["category"] = t("error.category.unknown")
        return await _again(sessions, settings, t, code, typed)
    return render("receipt.html", lang=t.language, status=201 if receipt.created else 200,
                  ref=receipt.ref, tracking_code=receipt.tracking_code, created=receipt.created)


@router.get("/t/{tracking_code}", response_class=HTMLResponse)
def tracking_page(request: Request, session: SessionDep, settings: SettingsDep, tracking_code: str) -> HTMLResponse:
    """What became of a report: state in plain words, dates, the closing note."""
    t, remember = _choice(request)
    try:
        report = tracking.track(session, code=tracking_code[:64], lang=t.language, timezone=settings.timezone)
    except NotFound:
        return render("problem.html", lang=t.language, status=404, remember=remember,
                      title=t("track.title"), message=t("error.tracking.not_found"))
    return render("tracking.html", lang=t.language, remember=remember, hazard=report)
