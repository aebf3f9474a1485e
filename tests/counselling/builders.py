"""Builders that take a violation and its case through the real workflow to the state a test needs."""

from datetime import date, datetime, timedelta

from sqlmodel import Session

from safety_service.clock import utc_now
from safety_service.counselling import family, violations
from safety_service.counselling import service as cases
from safety_service.counselling.family_schemas import AgreementRecord, FamilyContactCreate, SessionCreate
from safety_service.counselling.models import CounsellingCase, FamilyContact, Violation
from safety_service.counselling.schemas import CaseBegin, CaseClose, CaseObserve, CasePlan
from safety_service.counselling.states import CaseState, Relation, SessionKind, ViolationKind
from safety_service.counselling.violation_schemas import ViolationCreate
from safety_service.locations.models import Location
from safety_service.people.models import Person, Role, User
from tests.conftest import make_settings
from tests.locations.builders import make_location
from tests.people.builders import make_person, make_user

SETTINGS = make_settings("sqlite://", counselling_observation_days=30, counselling_session_interval_days=14)
PATH = (CaseState.opened, CaseState.planned, CaseState.counselling, CaseState.observation, CaseState.closed)


def make_violation(session: Session, *, person: Person | None = None, recorder: User | None = None,
                   kind: ViolationKind = ViolationKind.illegal_operation, location: Location | None = None,
                   now: datetime | None = None, auto_open: bool = True) -> Violation:
    """A violation recorded through the service (opening or touching the worker's case)."""
    now = now or utc_now()
    person = person or make_person(session, name="王五", team="综采一队")
    data = ViolationCreate(employee_no=person.employee_no, kind=kind, occurred_at=now - timedelta(hours=1),
                           location_code=(location or make_location(session)).code, description="未按规定佩戴自救器")
    settings = SETTINGS.model_copy(update={"counselling_auto_open": auto_open})
    return violations.record_violation(session, data=data, actor=recorder or make_user(session, role=Role.officer),
                                       settings=settings, now=now)


def contact(relation: Relation = Relation.spouse) -> FamilyContactCreate:
    return FamilyContactCreate(relation=relation, name="李梅", phone="13800138000", worker_consent=True)


def make_contact(session: Session, person_id: int, actor: User) -> FamilyContact:
    return family.add_contact(session, person_id=person_id, data=contact(), actor=actor)


def record_session(session: Session, case: CounsellingCase, actor: User, *, now: datetime,
                   kind: SessionKind = SessionKind.family_visit) -> None:
    data = SessionCreate(kind=kind, held_on=now.date(), participants=["王五", "李梅"], note="家访，谈心")
    family.record_session(session, case=case, data=data, actor=actor, settings=SETTINGS, now=now)


def make_case(session: Session, *, state: CaseState = CaseState.opened, person: Person | None = None,
              counsellor: User | None = None, now: datetime | None = None, days: int = 30) -> CounsellingCase:
    """A case in the given state, reached through the service functions, ready for its next step."""
    now = now or utc_now()
    violation = make_violation(session, person=person, now=now)
    case = session.get(CounsellingCase, violation.case_id)
    if state == CaseState.opened:
        return case
    counsellor = counsellor or make_user(session, role=Role.counsellor)
    cases.plan(session, case=case, data=CasePlan(plan="每两周家访一次", family_contacts=[contact()]),
               actor=counsellor, settings=SETTINGS, now=now)
    agreement_signer = family.list_contacts(session, person_id=case.person_id)[0]
    family.record_agreement(session, case=case, actor=counsellor, now=now,
                            data=AgreementRecord(signed_on=date.fromisoformat(now.date().isoformat()),
                                                 family_contact_id=agreement_signer.id))
    if state == CaseState.planned:
        return case
    cases.begin(session, case=case, data=CaseBegin(), actor=counsellor, now=now)
    record_session(session, case, counsellor, now=now)
    if state == CaseState.counselling:
        return case
    cases.observe(session, case=case, data=CaseObserve(days=days), actor=counsellor, settings=SETTINGS, now=now)
    if state == CaseState.observation:
        return case
    cases.close(session, case=case, data=CaseClose(review_note="考察期满，表现良好"), actor=counsellor,
                now=now + timedelta(days=days, minutes=1))
    return case


def assign(session: Session, user: User, *assigned: CounsellingCase) -> None:
    """Make these cases the user's (一帮一's union counsellor): another counsellor may not see them."""
    for case in assigned:
        case.counsellor_id = user.id
        session.add(case)
    session.flush()


def forged_ending(token: str) -> str:
    """The token with its last letter changed to another of the signature's alphabet (a fixed letter left a
    token already ending in it untouched: one try in 64 for one letter, in 4,096 for two)."""
    return token[:-1] + ("B" if token.endswith("A") else "A")
