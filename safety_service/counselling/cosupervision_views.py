"""Family co-supervisors over the API: their phone links (issue, list, revoke), the visits they recorded, and
the family messages (亲情寄语) a counsellor lets show on the kiosks or withdraws."""

from fastapi import APIRouter, Response
from sqlmodel import Session

from safety_service import database
from safety_service.api.answers import answers
from safety_service.api.deps import PathId, SessionDep, SettingsDep
from safety_service.clock import utc_now
from safety_service.config import Settings
from safety_service.counselling import cosupervision, messages, queries
from safety_service.counselling.cosupervision_schemas import (
    FamilyLinkCreate,
    FamilyLinkPublic,
    FamilyMessagePublic,
    FamilyVisitPublic,
)
from safety_service.counselling.models import CounsellingCase, FamilyContact, FamilyLink, FamilyMessage, FamilyVisit
from safety_service.counselling.views import CaseDep, CaseUser
from safety_service.database import known, saved_id
from safety_service.people.models import User

router = APIRouter(tags=["counselling"])


def link_public(session: Session, link: FamilyLink, contact: FamilyContact, settings: Settings) -> FamilyLinkPublic:
    """What the API and the console say about a link; its URL only while it can still be used."""
    usable = link.revoked_at is None and link.expires_at > utc_now()
    return FamilyLinkPublic(
        id=saved_id(link), family_contact=queries.contact_public(contact), shares=cosupervision.shares(link),
        issued_by=known(session.get(User, link.issued_by_id)).username, issued_at=link.issued_at,
        expires_at=link.expires_at, revoked_at=link.revoked_at,
        url=f"{settings.base_url}/f/{cosupervision.token(link, settings)}" if usable else None)


def visit_public(visit: FamilyVisit, contact: FamilyContact) -> FamilyVisitPublic:
    """A family visit as the API shows it."""
    return FamilyVisitPublic(id=saved_id(visit), kind=visit.kind, held_on=visit.held_on, note=visit.note,
                             family_member=contact.name, relation=contact.relation, created_at=visit.created_at)


@router.get("/cases/{case_id}/family-links", response_model=list[FamilyLinkPublic])
def list_links(session: SessionDep, settings: SettingsDep, user: CaseUser, case: CaseDep) -> list[FamilyLinkPublic]:
    """The co-supervisors' links of the case, newest first; the read is logged."""
    database.restart_for_write(session)
    queries.log_access(session, user=user, case_ids=[saved_id(case)], what="family_links", now=utc_now())
    links = [link_public(session, link, contact, settings) for link, contact in
             cosupervision.list_links(session, case=case)]
    session.commit()
    return links


@router.post("/cases/{case_id}/family-links", response_model=FamilyLinkPublic, status_code=201)
def issue_link(session: SessionDep, settings: SettingsDep, user: CaseUser, case: CaseDep,
               data: FamilyLinkCreate) -> FamilyLinkPublic:
    """Issue a family co-supervisor (家属协管员) a phone link: what they see is what the worker agreed to share."""
    link = cosupervision.issue(session, case=case, data=data, actor=user, settings=settings)
    public = link_public(session, link, known(session.get(FamilyContact, link.family_contact_id)), settings)
    session.commit()
    return public


@router.post("/cases/{case_id}/family-links/{link_id}/revoke", response_model=FamilyLinkPublic,
             responses=answers(404))
def revoke_link(session: SessionDep, settings: SettingsDep, user: CaseUser, case: CaseDep,
                link_id: PathId) -> FamilyLinkPublic:
    """Revoke a co-supervisor's link at once."""
    link = cosupervision.revoke(session, case=case, link_id=link_id, actor=user)
    public = link_public(session, link, known(session.get(FamilyContact, link.family_contact_id)), settings)
    session.commit()
    return public


@router.get("/cases/{case_id}/family-visits", response_model=list[FamilyVisitPublic])
def list_visits(session: SessionDep, user: CaseUser, case: CaseDep) -> list[FamilyVisitPublic]:
    """The family visits and talks the co-supervisors recorded, newest first; the read is logged."""
    database.restart_for_write(session)
    queries.log_access(session, user=user, case_ids=[saved_id(case)], what="family_visits", now=utc_now())
    visits = [visit_public(v, c) for v, c in cosupervision.list_visits(session, case_id=saved_id(case))]
    session.commit()
    return visits


