"""Family co-supervisors (家属协管员): their phone links and the family visits and talks they record.

A link is ``{id}.{expires}.{signature}``: the signature is an HMAC, under a key derived from the secret key,
over the id, the expiry and a random nonce kept only in the database. A forged, altered, expired or revoked
link opens nothing, and every answer to a bad link is the same. What the family sees of the case is only what
the worker agreed to share when the link was issued.
"""

import base64
import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlmodel import Session, col, select

from safety_service.clock import as_utc, utc_now
from safety_service.config import Settings
from safety_service.counselling import family, messages, service
from safety_service.counselling.cosupervision_schemas import FamilyLinkCreate, FamilyVisitCreate
from safety_service.counselling.events import append_event
from safety_service.counselling.models import CounsellingCase, FamilyContact, FamilyLink, FamilyVisit
from safety_service.counselling.states import CaseState, SessionKind
from safety_service.database import known, saved_id
from safety_service.errors import AuthenticationFailed, InvalidInput, NotFound
from safety_service.people.models import Person, User
from safety_service.validation import MAX_ROW_ID, whole_number

logger = logging.getLogger(__name__)
SIGNATURE_LENGTH = 32


def _key(settings: Settings) -> bytes:
    return hmac.new(settings.signing_key.encode(), b"safety-family-link", hashlib.sha256).digest()


