"""The hazard workflow actions (reports come in through ``hazards.intake``).

``_move`` is the only writer of ``Hazard.state``: it checks the rule, stamps the time and
appends the event; the caller's boundary commits once.
"""

import logging
from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from safety_service.clock import utc_now
from safety_service.errors import InvalidInput, InvalidTransition, NotFound, PermissionDenied
from safety_service.hazards import effects, intake
from safety_service.hazards.models import Hazard, HazardEvent
from safety_service.hazards.schemas import (
    HazardAssign,
    HazardConfirm,
    HazardRectified,
    HazardReject,
    HazardVerify,
)
from safety_service.hazards.states import (
    OPEN_STATES,
    TRANSITIONS,
    Action,
    Grade,
    HazardState,
    Transition,
    actions_from,
)
from safety_service.locations import service as locations_service
from safety_service.people import service as people_service
from safety_service.people.models import OFFICER_ROLES, Role, User

logger = logging.getLogger(__name__)

def _append_event(session: Session, hazard: Hazard, *, action: str, actor: User | None, now: datetime,
                  from_state: str | None = None, to_state: str | None = None, note: str | None = None,
                  data: dict[str, Any] | None = None) -> HazardEvent:
    event = HazardEvent(
        hazard_id=hazard.id, at=now, actor_id=actor.id if actor else None, action=action,
        from_state=from_state, to_state=to_state, note=note, data=data,
    )
    session.add(event)
    session.flush()
    return event


def get_hazard(session: Session, *, ref: str) -> Hazard:
    """The hazard with this reference, or NotFound."""
    hazard = session.exec(select(Hazard).where(Hazard.ref == ref)).first()
    if hazard is None:
        raise NotFound(f"no hazard {ref!r}", field="ref")
    return hazard


def get_by_tracking_code(session: Session, *, code: str) -> Hazard:
    """The hazard a reporter's tracking code names, or NotFound."""
    normalized = intake.normalize_tracking_code(code)
    hazard = session.exec(select(Hazard).where(Hazard.tracking_code == normalized)).first()
    if hazard is None:
        raise NotFound("no report with this tracking code", field="tracking_code")
    return hazard


def may_act(user: User, action: Action) -> bool:
    """Whether the user's role may ever take this action (before looking at a hazard)."""
    return any(user.role in t.roles for t in TRANSITIONS if t.action == action)


def allowed_actions(hazard: Hazard, user: User) -> list[Action]:
    """The actions this user may take on this hazard now."""
    return [
        t.action for t in TRANSITIONS
        if t.source == hazard.state and _refusal(hazard, t, user) is None
    ]


def _refusal(hazard: Hazard, transition: Transition, actor: User) -> str | None:
    """Why this actor may not take this edge on this hazard, or None when they may."""
    if actor.role not in transition.roles:
        return f"role {actor.role!r} may not {transition.action}"
    is_owner = hazard.owner_id is not None and hazard.owner_id == actor.id
    if transition.assigned_owner_only and not is_owner:
        return "only the assigned rectification owner may submit the fix"
    if transition.never_assigned_owner and is_owner:
        return "the rectification owner may not verify their own fix"
    if transition.chief_for_major and hazard.grade == Grade.major and actor.role != Role.chief:
        return "a major hazard is verified and closed by the mine safety chief"
    return None


def _transition_for(hazard: Hazard, action: Action, actor: User, target: HazardState | None = None) -> Transition:
    if not may_act(actor, action):
        raise PermissionDenied(f"role {actor.role!r} may not {action} a hazard")
    candidates = [t for t in TRANSITIONS if t.action == action and t.source == hazard.state]
    transition = next((t for t in candidates if target is None or t.target == target), None)
    if transition is None:
        allowed = [str(a) for a in actions_from(HazardState(hazard.state))]
        raise InvalidTransition(
            f"a hazard in state {hazard.state!r} cannot be {action}ed", allowed=allowed, state=str(hazard.state)
        )
    if (reason := _refusal(hazard, transition, actor)) is not None:
        raise PermissionDenied(reason)
    return transition


def _move(session: Session, hazard: Hazard, transition: Transition, *, actor: User, now: datetime,
          note: str | None = None, data: dict[str, Any] | None = None) -> HazardEvent:
    """The only writer of ``state``: move along one edge, stamp the time, append the event."""
    source = hazard.state
    hazard.state = transition.target
    hazard.is_open = transition.target in OPEN_STATES
    hazard.updated_at = now
    session.add(hazard)
    event = _append_event(session, hazard, action=transition.action, actor=actor, now=now,
                          from_state=source, to_state=transition.target, note=note, data=data)
    effects.on_transition(session, hazard, transition, actor=actor)
    return event


