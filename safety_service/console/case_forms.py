"""The forms of a counselling case's page: one per transition, and the family side's.

Each form is read into the same input model the API takes and handed to the same service
function; this module only reads and checks input.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session
from starlette.datastructures import FormData, UploadFile

from safety_service.config import Settings
from safety_service.console import actions, forms
from safety_service.counselling import family
from safety_service.counselling import service as cases
from safety_service.counselling.models import CounsellingCase
from safety_service.counselling.schemas import (
    AgreementRecord,
    CaseBegin,
    CaseClose,
    CaseObserve,
    CasePlan,
    FamilyContactCreate,
    SessionCreate,
)
from safety_service.i18n import Translator
from safety_service.people.models import User

Apply = Callable[[Session, CounsellingCase, Any, User, Settings], Any]


@dataclass(frozen=True)
class CaseForm:
    """A form of the case page: its fields, its input model and the service call that takes it."""

    fields: tuple[str, ...]
    model: type[BaseModel] | None
    apply: Apply


def _scan(session: Session, case: CounsellingCase, photo: Any, user: User, _settings: Settings) -> Any:
    return family.attach_scan(session, case=case, photo=photo, actor=user)


FORMS: dict[str, CaseForm] = {
    "plan": CaseForm(("plan",), CasePlan,
                     lambda s, c, d, u, st: cases.plan(s, case=c, data=d, actor=u, settings=st)),
    "begin": CaseForm(("note",), CaseBegin, lambda s, c, d, u, _st: cases.begin(s, case=c, data=d, actor=u)),
    "observe": CaseForm(("days", "note"), CaseObserve,
                        lambda s, c, d, u, st: cases.observe(s, case=c, data=d, actor=u, settings=st)),
    "close": CaseForm(("review_note",), CaseClose, lambda s, c, d, u, _st: cases.close(s, case=c, data=d, actor=u)),
    "contacts": CaseForm(("relation", "name", "phone", "note"), FamilyContactCreate,
                         lambda s, c, d, u, _st: family.add_contact(s, person_id=c.person_id, data=d, actor=u)),
    "sessions": CaseForm(("kind", "held_on", "participants", "note"), SessionCreate,
                         lambda s, c, d, u, st: family.record_session(s, case=c, data=d, actor=u, settings=st)),
    "agreement": CaseForm(("signed_on", "family_contact_id", "note"), AgreementRecord,
                          lambda s, c, d, u, _st: family.record_agreement(s, case=c, data=d, actor=u)),
    "scan": CaseForm(("scan",), None, _scan),
}
# What a refusal of the counselling services means, beside the field (or the form) it names.
MESSAGES = {
    "family_contacts": "counselling.error.needs_contact", "agreement": "counselling.error.needs_agreement",
    "sessions": "counselling.error.needs_session", "held_on": "counselling.error.not_future",
    "signed_on": "counselling.error.not_future", "family_contact_id": "counselling.error.signer",
}
_SEPARATORS = re.compile(r"[\n,，、;；]+")


def participants(text: str) -> list[str]:
    """The participants typed one a line or separated by commas (Chinese or Latin)."""
    return [name.strip() for name in _SEPARATORS.split(text) if name.strip()]


def read(name: str, form: FormData, t: Translator, settings: Settings) -> tuple[Any, dict[str, str], dict]:
    """The form's input (a model, or the processed scan), or the errors by field; and what was typed."""
    spec = FORMS[name]
    if spec.model is None:
        return *_photo(form, t, settings), {}
    typed = forms.fields(form, spec.fields)
    values: dict[str, Any] = dict(typed)
    if name == "sessions":
        values["participants"] = participants(typed["participants"]) or ""
    data, errors = forms.build(spec.model, values, t)
    return data, errors, typed


def _photo(form: FormData, t: Translator, settings: Settings) -> tuple[Any, dict[str, str]]:
    upload = form.get("scan")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return None, {"scan": t("console.error.required")}
    photo, problem = actions.checked_photo(upload, settings, t)
    return photo, ({"scan": problem} if photo is None else {})
