"""The hazard workflow on the one engine: the refusal rules of its edges, and ``move``, the only writer of ``state``."""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlmodel import Session

from safety_service.hazards import effects, events, levels, major_rules
from safety_service.hazards.models import Hazard, HazardEvent
from safety_service.hazards.states import OPEN_STATES, TRANSITIONS, Action, Grade, HazardState, Transition
from safety_service.people.models import OFFICER_ROLES, Role, User
from safety_service.workflow import Workflow


def allowed_actions(hazard: Hazard, user: User) -> list[Action]:
    """The actions this user may take on this hazard now."""
    return list(allowed_outcomes(hazard, user))


def allowed_outcomes(hazard: Hazard, user: User) -> dict[Action, list[HazardState]]:
    """The states each action this user may take now leads to (an officer may send a major hazard's fix
    back, but only the chief may pass it)."""
    return {Action(action): [HazardState(target) for target in targets]  # the engine knows them as StrEnums
            for action, targets in WORKFLOW.outcomes(hazard, user).items()}


def refusals(hazard: Hazard, user: User) -> dict[str, str]:
    """Why this user's role may not take an edge it otherwise could, keyed ``action:target`` (the reason's
    code, one of REFUSALS): what a page tells the user instead of offering the action."""
    found = {}
    for t in WORKFLOW.edges_from(hazard.state):
        reason = _refusal(hazard, t, user) if user.role in t.roles else None
        # An edge this hazard never offers anyone is not a refusal (a general hazard's page says nothing
        # of the major steps, nor of a self-check its level does not ask for).
        if reason and reason not in major_rules.SILENT and reason not in _UNTOLD:
            found[f"{t.action}:{t.target}"] = reason
    return found


_UNTOLD = frozenset({"self_check_not_required"})


# Why an edge is refused, by code: the codes are the console's message keys (console.refusal.<code>).
REFUSALS = {
    "role": "this role may not take this action",
    "not_assigned_owner": "only the assigned rectification owner may submit the fix",
    "own_fix": "the rectification owner may not verify their own fix",
    "major_needs_chief": "a major hazard is verified and closed by the mine safety chief",
    "major_chief_only": "only the mine safety chief may take this action on a major hazard",
    "extension_waiting": "an extension request is already waiting",
    "no_extension_waiting": "no extension request is waiting",
    "level_chief_decides": "this level's fix is decided by the mine safety chief",
    "level_chief_verifies": "a hazard of this level is verified by the mine safety chief",
    **major_rules.MAJOR_REFUSALS,
    "level_safety_department_verifies": "after the unit's self-check, the safety department verifies this level",
    "self_check_not_required": "this hazard's level does not ask for the unit's self-check",
    "self_check_done": "the unit's self-check of this fix is recorded already",
    "self_check_unit_leader": "the self-check is recorded by the leader of the responsible unit",
    "self_check_first": "the responsible unit's self-check comes before the verification",
}


def _refusal(hazard: Hazard, transition: Transition, actor: User) -> str | None:
    """Why this actor may not take this edge on this hazard (a code of REFUSALS), or None when they may."""
    return next((reason for rule in _RULES if (reason := rule(hazard, transition, actor)) is not None), None)


def _role_refusal(hazard: Hazard, transition: Transition, actor: User) -> str | None:
    return "role" if actor.role not in transition.roles else None


def _owner_refusal(hazard: Hazard, transition: Transition, actor: User) -> str | None:
    is_owner = hazard.owner_id is not None and hazard.owner_id == actor.id
    if transition.assigned_owner_only and not is_owner:
        return "not_assigned_owner"
    return "own_fix" if transition.never_assigned_owner and is_owner else None


def _chief_refusal(hazard: Hazard, transition: Transition, actor: User) -> str | None:
    if transition.chief_for_major and hazard.grade == Grade.major and actor.role != Role.chief:
        return "major_needs_chief" if transition.action == Action.verify else "major_chief_only"
    return None


def _extension_refusal(hazard: Hazard, transition: Transition, actor: User) -> str | None:
    pending = hazard.extension_until is not None
    if transition.pending_extension is not None and pending != transition.pending_extension:
        return "extension_waiting" if pending else "no_extension_waiting"
    return None


def _levels_refusal(hazard: Hazard, transition: Transition, actor: User) -> str | None:
    if transition.by_level or transition.unit_self_check:
        return _level_refusal(hazard, transition, actor)
    return None


# The rules of an edge in the order their refusal is reported.
_RULES: tuple[Callable[[Hazard, Transition, User], str | None], ...] = (
    _role_refusal, _owner_refusal, _chief_refusal, _extension_refusal, major_rules.refusal, _levels_refusal)


def _level_refusal(hazard: Hazard, transition: Transition, actor: User) -> str | None:
    session = Session.object_session(hazard)
    if not isinstance(session, Session):  # a detached hazard: only what the roles alone allow
        return None if actor.role in OFFICER_ROLES and not transition.unit_self_check else "role"
    level = session.get(levels.HazardLevel, hazard.level_id) if hazard.level_id else None
    if transition.unit_self_check:
        return levels.self_check_refusal(session, level, actor=actor, unit_id=hazard.unit_id,
                                         done=hazard.self_checked_at is not None)
    reason = levels.refusal(session, level, action=transition.action, actor=actor, unit_id=hazard.unit_id)
    if reason is None and transition.target == HazardState.closed and level is not None and level.self_check \
            and hazard.self_checked_at is None:
        return "self_check_first"
    return reason


def _arrive(hazard: Hazard, transition: Transition) -> None:
    hazard.is_open = transition.target in OPEN_STATES
    if transition.target == HazardState.rectifying:  # a fix submitted again is self-checked again
        hazard.self_checked_at = None


WORKFLOW = Workflow(noun="hazard", edges=TRANSITIONS, write_event=events.append_event, refusal=_refusal,
                    refusal_messages=REFUSALS, arrive=_arrive)


def transition_for(hazard: Hazard, action: Action, actor: User, target: HazardState | None = None) -> Transition:
    """The edge this actor's action takes on this hazard now, or the reason it may not (raised)."""
    return WORKFLOW.edge_for(hazard, action, actor, target=target)


def move(session: Session, hazard: Hazard, transition: Transition, *, actor: User, now: datetime,
         note: str | None = None, data: dict[str, Any] | None = None) -> HazardEvent:
    """Take one edge through the workflow engine (the only writer of ``state``), then its effects."""
    event = WORKFLOW.move(session, hazard, transition, actor=actor, now=now, note=note, data=data)
    if transition.source != transition.target:  # a change within a state tells no reporter anything new
        effects.on_transition(session, hazard, transition, actor=actor)
    else:
        effects.on_change(session, hazard, transition, actor=actor)
    return event
