"""The family side of a case: contacts, sessions and the signed agreement (家庭安全帮教责任书)."""

import logging
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from safety_service.clock import utc_now
from safety_service.config import Settings
from safety_service.counselling.events import append_event
from safety_service.counselling.models import CounsellingCase, CounsellingSession, FamilyAgreement, FamilyContact
from safety_service.counselling.schemas import AgreementRecord, FamilyContactCreate, SessionCreate
from safety_service.counselling.states import CaseState, actions_from
from safety_service.errors import InvalidInput, InvalidTransition, NotFound
from safety_service.people.models import User
from safety_service.photos.processing import ProcessedPhoto

logger = logging.getLogger(__name__)
SESSION_STATES = (CaseState.planned, CaseState.counselling, CaseState.observation)


def add_contact(session: Session, *, person_id: int, data: FamilyContactCreate, actor: User,
                now: datetime | None = None) -> FamilyContact:
    """Add a family contact of a worker."""
    contact = FamilyContact(person_id=person_id, relation=data.relation, name=data.name, phone=data.phone,
                            note=data.note, created_by_id=actor.id, created_at=now or utc_now())
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
                                allowed=[str(a) for a in actions_from(CaseState(case.state))])


def record_session(session: Session, *, case: CounsellingCase, data: SessionCreate, actor: User,
                   settings: Settings, now: datetime | None = None) -> CounsellingSession:
    """Record a session of a planned, counselling or observed case; the next one falls due an interval later."""
    _not_closed(case, "sessions", SESSION_STATES)
    now = now or utc_now()
    if data.held_on > (now + timedelta(days=1)).date():
        raise InvalidInput("a session cannot be recorded before it was held", field="held_on")
    row = CounsellingSession(case_id=case.id, kind=data.kind, held_on=data.held_on, participants=data.participants,
                             counsellor_id=actor.id, note=data.note, created_at=now)
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


def get_agreement(session: Session, *, case: CounsellingCase) -> FamilyAgreement | None:
    """The case's signed agreement, if recorded."""
    return session.exec(select(FamilyAgreement).where(FamilyAgreement.case_id == case.id)).first()


def record_agreement(session: Session, *, case: CounsellingCase, data: AgreementRecord, actor: User,
                     now: datetime | None = None) -> FamilyAgreement:
    """Record (or correct) the signed agreement of an open case; the signer is one of the worker's contacts."""
    _not_closed(case, "agreement", (CaseState.opened, *SESSION_STATES))
    now = now or utc_now()
    contact = session.get(FamilyContact, data.family_contact_id)
    if contact is None or contact.person_id != case.person_id:
        raise InvalidInput("the signer must be one of the worker's family contacts", field="family_contact_id")
    if data.signed_on > (now + timedelta(days=1)).date():
        raise InvalidInput("the agreement cannot be signed in the future", field="signed_on")
    agreement = get_agreement(session, case=case)
    action = "agreement_updated" if agreement else "agreement_recorded"
    agreement = agreement or FamilyAgreement(case_id=case.id, signed_on=data.signed_on,
                                             family_contact_id=contact.id, recorded_by_id=actor.id)
    agreement.signed_on, agreement.family_contact_id, agreement.note = data.signed_on, contact.id, data.note
    agreement.recorded_by_id, agreement.recorded_at = actor.id, now
    session.add(agreement)
    session.flush()
    append_event(session, case, action=action, actor=actor, now=now,
                       data={"signed_on": data.signed_on.isoformat(), "family_contact_id": contact.id})
    return agreement


def attach_scan(session: Session, *, case: CounsellingCase, photo: ProcessedPhoto, actor: User,
                now: datetime | None = None) -> FamilyAgreement:
    """Attach the scan or photo of the signed agreement (a processed, metadata-free JPEG)."""
    agreement = get_agreement(session, case=case)
    if agreement is None:
        raise InvalidInput("record the agreement before attaching its scan", field="agreement")
    agreement.scan, agreement.scan_thumbnail = photo.image, photo.thumbnail
    agreement.scan_width, agreement.scan_height = photo.width, photo.height
    session.add(agreement)
    append_event(session, case, action="agreement_scan_attached", actor=actor, now=now or utc_now(),
                       data={"bytes": len(photo.image), "width": photo.width, "height": photo.height})
    return agreement


def get_scan(session: Session, *, case: CounsellingCase, thumbnail: bool = False) -> bytes:
    """The agreement's scan (or its thumbnail), or NotFound."""
    agreement = get_agreement(session, case=case)
    data = None if agreement is None else (agreement.scan_thumbnail if thumbnail else agreement.scan)
    if data is None:
        raise NotFound(f"case {case.id} has no agreement scan", field="agreement")
    return data
