"""The family side of a case: contacts, sessions and the signed agreement (家庭安全帮教责任书)."""

import logging
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from safety_service.clock import utc_now
from safety_service.config import Settings
from safety_service.counselling.events import append_event
from safety_service.counselling.family_schemas import AgreementRecord, FamilyContactCreate, SessionCreate
from safety_service.counselling.models import (
    CounsellingCase,
    CounsellingSession,
    FamilyAgreement,
    FamilyContact,
    FamilyGuarantee,
    SignedDocument,
)
from safety_service.counselling.states import CaseState
from safety_service.counselling.workflow import WORKFLOW
from safety_service.database import saved_id
from safety_service.errors import DomainError, InvalidInput, InvalidTransition, NotFound
from safety_service.people.models import User
from safety_service.photos.processing import ProcessedPhoto
from safety_service.validation import broken_rules

logger = logging.getLogger(__name__)
SESSION_STATES = (CaseState.planned, CaseState.counselling, CaseState.observation)


def add_contact(session: Session, *, person_id: int, data: FamilyContactCreate, actor: User,
                now: datetime | None = None) -> FamilyContact:
    """Register a family member of a worker, which the worker has agreed to (the input says so); the time is kept."""
    now = now or utc_now()
    contact = FamilyContact(person_id=person_id, relation=data.relation, name=data.name, phone=data.phone,
                            note=data.note, created_by_id=saved_id(actor), created_at=now,
                            worker_consent_at=now)
    session.add(contact)
    session.flush()
    return contact


def list_contacts(session: Session, *, person_id: int) -> list[FamilyContact]:
    """The worker's family contacts, oldest first."""
    query = select(FamilyContact).where(FamilyContact.person_id == person_id).order_by(col(FamilyContact.id))
    return list(session.exec(query).all())


def _not_closed(case: CounsellingCase, what: str, states: tuple[CaseState, ...]) -> None:
    if case.state not in states:
        raise InvalidTransition(f"a case in state '{case.state}' takes no {what}", state=str(case.state),
                                allowed=[str(a) for a in WORKFLOW.actions_from(case.state)])


def input_problems(session: Session, *, case: CounsellingCase, values: dict[str, Any],
                   now: datetime) -> list[DomainError]:
    """Every rule of a session or agreement the given values break (dates as dates, the signer as a number),
    each checked alone: a day ahead of today, a signer who is not the worker's contact."""
    return broken_rules({"held_on": lambda day: _not_ahead(day, now, "held_on"),
                         "signed_on": lambda day: _not_ahead(day, now, "signed_on"),
                         "family_contact_id": lambda contact_id: _signer(session, case, contact_id)}, values)


def _not_ahead(day: date, now: datetime, field: str) -> None:
    """A day in the past or today (a day's grace: the office's date may already be tomorrow's)."""
    if day > (now + timedelta(days=1)).date():
        raise InvalidInput(f"the {field.replace('_', ' ')} cannot be in the future", field=field)


def _signer(session: Session, case: CounsellingCase, contact_id: int) -> FamilyContact:
    contact = session.get(FamilyContact, contact_id)
    if contact is None or contact.person_id != case.person_id:
        raise InvalidInput("the signer must be one of the worker's family contacts", field="family_contact_id")
    return contact


def record_session(session: Session, *, case: CounsellingCase, data: SessionCreate, actor: User,
                   settings: Settings, now: datetime | None = None) -> CounsellingSession:
    """Record a session of a planned, counselling or observed case; the next one falls due an interval later."""
    _not_closed(case, "sessions", SESSION_STATES)
    now = now or utc_now()
    _not_ahead(data.held_on, now, "held_on")
    row = CounsellingSession(case_id=saved_id(case), kind=data.kind, held_on=data.held_on,
                             participants=data.participants, counsellor_id=saved_id(actor), note=data.note,
                             created_at=now)
    session.add(row)
    session.flush()
    if case.state != CaseState.observation:
        schedule_next_session(case, now=now, settings=settings)
    case.updated_at = now
    session.add(case)
    append_event(session, case, action="session_recorded", actor=actor, now=now,
                       data={"session_id": row.id, "kind": str(data.kind), "held_on": data.held_on.isoformat()})
    return row