def message_public(session: Session, message: FamilyMessage, contact: FamilyContact) -> FamilyMessagePublic:
    """A family message as the API shows it."""
    reviewer = session.get(User, message.reviewed_by_id) if message.reviewed_by_id else None
    photo = f"/api/v1/cases/{message.case_id}/family-messages/{message.id}/photo" if message.photo else None
    return FamilyMessagePublic(id=saved_id(message), text=message.text, signature=message.signature,
                               kiosk_consent=message.kiosk_consent, state=message.state, family_member=contact.name,
                               created_at=message.created_at, reviewed_by=reviewer.username if reviewer else None,
                               photo_url=photo)


@router.get("/cases/{case_id}/family-messages", response_model=list[FamilyMessagePublic])
def list_messages(session: SessionDep, user: CaseUser, case: CaseDep) -> list[FamilyMessagePublic]:
    """The family's messages (亲情寄语) of the case, newest first; the read is logged."""
    database.restart_for_write(session)
    queries.log_access(session, user=user, case_ids=[saved_id(case)], what="family_messages", now=utc_now())
    found = [message_public(session, m, c) for m, c in messages.list_messages(session, case_id=saved_id(case))]
    session.commit()
    return found


def _review(session: Session, settings: Settings, user: User, case: CounsellingCase, message_id: int,
            show: bool) -> FamilyMessagePublic:
    message = messages.review(session, case=case, message_id=message_id, show=show, actor=user, site=settings.site)
    public = message_public(session, message, known(session.get(FamilyContact, message.family_contact_id)))
    session.commit()
    return public


@router.post("/cases/{case_id}/family-messages/{message_id}/show", response_model=FamilyMessagePublic,
             responses=answers(404))
def show_message(session: SessionDep, settings: SettingsDep, user: CaseUser, case: CaseDep,
                 message_id: PathId) -> FamilyMessagePublic:
    """Let a message show on the kiosks' idle rotation (only when the family consented to it)."""
    return _review(session, settings, user, case, message_id, show=True)


@router.post("/cases/{case_id}/family-messages/{message_id}/withdraw", response_model=FamilyMessagePublic,
             responses=answers(404))
def withdraw_message(session: SessionDep, settings: SettingsDep, user: CaseUser, case: CaseDep,
                     message_id: PathId) -> FamilyMessagePublic:
    """Withdraw a message: off the kiosks at the next publish, which is now."""
    return _review(session, settings, user, case, message_id, show=False)


def message_photo(session: Session, user: User, case: CounsellingCase, message_id: int, *, thumbnail: bool) -> Response:
    """A message's photo as JPEG; the read is logged."""
    database.restart_for_write(session)
    data = messages.photo(session, case=case, message_id=message_id, thumbnail=thumbnail)
    queries.log_access(session, user=user, case_ids=[saved_id(case)], what="family_photo", now=utc_now())
    session.commit()
    return Response(data, media_type="image/jpeg", headers={"Cache-Control": "private, no-store"})


@router.get("/cases/{case_id}/family-messages/{message_id}/photo", response_class=Response,
            responses={200: {"content": {"image/jpeg": {}}}, **answers(404)})
def read_message_photo(session: SessionDep, user: CaseUser, case: CaseDep, message_id: PathId) -> Response:
    """A family message's photo (JPEG); the read is logged."""
    return message_photo(session, user, case, message_id, thumbnail=False)


@router.get("/cases/{case_id}/family-messages/{message_id}/photo/thumbnail", response_class=Response,
            responses={200: {"content": {"image/jpeg": {}}}, **answers(404)})
def read_message_thumbnail(session: SessionDep, user: CaseUser, case: CaseDep, message_id: PathId) -> Response:
    """A family message's photo thumbnail (JPEG); the read is logged."""
    return message_photo(session, user, case, message_id, thumbnail=True)
