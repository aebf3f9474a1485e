"""The action forms of the detail page: each field a transition needs, read into its input model.

The forms call the same service functions as the API; this module only reads and checks input.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from starlette.datastructures import FormData, UploadFile

from safety_service.config import Settings
from safety_service.console import forms
from safety_service.hazards import service as hazards_service
from safety_service.hazards.schemas import HazardAssign, HazardConfirm, HazardRectified, HazardReject, HazardVerify
from safety_service.hazards.states import Action
from safety_service.i18n import Translator
from safety_service.photos.processing import PhotoRejected, ProcessedPhoto, process_photo

MAX_EVIDENCE_PHOTOS = 3


@dataclass(frozen=True)
class ActionForm:
    """A transition's form: its fields, its input model and the service function that takes it."""

    fields: tuple[str, ...]
    model: type[BaseModel]
    apply: Callable[..., Any]
    datetimes: tuple[str, ...] = ()


FORMS = {
    Action.confirm: ActionForm(("grade", "category_code", "note"), HazardConfirm, hazards_service.confirm),
    Action.reject: ActionForm(("reason", "duplicate_of"), HazardReject, hazards_service.reject),
    Action.assign: ActionForm(("owner", "measures", "funds", "deadline", "contingency_plan"), HazardAssign,
                              hazards_service.assign, ("deadline",)),
    Action.rectified: ActionForm(("note",), HazardRectified, hazards_service.mark_rectified),
    Action.verify: ActionForm(("passed", "note", "new_deadline"), HazardVerify, hazards_service.verify,
                              ("new_deadline",)),
}


def read(action: Action, form: FormData, t: Translator, timezone: str) -> tuple[Any, dict[str, str], dict]:
    """The action's input model from the form (local times made aware), or the errors by field."""
    spec = FORMS[action]
    typed = forms.fields(form, spec.fields)
    values: dict[str, Any] = dict(typed)
    for name in spec.datetimes:
        values[name] = forms.local_datetime(typed[name], timezone) if typed[name] else ""
    if action == Action.verify and typed["passed"] not in ("true", "false"):
        values["passed"] = ""
    data, errors = forms.build(spec.model, values, t)
    return data, errors, typed


def evidence_photos(form: FormData, settings: Settings, t: Translator) -> tuple[list[ProcessedPhoto], dict[str, str]]:
    """The owner's evidence photos, checked and re-encoded like a report's (at most MAX_EVIDENCE_PHOTOS)."""
    uploads = [u for u in form.getlist("photos") if isinstance(u, UploadFile) and u.filename]
    if len(uploads) > MAX_EVIDENCE_PHOTOS:
        return [], {"photos": t("console.error.too_many_photos", max=MAX_EVIDENCE_PHOTOS)}
    processed = []
    for upload in uploads:
        photo, problem = checked_photo(upload, settings, t)
        if photo is None:
            return [], {"photos": problem}
        processed.append(photo)
    return processed, {}


def checked_photo(upload: UploadFile, settings: Settings, t: Translator) -> tuple[ProcessedPhoto | None, str]:
    """An uploaded photo checked and re-encoded like a report's, or why it was refused."""
    data = upload.file.read(settings.photo_max_bytes + 1)
    try:
        return process_photo(data, max_bytes=settings.photo_max_bytes, max_pixels=settings.photo_max_pixels,
                             max_side=settings.photo_max_side), ""
    except PhotoRejected as exc:
        return None, t(f"error.photo.{exc.problem}", max_mb=settings.photo_max_bytes // (1024 * 1024))
