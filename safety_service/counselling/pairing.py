"""一帮一 pairing and who among counsellors sees which case.

A counsellor sees the cases assigned to them and, where they lead a unit's counsellors, every case
of that unit, including those nobody has taken yet (a new case waits there for its lead, or an admin,
to assign it). Admins see all.
"""

import logging
from datetime import date

from sqlalchemy import ColumnElement, or_
from sqlmodel import Session, col, select

from safety_service.clock import utc_now
from safety_service.counselling import effects
from safety_service.counselling.events import append_event
from safety_service.counselling.models import CounsellingCase, CounsellorUnit
from safety_service.counselling.schemas import CasePair, CaseReferral, CounsellorUnitCreate
from safety_service.database import known, saved_id
from safety_service.errors import AlreadyExists, DomainError, InvalidInput, NotFound, PermissionDenied
from safety_service.people import service as people_service
from safety_service.people.models import Person, Role, User
from safety_service.validation import broken_rules

logger = logging.getLogger(__name__)


def led_teams(session: Session, user: User) -> list[str]:
    """The units whose counsellors this user leads."""
    return list(session.exec(select(CounsellorUnit.team).where(CounsellorUnit.user_id == user.id)).all())


def visible(session: Session, user: User) -> ColumnElement[bool] | None:
    """The condition on cases joined with their worker that this user may see (None: all of them)."""
    if user.role == Role.admin:
        return None
    mine = col(CounsellingCase.counsellor_id) == user.id
    teams = led_teams(session, user)
    return or_(mine, col(Person.team).in_(teams)) if teams else mine


def may_see(session: Session, case: CounsellingCase, user: User) -> bool:
    """Whether this user may see (and act on) this case."""
    if user.role == Role.admin or (case.counsellor_id is not None and case.counsellor_id == user.id):
        return True
    return leads_worker(session, known(session.get(Person, case.person_id)), user)


def leads_worker(session: Session, worker: Person, user: User) -> bool:
    """Whether this user is an admin or leads the counsellors of the worker's unit."""
    if user.role == Role.admin:
        return True
    return worker.team is not None and worker.team in led_teams(session, user)


def require_visible(session: Session, case: CounsellingCase, user: User) -> None:
    """PermissionDenied unless this user may see the case."""
    if not may_see(session, case, user):
        raise PermissionDenied("this case is assigned to another counsellor")


def may_see_worker(session: Session, person: Person, user: User) -> bool:
    """Whether this user may see (and act on) the worker's family: whoever may see the worker's latest case
    (the unit's lead and admins, if the worker has none)."""
    latest = session.exec(select(CounsellingCase).where(CounsellingCase.person_id == person.id)
                          .order_by(col(CounsellingCase.id).desc())).first()
    return may_see(session, latest, user) if latest is not None else leads_worker(session, person, user)


def require_worker_visible(session: Session, person: Person, user: User) -> None:
    """PermissionDenied unless this user may see the worker's family (see ``may_see_worker``)."""
    if not may_see_worker(session, person, user):
        raise PermissionDenied("only the counsellor of the worker's latest case, the unit's lead counsellor or an "
                               "admin sees this worker's family")


def pair(session: Session, *, case: CounsellingCase, data: CasePair, actor: User) -> CounsellingCase:
    """Assign the union counsellor and the mentor from the worker's unit (an admin, or the unit's lead)."""
    worker = known(session.get(Person, case.person_id))
    if not leads_worker(session, worker, actor):
        raise PermissionDenied("only an admin or the lead counsellor of the worker's unit pairs a case")
    counsellor = people_service.get_user(session, username=data.counsellor)
    if counsellor is None or counsellor.role != Role.counsellor or not counsellor.is_active:
        raise InvalidInput(f"no active counsellor {data.counsellor!r}", field="counsellor")
    mentor = _mentor(session, worker, data)
    before = case.counsellor_id
    case.counsellor_id = counsellor.id
    case.mentor_person_id, case.mentor_role = (mentor.id, data.mentor_role) if mentor else (None, None)
    session.add(case)
    append_event(session, case, action="paired", actor=actor, now=utc_now(), data={
        "counsellor": counsellor.username, "mentor_employee_no": mentor.employee_no if mentor else None,
        "mentor_role": str(data.mentor_role) if mentor else None})
    if before != counsellor.id:
        effects.notify(session, case, "case_assigned", actor=actor)
    logger.info("counselling case paired", extra={"case_id": case.id, "by": actor.username})
    return case


