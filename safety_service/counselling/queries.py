"""Reading cases: the list, the detail with its timeline, and the access log every read leaves."""

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, func, select

from safety_service.counselling import family, pairing, violations
from safety_service.counselling import service as cases
from safety_service.counselling.family_schemas import AgreementPublic, FamilyContactPublic, SessionPublic
from safety_service.counselling.models import CaseAccess, CounsellingCase, FamilyContact, SignedDocument
from safety_service.counselling.schemas import CaseEventPublic, CasePublic, CasesPublic, CaseSummary
from safety_service.counselling.states import CaseState, ladder_steps
from safety_service.database import known, saved_id
from safety_service.people.models import Person, User

logger = logging.getLogger(__name__)


def log_access(session: Session, *, user: User, case_ids: Iterable[int], what: str, now: datetime) -> None:
    """Leave a row per case read (who, when, which case, what was read) and a log line."""
    ids = list(dict.fromkeys(case_ids))
    session.add_all([CaseAccess(case_id=case_id, user_id=saved_id(user), at=now, what=what) for case_id in ids])
    session.flush()
    logger.info("counselling case read", extra={"user": user.username, "role": str(user.role),
                                                "case_ids": ids, "what": what})


def read_scan(session: Session, *, case: CounsellingCase, user: User, thumbnail: bool, now: datetime,
              kind: str = "agreement") -> bytes:
    """A signed document's scan or its thumbnail (NotFound without one); a read that finds it is logged."""
    cases.require_case_role(user)
    data = family.get_scan(session, case=case, thumbnail=thumbnail, kind=kind)
    what = {("agreement", False): "scan", ("agreement", True): "scan_thumbnail", ("guarantee", False): "guarantee_scan",
            ("guarantee", True): "guarantee_thumb"}[kind, thumbnail]  # the log's column holds 16 characters
    log_access(session, user=user, case_ids=[saved_id(case)], what=what, now=now)
    return data


def _summary(case: CounsellingCase, person: Person, counsellor: str | None) -> CaseSummary:
    return CaseSummary(
        id=saved_id(case), state=case.state, level=case.level, employee_no=person.employee_no, worker_name=person.name,
        team=person.team, counsellor=counsellor, opened_at=case.opened_at,
        observation_ends_at=case.observation_ends_at, review_due_at=case.review_due_at,
        next_session_due_at=case.next_session_due_at,
    )


def list_cases(session: Session, *, user: User, now: datetime, state: list[CaseState] | None = None,
               employee_no: str | None = None, review_due: bool | None = None, level: int | None = None,
               limit: int = 50, offset: int = 0) -> CasesPublic:
    """Cases, newest first, filtered; every case shown is logged as read."""
    cases.require_case_role(user)
    query = (select(CounsellingCase, Person, User.username)
             .join(Person, col(Person.id) == CounsellingCase.person_id)
             .join(User, col(User.id) == CounsellingCase.counsellor_id, isouter=True))
    if (condition := pairing.visible(session, user)) is not None:
        query = query.where(condition)
    if state:
        query = query.where(col(CounsellingCase.state).in_([str(s) for s in state]))
    if employee_no is not None:
        query = query.where(Person.employee_no == employee_no)
    if review_due is not None:
        query = query.where(col(CounsellingCase.review_due_at).is_not(None) == review_due)
    if level is not None:
        query = query.where(CounsellingCase.level == level)
    count = session.exec(select(func.count()).select_from(query.subquery())).one()
    page = query.order_by(col(CounsellingCase.opened_at).desc(), col(CounsellingCase.id).desc())
    rows = session.exec(page.limit(limit).offset(offset)).all()
    log_access(session, user=user, case_ids=[saved_id(c) for c, _, _ in rows], what="list", now=now)
    return CasesPublic(data=[_summary(*row) for row in rows], count=count)


def contact_public(contact: FamilyContact) -> FamilyContactPublic:
    """What the API says about a family contact."""
    return FamilyContactPublic.model_validate(contact, from_attributes=True)


def sessions_public(session: Session, *, case: CounsellingCase) -> list[SessionPublic]:
    """The case's sessions as the API shows them."""
    return [SessionPublic(id=saved_id(s), kind=s.kind, held_on=s.held_on, participants=s.participants,
                          counsellor=u.username, note=s.note, created_at=s.created_at)
            for s, u in family.list_sessions(session, case=case)]


def agreement_public(session: Session, *, case: CounsellingCase, kind: str = "agreement") -> AgreementPublic | None:
    """A signed document (the agreement or the co-guarantee) as the API shows it, with links to its scan."""
    agreement: SignedDocument | None = family.get_agreement(session, case=case, kind=kind)
    if agreement is None:
        return None
    base = f"/api/v1/cases/{case.id}/{kind}/scan"
    has_scan = agreement.scan is not None
    return AgreementPublic(
        signed_on=agreement.signed_on, note=agreement.note, recorded_at=agreement.recorded_at,
        family_contact=contact_public(known(session.get(FamilyContact, agreement.family_contact_id))),
        recorded_by=known(session.get(User, agreement.recorded_by_id)).username,
        scan_url=base if has_scan else None, scan_thumbnail_url=f"{base}/thumbnail" if has_scan else None,
    )


def detail(session: Session, *, case: CounsellingCase, user: User, now: datetime,
           what: str = "detail") -> CasePublic:
    """One case with its violations, family, sessions, agreement and timeline; the read is logged."""
    cases.require_case_role(user)
    pairing.require_visible(session, case, user)
    person = known(session.get(Person, case.person_id))
    counsellor = session.get(User, case.counsellor_id) if case.counsellor_id else None
    log_access(session, user=user, case_ids=[saved_id(case)], what=what, now=now)
    return CasePublic(
        **_summary(case, person, counsellor.username if counsellor else None).model_dump(),
        ladder=ladder_steps(case.level), **_mentor(session, case), plan=case.plan, closed_at=case.closed_at, review_note=case.review_note,
        violations=violations.case_violations(session, case_id=saved_id(case), user=user),
        family_contacts=[contact_public(c) for c in family.list_contacts(session, person_id=case.person_id)],
        sessions=sessions_public(session, case=case), agreement=agreement_public(session, case=case),
        guarantee=agreement_public(session, case=case, kind="guarantee"),
        history=[CaseEventPublic.of(e, a) for e, a in cases.history(session, case=case)],
        allowed_actions=cases.allowed_actions(case, user, now=now),
    )


def _mentor(session: Session, case: CounsellingCase) -> dict[str, Any]:
    mentor = session.get(Person, case.mentor_person_id) if case.mentor_person_id else None
    return {"mentor_name": mentor.name if mentor else None, "mentor_employee_no": mentor.employee_no if mentor else None,
            "mentor_role": case.mentor_role, "referred_on": case.referred_on}

