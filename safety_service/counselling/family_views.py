"""The family side of a case over the API: contacts, sessions, the signed agreement and its scan."""

from typing import Annotated, Any

from fastapi import APIRouter, File, Response, UploadFile

from safety_service import database
from safety_service.api.answers import answers
from safety_service.api.deps import PathId, SessionDep, SettingsDep
from safety_service.clock import utc_now
from safety_service.counselling import cosupervision, family, pairing, queries
from safety_service.counselling.family_schemas import (
    AgreementPublic,
    AgreementRecord,
    FamilyContactCreate,
    FamilyContactPublic,
    SessionCreate,
    SessionPublic,
)
from safety_service.counselling.views import CaseDep, CaseUser
from safety_service.database import known, saved_id
from safety_service.errors import NotFound
from safety_service.people import service as people_service
from safety_service.people.models import Person, User
from safety_service.photos.processing import process_photo

router = APIRouter(tags=["counselling"])


def _worker(session: SessionDep, employee_no: str, user: User) -> Person:
    person = people_service.get_person(session, employee_no=employee_no)
    if person is None:
        raise NotFound(f"no worker with employee number {employee_no!r}", field="employee_no")
    pairing.require_worker_visible(session, person, user)
    return person


@router.get("/workers/{employee_no}/family-contacts", response_model=list[FamilyContactPublic])
def list_contacts(session: SessionDep, user: CaseUser, employee_no: str) -> list[FamilyContactPublic]:
    """A worker's family contacts."""
    person = _worker(session, employee_no, user)
    return [queries.contact_public(c) for c in family.list_contacts(session, person_id=saved_id(person))]


@router.post("/workers/{employee_no}/family-contacts", response_model=FamilyContactPublic, status_code=201)
def add_contact(session: SessionDep, user: CaseUser, employee_no: str,
                data: FamilyContactCreate) -> FamilyContactPublic:
    """Add a family contact of a worker (relation, name, phone)."""
    worker = _worker(session, employee_no, user)
    contact = family.add_contact(session, person_id=saved_id(worker), data=data, actor=user)
    session.commit()
    return queries.contact_public(contact)


@router.post("/workers/{employee_no}/family-contacts/{contact_id}/withdraw-consent",
             response_model=FamilyContactPublic, responses=answers(404))
def withdraw_consent(session: SessionDep, settings: SettingsDep, user: CaseUser, employee_no: str,
                     contact_id: PathId) -> FamilyContactPublic:
    """The worker withdraws consent to a family member: their phone links close and their messages leave the
    kiosks at once."""
    contact = cosupervision.withdraw_consent(session, person=_worker(session, employee_no, user),
                                             contact_id=contact_id, actor=user, site=settings.site)
    session.commit()
    return queries.contact_public(contact)


@router.get("/cases/{case_id}/sessions", response_model=list[SessionPublic])
def list_sessions(session: SessionDep, user: CaseUser, case: CaseDep) -> list[SessionPublic]:
    """The case's sessions by date; the read is logged."""
    database.restart_for_write(session)
    queries.log_access(session, user=user, case_ids=[saved_id(case)], what="sessions", now=utc_now())
    rows = queries.sessions_public(session, case=case)
    session.commit()
    return rows


@router.post("/cases/{case_id}/sessions", response_model=SessionPublic, status_code=201, responses=answers(409))
def record_session(session: SessionDep, settings: SettingsDep, user: CaseUser, case: CaseDep,
                   data: SessionCreate) -> SessionPublic:
    """Record a session: talk, family visit, family letter, family meeting or study class."""
    row = family.record_session(session, case=case, data=data, actor=user, settings=settings)
    session.commit()
    return SessionPublic(id=saved_id(row), kind=row.kind, held_on=row.held_on, participants=row.participants,
                         counsellor=user.username, note=row.note, created_at=row.created_at)


TITLES = {"agreement": "the signed family agreement (家庭安全帮教责任书)", "guarantee": "the family co-guarantee (家属联保书)"}


def _document_routes(kind: str) -> None:
    """The five routes of a signed document of a case: read, record, attach a scan, the scan, its thumbnail."""
    title, base = TITLES[kind], f"/cases/{{case_id}}/{kind}"

    def read(session: SessionDep, user: CaseUser, case: CaseDep) -> AgreementPublic:
        database.restart_for_write(session)
        queries.log_access(session, user=user, case_ids=[saved_id(case)], what=kind, now=utc_now())
        document = queries.agreement_public(session, case=case, kind=kind)
        if document is None:
            raise NotFound(f"case {case.id} has no {kind} yet", field=kind)
        session.commit()
        return document

    def record(session: SessionDep, user: CaseUser, case: CaseDep, data: AgreementRecord) -> AgreementPublic:
        family.record_agreement(session, case=case, data=data, actor=user, kind=kind)
        document = known(queries.agreement_public(session, case=case, kind=kind))
        session.commit()
        return document

    def attach(session: SessionDep, settings: SettingsDep, user: CaseUser, case: CaseDep,
               photo: Annotated[UploadFile, File(description="JPEG, PNG, WebP or HEIC")]) -> AgreementPublic:
        data = photo.file.read(settings.photo_max_bytes + 1)
        processed = process_photo(data, max_bytes=settings.photo_max_bytes, max_pixels=settings.photo_max_pixels,
                                  max_side=settings.photo_max_side)
        family.attach_scan(session, case=case, photo=processed, actor=user, kind=kind)
        document = known(queries.agreement_public(session, case=case, kind=kind))
        session.commit()
        return document

    def scan(session: SessionDep, user: CaseUser, case: CaseDep) -> Response:
        return _scan(session, user, case, kind, thumbnail=False)

    def thumbnail(session: SessionDep, user: CaseUser, case: CaseDep) -> Response:
        return _scan(session, user, case, kind, thumbnail=True)

    jpeg: dict[int | str, dict[str, Any]] = {200: {"content": {"image/jpeg": {}}}}
    router.add_api_route(base, read, methods=["GET"], response_model=AgreementPublic, name=f"read_{kind}",
                         description=f"Read {title}; the read is logged.")
    router.add_api_route(base, record, methods=["PUT"], response_model=AgreementPublic, responses=answers(409),
                         name=f"record_{kind}", description=f"Record or correct {title}: date, signer, a note.")
    router.add_api_route(f"{base}/scan", attach, methods=["PUT"], response_model=AgreementPublic,
                         name=f"attach_{kind}_scan",
                         description=f"Attach a scan or photo of {title} (a bounded JPEG without metadata).")
    router.add_api_route(f"{base}/scan", scan, methods=["GET"], response_class=Response, responses=jpeg,
                         name=f"{kind}_scan", description=f"The scan of {title} (JPEG); the read is logged.")
    router.add_api_route(f"{base}/scan/thumbnail", thumbnail, methods=["GET"], response_class=Response,
                         responses=jpeg, name=f"{kind}_scan_thumbnail",
                         description=f"The thumbnail of {title}'s scan (JPEG); the read is logged.")


def _scan(session: SessionDep, user: CaseUser, case: CaseDep, kind: str, *, thumbnail: bool) -> Response:
    database.restart_for_write(session)
    data = queries.read_scan(session, case=case, user=user, thumbnail=thumbnail, now=utc_now(), kind=kind)
    session.commit()
    return Response(data, media_type="image/jpeg", headers={"Cache-Control": "private, no-store"})


for _kind in TITLES:
    _document_routes(_kind)
