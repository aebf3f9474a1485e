"""The family side of a case over the API: contacts, sessions, the signed agreement and its scan."""

from typing import Annotated, Literal

from fastapi import APIRouter, File, Response, UploadFile

from safety_service.api.deps import SessionDep, SettingsDep
from safety_service.clock import utc_now
from safety_service.counselling import family, queries
from safety_service.counselling.schemas import (
    AgreementPublic,
    AgreementRecord,
    FamilyContactCreate,
    FamilyContactPublic,
    SessionCreate,
    SessionPublic,
)
from safety_service.counselling.views import CaseDep, CaseUser
from safety_service.errors import NotFound
from safety_service.people import service as people_service
from safety_service.people.models import Person
from safety_service.photos.processing import process_photo

router = APIRouter(tags=["counselling"])


def _worker(session: SessionDep, employee_no: str) -> Person:
    person = people_service.get_person(session, employee_no=employee_no)
    if person is None:
        raise NotFound(f"no worker with employee number {employee_no!r}", field="employee_no")
    return person


@router.get("/workers/{employee_no}/family-contacts", response_model=list[FamilyContactPublic])
def list_contacts(session: SessionDep, user: CaseUser, employee_no: str) -> list[FamilyContactPublic]:
    """A worker's family contacts."""
    person = _worker(session, employee_no)
    return [queries.contact_public(c) for c in family.list_contacts(session, person_id=person.id)]


@router.post("/workers/{employee_no}/family-contacts", response_model=FamilyContactPublic, status_code=201)
def add_contact(session: SessionDep, user: CaseUser, employee_no: str,
                data: FamilyContactCreate) -> FamilyContactPublic:
    """Add a family contact of a worker (relation, name, phone)."""
    contact = family.add_contact(session, person_id=_worker(session, employee_no).id, data=data, actor=user)
    session.commit()
    return queries.contact_public(contact)


@router.get("/cases/{case_id}/sessions", response_model=list[SessionPublic])
def list_sessions(session: SessionDep, user: CaseUser, case: CaseDep) -> list[SessionPublic]:
    """The case's sessions by date; the read is logged."""
    queries.begin_logged_read(session)
    queries.log_access(session, user=user, case_ids=[case.id], what="sessions", now=utc_now())
    rows = queries.sessions_public(session, case=case)
    session.commit()
    return rows


@router.post("/cases/{case_id}/sessions", response_model=SessionPublic, status_code=201)
def record_session(session: SessionDep, settings: SettingsDep, user: CaseUser, case: CaseDep,
                   data: SessionCreate) -> SessionPublic:
    """Record a session: talk, family visit, family letter, family meeting or study class."""
    row = family.record_session(session, case=case, data=data, actor=user, settings=settings)
    session.commit()
    return SessionPublic(id=row.id, kind=row.kind, held_on=row.held_on, participants=row.participants,
                         counsellor=user.username, note=row.note, created_at=row.created_at)


@router.get("/cases/{case_id}/agreement", response_model=AgreementPublic)
def read_agreement(session: SessionDep, user: CaseUser, case: CaseDep) -> AgreementPublic:
    """The signed family agreement (家庭安全帮教责任书); the read is logged."""
    queries.begin_logged_read(session)
    queries.log_access(session, user=user, case_ids=[case.id], what="agreement", now=utc_now())
    agreement = queries.agreement_public(session, case=case)
    if agreement is None:
        raise NotFound(f"case {case.id} has no agreement yet", field="agreement")
    session.commit()
    return agreement


@router.put("/cases/{case_id}/agreement", response_model=AgreementPublic)
def record_agreement(session: SessionDep, user: CaseUser, case: CaseDep, data: AgreementRecord) -> AgreementPublic:
    """Record or correct the signed agreement: date, the family member who signed, a note."""
    family.record_agreement(session, case=case, data=data, actor=user)
    agreement = queries.agreement_public(session, case=case)
    session.commit()
    return agreement


@router.put("/cases/{case_id}/agreement/scan", response_model=AgreementPublic)
def attach_scan(session: SessionDep, settings: SettingsDep, user: CaseUser, case: CaseDep,
                photo: Annotated[UploadFile, File(description="JPEG, PNG, WebP or HEIC")]) -> AgreementPublic:
    """Attach a scan or photo of the signed agreement (stored as a bounded JPEG without metadata)."""
    data = photo.file.read(settings.photo_max_bytes + 1)
    processed = process_photo(data, max_bytes=settings.photo_max_bytes, max_pixels=settings.photo_max_pixels,
                              max_side=settings.photo_max_side)
    family.attach_scan(session, case=case, photo=processed, actor=user)
    agreement = queries.agreement_public(session, case=case)
    session.commit()
    return agreement


def _scan(session: SessionDep, user: CaseUser, case: CaseDep, part: Literal["scan", "thumbnail"]) -> Response:
    queries.begin_logged_read(session)
    data = queries.read_scan(session, case=case, user=user, thumbnail=part == "thumbnail", now=utc_now())
    session.commit()
    return Response(data, media_type="image/jpeg", headers={"Cache-Control": "private, no-store"})


@router.get("/cases/{case_id}/agreement/scan", response_class=Response,
            responses={200: {"content": {"image/jpeg": {}}}})
def agreement_scan(session: SessionDep, user: CaseUser, case: CaseDep) -> Response:
    """The scan of the signed agreement (JPEG); the read is logged."""
    return _scan(session, user, case, "scan")


@router.get("/cases/{case_id}/agreement/scan/thumbnail", response_class=Response,
            responses={200: {"content": {"image/jpeg": {}}}})
def agreement_scan_thumbnail(session: SessionDep, user: CaseUser, case: CaseDep) -> Response:
    """The scan's thumbnail (JPEG); the read is logged."""
    return _scan(session, user, case, "thumbnail")
