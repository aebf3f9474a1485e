"""The counselling case workflow (see ``states`` for the table).

``_move`` is the only writer of ``CounsellingCase.state``: it checks the rule, stamps the time
and appends the event; the caller's boundary commits once.
"""

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from safety_service.clock import as_utc, utc_now
from safety_service.config import Settings
from safety_service.counselling import effects, family, pairing
from safety_service.counselling.events import append_event
from safety_service.counselling.models import CaseEvent, CounsellingCase, CounsellingSession, FamilyAgreement, Violation
from safety_service.counselling.schemas import CaseBegin, CaseClose, CaseObserve, CasePlan
from safety_service.counselling.states import (
    CASE_ROLES,
    Action,
    CaseState,
    Transition,
    ViolationSeverity,
)
from safety_service.counselling.workflow import WORKFLOW
from safety_service.database import known
from safety_service.errors import (
    AlreadyExists,
    DomainError,
    InvalidInput,
    InvalidTransition,
    NotFound,
    PermissionDenied,
)
from safety_service.people.models import Role, User
from safety_service.validation import broken_rules

logger = logging.getLogger(__name__)


def require_case_role(user: User) -> None:
    """Only counsellors and admins may see or touch cases, families and sessions."""
    if user.role not in CASE_ROLES:
        raise PermissionDenied(f"role '{user.role}' may not see or act on counselling cases")


def get_case(session: Session, *, case_id: int, user: User | None = None) -> CounsellingCase:
    """The case with this id, or NotFound; given a user, PermissionDenied unless they may see it."""
    case = session.get(CounsellingCase, case_id)
    if case is None:
        raise NotFound(f"no counselling case {case_id}", field="case_id")
    if user is not None:
        pairing.require_visible(session, case, user)
    return case


def active_case(session: Session, *, person_id: int) -> CounsellingCase | None:
    """The worker's case that is not closed yet, if any."""
    return session.exec(select(CounsellingCase).where(CounsellingCase.active_person_id == person_id)).first()


def open_case(session: Session, *, violation: Violation, actor: User, now: datetime | None = None) -> CounsellingCase:
    """A counsellor opens a case from a violation that has none (one open case per worker)."""
    require_case_role(actor)
    if violation.case_id is not None:
        raise AlreadyExists(f"violation {violation.id} already belongs to case {violation.case_id}",
                            field="violation_id", case_id=violation.case_id)
    if (current := active_case(session, person_id=violation.person_id)) is not None:
        raise AlreadyExists(f"the worker already has open case {current.id}", field="violation_id", case_id=current.id)
    return _open(session, violation, actor=actor, now=now or utc_now())


def opening_level(violation: Violation) -> int:
    """Where on the ladder a case starts: one step up for a serious violation, one for a repeat."""
    return 1 + int(violation.severity == ViolationSeverity.serious) + int(violation.repeat)


def _open(session: Session, violation: Violation, *, actor: User, now: datetime) -> CounsellingCase:
    case = CounsellingCase(person_id=violation.person_id, active_person_id=violation.person_id, opened_at=now,
                           updated_at=now, counsellor_id=actor.id if actor.role == Role.counsellor else None,
                           level=opening_level(violation))
    try:
        with session.begin_nested():
            session.add(case)
            session.flush()
    except IntegrityError as exc:  # another request opened the worker's case a moment ago
        raise AlreadyExists("the worker already has an open case", field="violation_id") from exc
    violation.case_id = case.id
    session.add(violation)
    append_event(session, case, action="opened", actor=actor, now=now, to_state=CaseState.opened,
                 data={"violation_id": violation.id, "kind": str(violation.kind), "level": case.level})
    effects.on_opened(session, case, actor=actor)
    logger.info("counselling case opened", extra={"case_id": case.id, "violation_id": violation.id})
    return case


def on_violation(session: Session, *, violation: Violation, actor: User, now: datetime,
                 settings: Settings) -> CounsellingCase | None:
    """Tie a new violation to the worker's case: a repeat during observation, a note otherwise, or a new case.

    A 不规范行为 never touches a case. A serious violation or a repeat opens one even when cases are not
    opened automatically, higher up the ladder; joining an open case it raises the case's level to match.
    """
    if violation.severity == ViolationSeverity.irregular:
        return None
    case = active_case(session, person_id=violation.person_id)
    escalates = opening_level(violation) > 1
    if case is None and not (settings.counselling_auto_open or escalates):
        return None
    if case is None:
        try:
            return _open(session, violation, actor=actor, now=now)
        except AlreadyExists:
            case = active_case(session, person_id=violation.person_id)
            if case is None:
                raise
    violation.case_id = case.id
    session.add(violation)
    data = {"violation_id": violation.id, "kind": str(violation.kind)}
    if case.state != CaseState.observation:
        case.level = max(case.level, opening_level(violation))
        session.add(case)
        append_event(session, case, action="violation_added", actor=actor, now=now, data={**data, "level": case.level})
        return case
    transition = _transition_for(case, Action.repeat, actor)
    case.level += 1
    case.counselling_since, case.observation_ends_at, case.review_due_at = now, None, None
    family.schedule_next_session(case, now=now, settings=settings)
    _move(session, case, transition, actor=actor, now=now, data={**data, "level": case.level})
    return case


def may_act(user: User, action: Action) -> bool:
    """Whether the user's role may ever take this action."""
    return WORKFLOW.may_act(user.role, action)


def allowed_actions(case: CounsellingCase, user: User, *, now: datetime) -> list[Action]:
    """The manual actions this user may take on this case now."""
    return [a for a in map(Action, WORKFLOW.actions_from(case.state))
            if may_act(user, a) and (a != Action.close or _may_close_now(case, user, now))]