def schedule_next_session(case: CounsellingCase, *, now: datetime, settings: Settings) -> None:
    """The next session falls due one interval after now (the last session or the plan)."""
    case.next_session_due_at = now + timedelta(days=settings.counselling_session_interval_days)


def list_sessions(session: Session, *, case: CounsellingCase) -> list[tuple[CounsellingSession, User]]:
    """The case's sessions by date, with who held each."""
    query = (select(CounsellingSession, User).join(User, col(User.id) == CounsellingSession.counsellor_id)
             .where(CounsellingSession.case_id == case.id)
             .order_by(col(CounsellingSession.held_on), col(CounsellingSession.id)))
    return list(session.exec(query).all())


# The documents a family signs for a case: the agreement (家庭安全帮教责任书) and the co-guarantee (家属联保书).
DOCUMENTS: dict[str, type[SignedDocument]] = {"agreement": FamilyAgreement, "guarantee": FamilyGuarantee}


def get_agreement(session: Session, *, case: CounsellingCase, kind: str = "agreement") -> SignedDocument | None:
    """The case's signed document of this kind, if recorded."""
    model = DOCUMENTS[kind]
    return session.exec(select(model).where(model.case_id == case.id)).first()


def record_agreement(session: Session, *, case: CounsellingCase, data: AgreementRecord, actor: User,
                     now: datetime | None = None, kind: str = "agreement") -> SignedDocument:
    """Record (or correct) a signed document of an open case; the signer is one of the worker's contacts."""
    _not_closed(case, kind, (CaseState.opened, *SESSION_STATES))
    now = now or utc_now()
    contact = _signer(session, case, data.family_contact_id)
    _not_ahead(data.signed_on, now, "signed_on")
    document = get_agreement(session, case=case, kind=kind)
    action = f"{kind}_updated" if document else f"{kind}_recorded"
    document = document or DOCUMENTS[kind](case_id=saved_id(case), signed_on=data.signed_on,
                                           family_contact_id=saved_id(contact), recorded_by_id=saved_id(actor))
    document.signed_on, document.family_contact_id, document.note = data.signed_on, saved_id(contact), data.note
    document.recorded_by_id, document.recorded_at = saved_id(actor), now
    session.add(document)
    session.flush()
    append_event(session, case, action=action, actor=actor, now=now,
                 data={"signed_on": data.signed_on.isoformat(), "family_contact_id": contact.id})
    return document


def attach_scan(session: Session, *, case: CounsellingCase, photo: ProcessedPhoto, actor: User,
                now: datetime | None = None, kind: str = "agreement") -> SignedDocument:
    """Attach the scan or photo of a signed document (a processed, metadata-free JPEG)."""
    document = get_agreement(session, case=case, kind=kind)
    if document is None:
        raise InvalidInput(f"record the {kind} before attaching its scan", field=kind)
    document.scan, document.scan_thumbnail = photo.image, photo.thumbnail
    document.scan_width, document.scan_height = photo.width, photo.height
    session.add(document)
    append_event(session, case, action=f"{kind}_scan_attached", actor=actor, now=now or utc_now(),
                 data={"bytes": len(photo.image), "width": photo.width, "height": photo.height})
    return document


def get_scan(session: Session, *, case: CounsellingCase, thumbnail: bool = False, kind: str = "agreement") -> bytes:
    """A signed document's scan (or its thumbnail), or NotFound."""
    document = get_agreement(session, case=case, kind=kind)
    data = None if document is None else (document.scan_thumbnail if thumbnail else document.scan)
    if data is None:
        raise NotFound(f"case {case.id} has no {kind} scan", field=kind)
    return data