def confirm(session: Session, *, hazard: Hazard, data: HazardConfirm, actor: User,
            now: datetime | None = None) -> HazardEvent:
    """Confirm a report with its grade and category (major hazards go under the chief's supervision)."""
    transition = _transition_for(hazard, Action.confirm, actor)
    category = locations_service.get_category(session, code=data.category_code, field="category_code")
    now = now or utc_now()
    hazard.grade, hazard.category_id, hazard.confirmed_at = data.grade, category.id, now
    return _move(session, hazard, transition, actor=actor, now=now, note=data.note,
                 data={"grade": str(data.grade), "category": category.code})


def reject(session: Session, *, hazard: Hazard, data: HazardReject, actor: User,
           now: datetime | None = None) -> HazardEvent:
    """Reject a report with a reason, naming the original when it is a duplicate."""
    transition = _transition_for(hazard, Action.reject, actor)
    original = _duplicate_target(session, hazard, data.duplicate_of) if data.duplicate_of else None
    now = now or utc_now()
    hazard.rejection_reason, hazard.closed_at = data.reason, now
    hazard.duplicate_of_id = original.id if original else None
    return _move(session, hazard, transition, actor=actor, now=now, note=data.reason,
                 data={"duplicate_of": original.ref} if original else None)


def _duplicate_target(session: Session, hazard: Hazard, ref: str) -> Hazard:
    original = session.exec(select(Hazard).where(Hazard.ref == ref)).first()
    if original is None:
        raise InvalidInput(f"no hazard {ref!r} to be a duplicate of", field="duplicate_of")
    if original.id == hazard.id:
        raise InvalidInput("a hazard cannot be a duplicate of itself", field="duplicate_of")
    return original


def assign(session: Session, *, hazard: Hazard, data: HazardAssign, actor: User,
           now: datetime | None = None) -> HazardEvent:
    """Start rectification with the five fixes: owner, measures, funds, deadline, contingency plan."""
    transition = _transition_for(hazard, Action.assign, actor)
    now = now or utc_now()
    owner = _rectification_owner(session, data.owner)
    if data.deadline <= now:
        raise InvalidInput("the deadline must be in the future", field="deadline")
    hazard.owner_id, hazard.assigned_by_id = owner.id, actor.id
    hazard.measures, hazard.funds, hazard.contingency_plan = data.measures, data.funds, data.contingency_plan
    hazard.deadline = data.deadline
    return _move(session, hazard, transition, actor=actor, now=now,
                 data={"owner": owner.username, "deadline": data.deadline.isoformat(), "funds": str(data.funds)})


def _rectification_owner(session: Session, username: str) -> User:
    owner = people_service.get_user(session, username=username)
    if owner is None or not owner.is_active:
        raise InvalidInput(f"no active account {username!r}", field="owner")
    if owner.role not in {Role.owner, *OFFICER_ROLES}:
        raise InvalidInput(f"{username!r} (role {owner.role}) cannot own a rectification", field="owner")
    return owner


def mark_rectified(session: Session, *, hazard: Hazard, data: HazardRectified, actor: User,
                   now: datetime | None = None) -> HazardEvent:
    """The owner submits the fix with evidence; it now waits for verification."""
    transition = _transition_for(hazard, Action.rectified, actor)
    now = now or utc_now()
    hazard.rectification_note, hazard.rectified_at = data.note, now
    return _move(session, hazard, transition, actor=actor, now=now, note=data.note)


def verify(session: Session, *, hazard: Hazard, data: HazardVerify, actor: User,
           now: datetime | None = None) -> HazardEvent:
    """Verify the fix (验收): passed closes the hazard, failed sends it back to rectification."""
    target = HazardState.closed if data.passed else HazardState.rectifying
    transition = _transition_for(hazard, Action.verify, actor, target=target)
    now = now or utc_now()
    if data.new_deadline is not None and data.new_deadline <= now:
        raise InvalidInput("the new deadline must be in the future", field="new_deadline")
    hazard.verification_note, hazard.verified_by_id = data.note, actor.id
    if data.passed:
        hazard.closed_at = now
    elif data.new_deadline is not None:
        hazard.deadline, hazard.overdue_since, hazard.escalation_level = data.new_deadline, None, 0
    extra = {"passed": data.passed}
    if data.new_deadline is not None:
        extra["new_deadline"] = data.new_deadline.isoformat()
    return _move(session, hazard, transition, actor=actor, now=now, note=data.note, data=extra)


def history(session: Session, *, hazard: Hazard) -> list[tuple[HazardEvent, User | None]]:
    """The hazard's events, oldest first, with who did each."""
    query = (
        select(HazardEvent, User).join(User, isouter=True)
        .where(HazardEvent.hazard_id == hazard.id).order_by(HazardEvent.id)
    )
    return list(session.exec(query).all())


def record_escalation(session: Session, *, hazard: Hazard, level: int, now: datetime,
                      data: dict[str, Any]) -> HazardEvent:
    """Append an escalation step (no state change) and raise the hazard's level."""
    if hazard.overdue_since is None:
        hazard.overdue_since = hazard.deadline
    hazard.escalation_level = level
    session.add(hazard)
    return _append_event(session, hazard, action="escalated", actor=None, now=now, data=data)