def _may_close_now(case: CounsellingCase, user: User, now: datetime) -> bool:
    ends = case.observation_ends_at
    return user.role == Role.admin or ends is None or as_utc(ends) <= now


def _transition_for(case: CounsellingCase, action: Action, actor: User) -> Transition:
    return WORKFLOW.edge_for(case, action, actor)


def _move(session: Session, case: CounsellingCase, transition: Transition, *, actor: User, now: datetime,
          note: str | None = None, data: dict[str, Any] | None = None) -> CaseEvent:
    """Take one edge through the workflow engine (the only writer of ``state``), then its effects."""
    event = WORKFLOW.move(session, case, transition, actor=actor, now=now, note=note, data=data)
    effects.on_transition(session, case, transition, actor=actor)
    return event


def _has_contact(session: Session, case: CounsellingCase) -> None:
    if not family.list_contacts(session, person_id=case.person_id):
        raise InvalidInput("a plan needs at least one family contact of the worker", field="family_contacts")


def _has_agreement(session: Session, case: CounsellingCase) -> None:
    if session.exec(select(FamilyAgreement.id).where(FamilyAgreement.case_id == case.id)).first() is None:
        raise InvalidInput("record the signed family agreement before counselling begins", field="agreement")


def _has_session(session: Session, case: CounsellingCase) -> None:
    if _sessions_since(session, case) == 0:
        raise InvalidInput("record at least one session before the observation period", field="sessions")


_NEEDS = {Action.plan: _has_contact, Action.begin: _has_agreement, Action.observe: _has_session}


def input_problems(session: Session, *, case: CounsellingCase, action: str) -> list[DomainError]:
    """What the case still lacks for this transition (a family contact, the agreement, a session), found
    beside the form's own errors so the page names them all at once; the transition checks it again."""
    need = _NEEDS.get(Action(action)) if action in tuple(Action) else None
    return broken_rules({"case": lambda c: need(session, c)}, {"case": case}) if need else []


def plan(session: Session, *, case: CounsellingCase, data: CasePlan, actor: User, settings: Settings,
         now: datetime | None = None) -> CaseEvent:
    """Plan the case (帮教方案); the worker needs at least one family contact, given here or before."""
    transition = _transition_for(case, Action.plan, actor)
    now = now or utc_now()
    for contact in data.family_contacts:
        family.add_contact(session, person_id=case.person_id, data=contact, actor=actor, now=now)
    _has_contact(session, case)
    case.plan = data.plan
    case.counsellor_id = actor.id if actor.role == Role.counsellor else case.counsellor_id
    family.schedule_next_session(case, now=now, settings=settings)
    return _move(session, case, transition, actor=actor, now=now, data={"contacts": len(data.family_contacts)})


def begin(session: Session, *, case: CounsellingCase, data: CaseBegin, actor: User,
          now: datetime | None = None) -> CaseEvent:
    """Start counselling once the family has signed the agreement (家庭安全帮教责任书)."""
    transition = _transition_for(case, Action.begin, actor)
    _has_agreement(session, case)
    now = now or utc_now()
    case.counselling_since = now
    return _move(session, case, transition, actor=actor, now=now, note=data.note)


def observe(session: Session, *, case: CounsellingCase, data: CaseObserve, actor: User, settings: Settings,
            now: datetime | None = None) -> CaseEvent:
    """Put the worker on probation after at least one session since counselling (re)started."""
    transition = _transition_for(case, Action.observe, actor)
    _has_session(session, case)
    now = now or utc_now()
    days = data.days or settings.counselling_observation_days
    case.observation_started_at, case.observation_ends_at = now, now + timedelta(days=days)
    case.first_observation_at = case.first_observation_at or now
    case.next_session_due_at = None
    return _move(session, case, transition, actor=actor, now=now, note=data.note,
                 data={"days": days, "ends_at": case.observation_ends_at.isoformat()})


def _sessions_since(session: Session, case: CounsellingCase) -> int:
    query = select(func.count()).select_from(CounsellingSession).where(CounsellingSession.case_id == case.id)
    if case.counselling_since is not None:
        query = query.where(col(CounsellingSession.created_at) >= case.counselling_since)
    return session.exec(query).one()


def close(session: Session, *, case: CounsellingCase, data: CaseClose, actor: User,
          now: datetime | None = None) -> CaseEvent:
    """Close the case with a review note once the probation has ended (an admin may close early)."""
    transition = _transition_for(case, Action.close, actor)
    now = now or utc_now()
    if not _may_close_now(case, actor, now):
        ends = as_utc(known(case.observation_ends_at)).isoformat()
        raise InvalidTransition(f"the observation period ends at {ends}; the case can be closed after it",
                                state=str(case.state), allowed=[str(a) for a in allowed_actions(case, actor, now=now)],
                                observation_ends_at=ends)
    early = case.observation_ends_at is not None and now < as_utc(case.observation_ends_at)
    case.review_note, case.closed_at = data.review_note, now
    case.review_due_at = case.next_session_due_at = None
    return _move(session, case, transition, actor=actor, now=now, note=data.review_note, data={"early": early})


def history(session: Session, *, case: CounsellingCase) -> list[tuple[CaseEvent, User | None]]:
    """The case's events, oldest first, with who did each."""
    query = select(CaseEvent, User).join(User, isouter=True).where(CaseEvent.case_id == case.id)
    return list(session.exec(query.order_by(col(CaseEvent.id))).all())
