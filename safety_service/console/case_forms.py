"""The forms of a counselling case's page: one per transition, and the family side's.

Each form is read into the same input model the API takes and handed to the same service
function; this module only reads and checks input.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel
from sqlmodel import Session
from starlette.datastructures import FormData, UploadFile

from safety_service.clock import local_today, utc_now
from safety_service.config import Settings
from safety_service.console import actions, forms
from safety_service.counselling import cosupervision, family, messages, pairing
from safety_service.counselling import service as cases
from safety_service.counselling.cosupervision_schemas import FamilyLinkCreate
from safety_service.counselling.family_schemas import AgreementRecord, FamilyContactCreate, SessionCreate
from safety_service.counselling.models import CounsellingCase
from safety_service.counselling.schemas import CaseBegin, CaseClose, CaseObserve, CasePair, CasePlan, CaseReferral
from safety_service.database import known
from safety_service.i18n import Translator
from safety_service.people.models import Person, User
from safety_service.validation import MAX_ROW_ID, RowId, whole_number

Apply = Callable[[Session, CounsellingCase, Any, User, Settings], Any]


class Chosen(BaseModel):
    """The row a button acts on (a co-supervisor's link, a family message)."""

    id: RowId


def _asked(value: bool) -> bool:
    if not value:
        raise ValueError("tick that the worker asked to withdraw consent")
    return value


class ConsentWithdrawal(BaseModel):
    """Withdrawing the worker's consent to one family member, confirmed by ticking that the worker asked."""

    id: RowId
    confirmed: Annotated[bool, AfterValidator(_asked)]


def _withdraw_consent(session: Session, case: CounsellingCase, data: ConsentWithdrawal, user: User,
                      settings: Settings) -> Any:
    """The same call as the API's, for whoever may see the worker's family (not only this case)."""
    worker = known(session.get(Person, case.person_id))  # the case's foreign key
    pairing.require_worker_visible(session, worker, user)
    return cosupervision.withdraw_consent(session, person=worker, contact_id=data.id, actor=user, site=settings.site,
                                          case=case)


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
    "contacts": CaseForm(("relation", "name", "phone", "note", "worker_consent"), FamilyContactCreate,
                         lambda s, c, d, u, _st: family.add_contact(s, person_id=c.person_id, data=d, actor=u)),
    "sessions": CaseForm(("kind", "held_on", "participants", "note"), SessionCreate,
                         lambda s, c, d, u, st: family.record_session(s, case=c, data=d, actor=u, settings=st)),
    "agreement": CaseForm(("signed_on", "family_contact_id", "note"), AgreementRecord,
                          lambda s, c, d, u, _st: family.record_agreement(s, case=c, data=d, actor=u)),
    "scan": CaseForm(("scan",), None, _scan),
    "guarantee": CaseForm(("signed_on", "family_contact_id", "note"), AgreementRecord,
                          lambda s, c, d, u, _st: family.record_agreement(s, case=c, data=d, actor=u, kind="guarantee")),
    "guarantee_scan": CaseForm(("scan",), None, lambda s, c, p, u, _st: family.attach_scan(
        s, case=c, photo=p, actor=u, kind="guarantee")),
    "link": CaseForm(("family_contact_id", "days", "share_stage", "share_plan", "share_sessions"), FamilyLinkCreate,
                     lambda s, c, d, u, st: cosupervision.issue(s, case=c, data=d, actor=u, settings=st)),
    "revoke_link": CaseForm(("id",), Chosen,
                            lambda s, c, d, u, _st: cosupervision.revoke(s, case=c, link_id=d.id, actor=u)),
    "withdraw_consent": CaseForm(("id", "confirmed"), ConsentWithdrawal, _withdraw_consent),
    "show_message": CaseForm(("id",), Chosen, lambda s, c, d, u, st: messages.review(
        s, case=c, message_id=d.id, show=True, actor=u, site=st.site)),
    "withdraw_message": CaseForm(("id",), Chosen, lambda s, c, d, u, st: messages.review(
        s, case=c, message_id=d.id, show=False, actor=u, site=st.site)),
    "pair": CaseForm(("counsellor", "mentor_employee_no", "mentor_role"), CasePair,
                     lambda s, c, d, u, _st: pairing.pair(s, case=c, data=d, actor=u)),
    "referral": CaseForm(("referred_on",), CaseReferral,
                         lambda s, c, d, u, st: pairing.refer(s, case=c, data=d, actor=u, today=local_today(st.timezone))),
}
# What a refusal of the counselling services means, beside the field (or the form) it names.
MESSAGES = {
    "family_contacts": "counselling.error.needs_contact", "agreement": "counselling.error.needs_agreement",
    "sessions": "counselling.error.needs_session", "held_on": "counselling.error.not_future",
    "signed_on": "counselling.error.not_future", "family_contact_id": "counselling.error.signer",
    "referred_on": "counselling.error.not_future", "counsellor": "family.error.counsellor",
    "mentor_employee_no": "family.error.mentor", "message_id": "family.error.message",
    "guarantee": "family.error.needs_guarantee", "case": "family.error.case_closed", "link_id": "console.error.invalid",
    "contact_id": "family.error.contact",
}
_SEPARATORS = re.compile(r"[\n,，、;；]+")


def participants(text: str) -> list[str]:
    """The participants typed one a line or separated by commas (Chinese or Latin)."""
    return [name.strip() for name in _SEPARATORS.split(text) if name.strip()]


def read(name: str, form: FormData, t: Translator, settings: Settings) -> tuple[Any, dict[str, str], dict[str, Any]]:
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


def rule_errors(session: Session, case: CounsellingCase, name: str, typed: dict[str, str], errors: dict[str, str],
                t: Translator) -> dict[str, str]:
    """The form's errors and, beside them, what the services' own rules refuse of the typed values or what
    the case still lacks (a day ahead, a signer not of the family, no contact yet): every error at once."""
    spec = FORMS[name]
    values = {"held_on": forms.day(typed.get("held_on", "")), "signed_on": forms.day(typed.get("signed_on", "")),
              "family_contact_id": whole_number(typed.get("family_contact_id"), high=MAX_ROW_ID)}
    problems = [*cases.input_problems(session, case=case, action=name), *family.input_problems(
        session, case=case, values={k: v for k, v in values.items() if k in spec.fields}, now=utc_now())]
    found = forms.with_rules(t, errors, problems, MESSAGES)
    return {(field if field in spec.fields else "form"): message for field, message in found.items()}


def _photo(form: FormData, t: Translator, settings: Settings) -> tuple[Any, dict[str, str]]:
    upload = form.get("scan")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return None, {"scan": t("console.error.required")}
    photo, problem = actions.checked_photo(upload, settings, t)
    return photo, ({"scan": problem} if photo is None else {})