def _signature(settings: Settings, link_id: int, expires: int, nonce: str) -> str:
    digest = hmac.new(_key(settings), f"family-link:{link_id}.{expires}.{nonce}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode()[:SIGNATURE_LENGTH]


def token(link: FamilyLink, settings: Settings) -> str:
    """The link's token, as printed into the URL sent to the family's phone."""
    expires = int(as_utc(link.expires_at).timestamp())
    return f"{link.id}.{expires}.{_signature(settings, saved_id(link), expires, link.nonce)}"


def consenting_contact(session: Session, *, case: CounsellingCase, contact_id: int) -> FamilyContact:
    """One of the worker's family contacts whose registration the worker agreed to, or InvalidInput."""
    contact = session.get(FamilyContact, contact_id)
    if contact is None or contact.person_id != case.person_id:
        raise InvalidInput("the co-supervisor must be one of the worker's family contacts", field="family_contact_id")
    if contact.worker_consent_at is None:
        raise InvalidInput("the worker's consent to this family member was never recorded", field="family_contact_id")
    return contact


def issue(session: Session, *, case: CounsellingCase, data: FamilyLinkCreate, actor: User, settings: Settings,
          now: datetime | None = None) -> FamilyLink:
    """Issue a co-supervisor's link to one consenting family member of an open case."""
    if case.state == CaseState.closed:
        raise InvalidInput("a closed case takes no new co-supervisor", field="case")
    now = now or utc_now()
    contact = consenting_contact(session, case=case, contact_id=data.family_contact_id)
    expires = (now + timedelta(days=data.days or settings.family_link_days)).replace(microsecond=0)
    link = FamilyLink(case_id=saved_id(case), family_contact_id=saved_id(contact), nonce=secrets.token_urlsafe(24),
                      share_stage=data.share_stage, share_plan=data.share_plan, share_sessions=data.share_sessions,
                      issued_by_id=saved_id(actor), issued_at=now, expires_at=expires)
    session.add(link)
    session.flush()
    append_event(session, case, action="family_link_issued", actor=actor, now=now, data={
        "link_id": link.id, "family_contact_id": contact.id, "expires_at": expires.isoformat(),
        "shares": shares(link)})
    logger.info("family link issued", extra={"case_id": case.id, "link_id": link.id, "by": actor.username})
    return link


def shares(link: FamilyLink) -> list[str]:
    """What the worker agreed to share through this link."""
    return [name for name in ("stage", "plan", "sessions") if getattr(link, f"share_{name}")]


def revoke(session: Session, *, case: CounsellingCase, link_id: int, actor: User,
           now: datetime | None = None) -> FamilyLink:
    """Revoke a link at once (revoking twice changes nothing)."""
    link = session.get(FamilyLink, link_id)
    if link is None or link.case_id != case.id:
        raise NotFound(f"case {case.id} has no family link {link_id}", field="link_id")
    if link.revoked_at is None:
        now = now or utc_now()
        link.revoked_at, link.revoked_by_id = now, actor.id
        session.add(link)
        append_event(session, case, action="family_link_revoked", actor=actor, now=now, data={"link_id": link.id})
    return link


def list_links(session: Session, *, case: CounsellingCase) -> list[tuple[FamilyLink, FamilyContact]]:
    """The case's links, newest first, with their family member."""
    query = (select(FamilyLink, FamilyContact).join(FamilyContact, col(FamilyContact.id) == FamilyLink.family_contact_id)
             .where(FamilyLink.case_id == case.id).order_by(col(FamilyLink.id).desc()))
    return list(session.exec(query).all())


def open_link(session: Session, *, text: str, settings: Settings, now: datetime | None = None) -> FamilyLink:
    """The link this token names if it is genuine, unexpired and not revoked; else AuthenticationFailed."""
    link = _genuine(session, text, settings)
    if link is None or link.revoked_at is not None or as_utc(link.expires_at) <= (now or utc_now()) \
            or known(session.get(FamilyContact, link.family_contact_id)).worker_consent_at is None:
        raise AuthenticationFailed("this family link is not valid (forged, expired or revoked)", field="token")
    return link


def _genuine(session: Session, text: str, settings: Settings) -> FamilyLink | None:
    parts = text.split(".")
    # ASCII digits only, and few of them: "²".isdigit() is true yet int("²") raises, as int() of 5,000 digits does.
    if len(parts) != 3:
        return None
    link_id, expires = whole_number(parts[0], high=MAX_ROW_ID), whole_number(parts[1], high=2**63 - 1)
    link = session.get(FamilyLink, link_id) if link_id is not None and expires is not None else None
    if link is None or expires != int(as_utc(link.expires_at).timestamp()):
        return None
    return link if hmac.compare_digest(_signature(settings, saved_id(link), expires, link.nonce).encode(),
                                       parts[2].encode()) else None


def record_visit(session: Session, *, link: FamilyLink, data: FamilyVisitCreate, today: date,
                 now: datetime | None = None) -> FamilyVisit:
    """The co-supervisor records a family visit or talk (not in the future) while the case is under way."""
    case = known(session.get(CounsellingCase, link.case_id))
    if case.state not in family.SESSION_STATES:
        raise InvalidInput("this case takes no family visits now", field="case")
    if data.held_on > today:
        raise InvalidInput("a visit cannot be recorded before it happened", field="held_on")
    now = now or utc_now()
    visit = FamilyVisit(case_id=saved_id(case), link_id=saved_id(link), family_contact_id=link.family_contact_id,
                        kind=data.kind, held_on=data.held_on, note=data.note, created_at=now)
    session.add(visit)
    session.flush()
    case.updated_at = now
    session.add(case)
    append_event(session, case, action="family_visit_recorded", actor=None, now=now, data={
        "visit_id": visit.id, "family_contact_id": link.family_contact_id, "held_on": data.held_on.isoformat(),
        "visit_kind": str(data.kind)})
    return visit


def list_visits(session: Session, *, case_id: int) -> list[tuple[FamilyVisit, FamilyContact]]:
    """The family's visits and talks of a case, newest first, with who recorded each."""
    query = (select(FamilyVisit, FamilyContact).join(FamilyContact, col(FamilyContact.id) == FamilyVisit.family_contact_id)
             .where(FamilyVisit.case_id == case_id).order_by(col(FamilyVisit.held_on).desc(), col(FamilyVisit.id).desc()))
    return list(session.exec(query).all())


@dataclass
class FamilyView:
    """What the co-supervisor's phone page shows: only what the worker agreed to share."""

    worker_name: str
    contact: FamilyContact
    expires_at: datetime
    open: bool
    state: CaseState | None = None
    observation_ends_at: datetime | None = None
    plan: str | None = None
    sessions: list[tuple[date, SessionKind]] | None = None
    visits: list[FamilyVisit] = field(default_factory=list)


def view(session: Session, *, link: FamilyLink) -> FamilyView:
    """The case as this link may see it."""
    case = known(session.get(CounsellingCase, link.case_id))
    seen = FamilyView(worker_name=known(session.get(Person, case.person_id)).name,
                      contact=known(session.get(FamilyContact, link.family_contact_id)), expires_at=link.expires_at,
                      open=case.state in family.SESSION_STATES,
                      visits=[v for v, _ in list_visits(session, case_id=saved_id(case)) if v.link_id == link.id])
    if link.share_stage:
        seen.state, seen.observation_ends_at = CaseState(case.state), case.observation_ends_at
    if link.share_plan:
        seen.plan = case.plan
    if link.share_sessions:
        seen.sessions = [(s.held_on, SessionKind(s.kind)) for s, _ in family.list_sessions(session, case=case)]
    return seen


def withdraw_consent(session: Session, *, person: Person, contact_id: int, actor: User, site: str,
                     now: datetime | None = None, case: CounsellingCase | None = None) -> FamilyContact:
    """The worker withdraws consent to a family member: their links stop opening at once and their messages
    leave the kiosks (withdrawing twice changes nothing; consent is given again by registering them anew).

    The withdrawal is an event in the history of the case it was made from (``case``), of the worker's open
    case and of every case whose link it closed."""
    contact = session.get(FamilyContact, contact_id)
    if contact is None or contact.person_id != person.id:
        raise NotFound(f"worker {person.employee_no} has no family contact {contact_id}", field="contact_id")
    if contact.worker_consent_at is None:
        return contact
    now = now or utc_now()
    contact.worker_consent_at = None
    session.add(contact)
    links = session.exec(select(FamilyLink).where(FamilyLink.family_contact_id == contact.id,
                                                  col(FamilyLink.revoked_at).is_(None))).all()
    for link in links:
        revoke(session, case=known(session.get(CounsellingCase, link.case_id)), link_id=saved_id(link), actor=actor,
               now=now)
    messages.withdraw_all_of(session, contact_id=saved_id(contact), actor=actor, site=site, now=now)
    open_case = service.active_case(session, person_id=saved_id(person))
    touched = {saved_id(c): c for c in (case, open_case, *(session.get(CounsellingCase, link.case_id) for link in links))
               if c is not None}
    for touched_case in sorted(touched.values(), key=saved_id):
        append_event(session, touched_case, action="family_consent_withdrawn", actor=actor, now=now, data={
            "family_contact_id": saved_id(contact), "links_revoked": [saved_id(link) for link in links
                                                                      if link.case_id == touched_case.id]})
    session.flush()
    logger.info("worker withdrew consent to a family member", extra={"contact_id": contact.id, "by": actor.username})
    return contact
