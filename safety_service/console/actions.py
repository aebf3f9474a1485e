"""The action forms of the detail page: each field a transition needs, read into its input model.

The forms call the same service functions as the API; this module only reads and checks input.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session
from starlette.datastructures import FormData, UploadFile

from safety_service.clock import utc_now
from safety_service.config import Settings
from safety_service.console import forms
from safety_service.hazards import major_service
from safety_service.hazards import service as hazards_service
from safety_service.hazards.major_models import ANALYSIS, PLAN_ELEMENTS
from safety_service.hazards.major_schemas import (
    PlanDecision,
    PlanSubmit,
    ProductionResume,
    ProductionStopInput,
    ReportSend,
    SupervisionAccept,
    SupervisionList,
)
from safety_service.hazards.models import Hazard
from safety_service.hazards.schemas import (
    HazardAssign,
    HazardConfirm,
    HazardExtensionDecision,
    HazardExtensionRequest,
    HazardReassign,
    HazardRectified,
    HazardRegrade,
    HazardReject,
    HazardReopen,
    HazardSelfCheck,
    HazardVerify,
)
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
    Action.confirm: ActionForm(("grade", "category_code", "major_criterion", "library_item", "report_type", "note"),
                               HazardConfirm, hazards_service.confirm),
    Action.reject: ActionForm(("reason", "duplicate_of"), HazardReject, hazards_service.reject),
    Action.assign: ActionForm(("owner", "measures", "funds", "deadline", "contingency_plan"), HazardAssign,
                              hazards_service.assign, ("deadline",)),
    Action.rectified: ActionForm(("note",), HazardRectified, hazards_service.mark_rectified),
    Action.verify: ActionForm(("passed", "note", "new_deadline"), HazardVerify, hazards_service.verify,
                              ("new_deadline",)),
    Action.request_extension: ActionForm(("reason", "new_deadline"), HazardExtensionRequest,
                                         hazards_service.request_extension, ("new_deadline",)),
    Action.decide_extension: ActionForm(("approved", "note"), HazardExtensionDecision,
                                        hazards_service.decide_extension),
    Action.reassign: ActionForm(("owner", "unit", "reason"), HazardReassign, hazards_service.reassign),
    Action.reopen: ActionForm(("reason", "deadline"), HazardReopen, hazards_service.reopen, ("deadline",)),
    Action.self_check: ActionForm(("passed", "note"), HazardSelfCheck, hazards_service.self_check),
    Action.regrade: ActionForm(("grade", "category_code", "major_criterion", "level", "reason"), HazardRegrade,
                               hazards_service.regrade),
    Action.submit_plan: ActionForm((*ANALYSIS, *PLAN_ELEMENTS), PlanSubmit, major_service.submit_plan),
    Action.decide_plan: ActionForm(("approved", "note"), PlanDecision, major_service.decide_plan),
    Action.stop_production: ActionForm(("area", "stopped_at", "people_withdrawn", "ordered_by", "note"),
                                       ProductionStopInput, major_service.stop_production, ("stopped_at",)),
    Action.resume_production: ActionForm(("resumed_at", "accepted_by", "note"), ProductionResume,
                                         major_service.resume_production, ("resumed_at",)),
    Action.send_report: ActionForm(("recipient", "recipient_name", "sent_at", "note"), ReportSend,
                                   major_service.send_report, ("sent_at",)),
    Action.list_supervision: ActionForm(("order_no", "authority", "listed_at"), SupervisionList,
                                        major_service.list_supervision, ("listed_at",)),
    Action.accept_supervision: ActionForm(("accepted_at", "accepted_by", "delisted_at", "note"), SupervisionAccept,
                                          major_service.accept_supervision, ("accepted_at", "delisted_at")),
}
# Radio choices read as true/false; anything else is no choice.
_CHOICES = {Action.verify: "passed", Action.self_check: "passed", Action.decide_extension: "approved",
            Action.decide_plan: "approved"}


def read(action: Action, form: FormData, t: Translator, timezone: str) -> tuple[Any, dict[str, str], dict[str, Any]]:
    """The action's input model from the form (local times made aware), or the errors by field."""
    spec = FORMS[action]
    typed = forms.fields(form, spec.fields)
    values: dict[str, Any] = dict(typed)
    for name in spec.datetimes:
        values[name] = forms.local_datetime(typed[name], timezone) if typed[name] else ""
    if (choice := _CHOICES.get(action)) and typed[choice] not in ("true", "false"):
        values[choice] = ""
    data, errors = forms.build(spec.model, values, t)
    return data, errors, typed


def rule_errors(session: Session, hazard: Hazard, action: Action, typed: dict[str, str], t: Translator,
                timezone: str) -> dict[str, str]:
    """The errors the hazard service's own rules find in the typed values (a past deadline, an unknown
    owner), found even while other fields are wrong, so the form names every error at once."""
    values: dict[str, Any] = dict(typed)
    for name in FORMS[action].datetimes:
        values[name] = forms.aware_datetime(forms.local_datetime(typed[name], timezone)) if typed[name] else None
    errors: dict[str, str] = {}
    for problem in hazards_service.input_problems(session, hazard=hazard, action=action, values=values,
                                                  now=utc_now()):
        errors.update(forms.domain_error(t, problem))
    return errors


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
