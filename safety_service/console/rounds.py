"""Inspection rounds on the inspector's phone: from a location's QR label to its checklist and back.

The miners' QR page links here (the console's session cookie lives under ``/console``, so the signed-in
inspector is recognised on this side); each due round at the location is one form whose not-OK items
become hazards through the one intake path. A small service worker keeps these pages and the page
script keeps a round sent without network in the phone, sending it when the network is back.
"""

import base64
import binascii
import logging
import uuid
from datetime import datetime
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import ValidationError
from sqlmodel import Session
from starlette.datastructures import FormData, UploadFile
from starlette.responses import FileResponse, RedirectResponse, Response

from safety_service.api.deps import PathId, SessionDep, SettingsDep
from safety_service.clock import utc_now
from safety_service.config import Settings
from safety_service.console.deps import ConsoleRefusal, ConsoleRoute, Csrf, require
from safety_service.console.detail import FormDep
from safety_service.console.rendering import render, translator
from safety_service.errors import DomainError, InvalidInput
from safety_service.inspections import queries as inspections_queries
from safety_service.inspections import service as inspections_service
from safety_service.inspections.models import InspectionRound
from safety_service.inspections.schemas import ItemCheck, RoundRecord
from safety_service.inspections.states import RoundState
from safety_service.locations.models import Location
from safety_service.people.models import User
from safety_service.photos.processing import ProcessedPhoto, process_photo
from safety_service.qr import tokens
from safety_service.qr.tokens import TokenRejected

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/rounds", route_class=ConsoleRoute)
InspectorUser = Annotated[User, Depends(require(*inspections_service.INSPECTOR_ROLES))]
WORKER = Path(__file__).parent / "static" / "rounds-sw.js"
DATA_URL = "data:image/jpeg;base64,"


@router.get("/sw.js")
def service_worker() -> Response:
    """The rounds' service worker, same origin, its scope this folder."""
    return FileResponse(WORKER, media_type="text/javascript", headers={"Cache-Control": "no-cache"})


@router.get("")
def my_rounds(request: Request, session: SessionDep, user: InspectorUser) -> Response:
    """The inspector's rounds: those open now first, then the latest done and missed."""
    now = inspections_queries.rounds(session, inspector=user, state=RoundState.due, at=utc_now())
    latest = [r for r in inspections_queries.rounds(session, inspector=user, limit=30) if r.state != RoundState.due]
    return render(request, "rounds.html", user=user, due=now, latest=latest)


@router.get("/at/{token}")
def rounds_at(request: Request, session: SessionDep, settings: SettingsDep, user: InspectorUser,
              token: str) -> Response:
    """The inspector's due rounds at the location of a scanned QR code, each with its checklist."""
    location = _location(session, settings, token)
    return _form(request, session, user, location, token)


def _location(session: Session, settings: Settings, token: str) -> Location:
    try:
        return tokens.active_location(session, tokens.verify(tokens.keyring(settings), token))
    except TokenRejected as exc:
        raise ConsoleRefusal("not_found", 404) from exc


def _form(request: Request, session: Session, user: User, location: Location, token: str, *,
          errors: dict[int, str] | None = None, status: int = 200) -> Response:
    due = inspections_queries.rounds(session, inspector=user, state=RoundState.due, location=location, at=utc_now())
    return render(request, "round_form.html", status=status, user=user, location=location, rounds=due, token=token,
                  client_ids={r.id: uuid.uuid4().hex for r in due}, errors=errors or {})


@router.post("/{round_id}", dependencies=[Csrf])
def record(request: Request, session: SessionDep, settings: SettingsDep, user: InspectorUser, round_id: PathId,
           form: FormDep) -> Response:
    """Record a round from its form (or from the phone's queue once back online)."""
    inspection = inspections_service.get_round(session, round_id=round_id)
    if inspection.inspector_id != user.id:
        raise ConsoleRefusal("forbidden", 403)
    t = translator(request)
    try:
        data = _read(session, inspection, form)
        inspections_service.record_round(session, inspection=inspection, data=data, actor=user, now=utc_now(),
                                         timezone=settings.timezone, photos=_photos(form, data, settings))
    except (DomainError, ValidationError, ValueError) as exc:
        logger.info("round refused", extra={"round": round_id, "reason": str(exc)[:200]})
        return render(request, "round_done.html", status=422, user=user, round=inspections_queries.one(
            session, inspection=inspection), problem=t("risks.round.refused"), detail=str(exc)[:300])
    session.commit()
    return RedirectResponse(f"/console/rounds/{round_id}", status_code=303)


def _read(session: Session, inspection: InspectionRound, form: FormData) -> RoundRecord:
    items = []
    for item in inspections_service.checklist(session, risk_point_id=inspection.risk_point_id):
        answer = form.get(f"item_{item.control_id}")
        note = str(form.get(f"note_{item.control_id}") or "").strip() or None
        if answer not in ("ok", "bad"):
            raise ValueError(f"item {item.control_id} not answered")
        items.append(ItemCheck(control_id=item.control_id, ok=answer == "ok", note=note))
    checked = str(form.get("checked_at") or "").strip()
    return RoundRecord(client_round_id=str(form.get("client_round_id") or ""), items=items,
                       location_code=str(form.get("location_code") or "") or None,
                       checked_at=datetime.fromisoformat(checked) if checked else None,
                       note=str(form.get("note") or "").strip() or None)


def _photos(form: FormData, data: RoundRecord, settings: Settings) -> dict[int, ProcessedPhoto]:
    """The photo of each item: the page script's shrunken JPEG (kept in the phone while offline) or, without
    the script, the uploaded file; each through the photo pipeline of the QR page."""
    found = {}
    for item in data.items:
        raw = _photo_bytes(form.get(f"photo_{item.control_id}"), form.get(f"photo_file_{item.control_id}"),
                           settings.photo_max_bytes)
        if raw:
            found[item.control_id] = process_photo(raw, max_bytes=settings.photo_max_bytes,
                                                   max_pixels=settings.photo_max_pixels, max_side=settings.photo_max_side)
    return found


def _photo_bytes(text: object, upload: object, max_bytes: int) -> bytes:
    if isinstance(text, str) and text:
        try:
            return base64.b64decode(text.removeprefix(DATA_URL), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise InvalidInput("the photo is not base64 JPEG data", field="photos") from exc
    if isinstance(upload, UploadFile) and upload.filename:
        return upload.file.read(max_bytes + 1)
    return b""


@router.get("/{round_id}")
def round_page(request: Request, session: SessionDep, user: InspectorUser, round_id: PathId) -> Response:
    """A round as recorded (or still due, or missed)."""
    inspection = inspections_service.get_round(session, round_id=round_id)
    if inspection.inspector_id != user.id:
        raise ConsoleRefusal("forbidden", 403)
    return render(request, "round_done.html", user=user, round=inspections_queries.one(session, inspection=inspection))