def _mentor(session: Session, worker: Person, data: CasePair) -> Person | None:
    if data.mentor_employee_no is None:
        return None
    mentor = people_service.get_person(session, employee_no=data.mentor_employee_no)
    if mentor is None or mentor.id == worker.id or worker.team is None or mentor.team != worker.team:
        raise InvalidInput("the mentor must be another worker of the same unit", field="mentor_employee_no")
    return mentor


def refer(session: Session, *, case: CounsellingCase, data: CaseReferral, actor: User, today: date) -> None:
    """Record the referral to the counselling station (心理疏导站) and its date (not in the future)."""
    if data.referred_on > today:
        raise InvalidInput("a referral cannot be dated in the future", field="referred_on")
    case.referred_on = data.referred_on
    session.add(case)
    append_event(session, case, action="referred", actor=actor, now=utc_now(),
                 data={"referred_on": data.referred_on.isoformat()})


def add_lead(session: Session, *, data: CounsellorUnitCreate, actor: User) -> CounsellorUnit:
    """An admin names a counsellor the lead of a unit's counsellors."""
    if actor.role != Role.admin:
        raise PermissionDenied("only an admin names lead counsellors")
    user = _counsellor(session, data.username)
    if data.team in led_teams(session, user):
        raise AlreadyExists(f"{data.username} leads {data.team} already", field="team")
    lead = CounsellorUnit(user_id=saved_id(user), team=data.team)
    session.add(lead)
    session.flush()
    return lead


def list_leads(session: Session, *, actor: User) -> list[tuple[CounsellorUnit, User]]:
    """The lead counsellors with the unit each leads, by unit then name (admins only)."""
    if actor.role != Role.admin:
        raise PermissionDenied("only an admin sees the lead counsellors")
    query = (select(CounsellorUnit, User).join(User, col(User.id) == CounsellorUnit.user_id)
             .order_by(col(CounsellorUnit.team), col(User.username)))
    return list(session.exec(query).all())


def remove_lead(session: Session, *, lead_id: int, actor: User) -> CounsellorUnit:
    """An admin ends a counsellor's lead of a unit: from now on they see only the cases assigned to them."""
    if actor.role != Role.admin:
        raise PermissionDenied("only an admin removes lead counsellors")
    lead = session.get(CounsellorUnit, lead_id)
    if lead is None:
        raise NotFound(f"no lead counsellor entry {lead_id}", field="lead_id")
    session.delete(lead)
    session.flush()
    logger.info("lead counsellor removed", extra={"user_id": lead.user_id, "team": lead.team, "by": actor.username})
    return lead


def _counsellor(session: Session, username: str) -> User:
    user = people_service.get_user(session, username=username.strip())
    if user is None or user.role != Role.counsellor or not user.is_active:
        raise NotFound(f"no active counsellor {username!r}", field="username")
    return user


def lead_problems(session: Session, *, username: str, team: str) -> list[DomainError]:
    """Every rule a typed lead breaks (no such counsellor; leads that unit already), so a form names them all."""
    problems = broken_rules({"username": lambda name: _counsellor(session, name)}, {"username": username})
    user = people_service.get_user(session, username=username.strip()) if username.strip() else None
    if user is not None and team.strip() in led_teams(session, user):
        problems.append(AlreadyExists(f"{username} leads {team} already", field="team"))
    return problems


def known_teams(session: Session) -> list[str]:
    """The units workers belong to, for choosing the one a lead leads."""
    query = select(Person.team).where(col(Person.team).is_not(None)).distinct().order_by(col(Person.team))
    return [team for team in session.exec(query).all() if team]
