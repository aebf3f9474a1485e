"""What each workflow edge sets off besides the state change, all in the same transaction: notifications
to the people the edge concerns (here), and what other domains do about it — reward points, the
reporter's kiosk notice, the area's public board, the kiosks told of escalations.

Those domains read the hazard register, so the register cannot import them: they are ``Reactions``,
connected once at start-up with the settings (``safety_service.reactions.wire``, called by
``create_app``, the CLI and the scheduler). A transition before that fails loudly rather than skip them.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlmodel import Session

from safety_service.hazards import urgent
from safety_service.hazards.levels import HazardLevel
from safety_service.hazards.models import Hazard
from safety_service.hazards.states import Action, Grade, HazardState, Transition
from safety_service.notifications import service as notifications_service
from safety_service.people import service as people_service
from safety_service.people.models import OFFICER_ROLES, Role, User
from safety_service.units.models import OrgUnit


@dataclass(frozen=True)
class Escalated:
    """One escalation step a sweep took: the hazard and the level it reached."""

    hazard_id: int
    ref: str
    location_id: int
    level: int
    description: str


class Reactions(Protocol):
    """What the domains above the register do when a hazard moves or climbs the escalation ladder."""

    def moved(self, session: Session, hazard: Hazard, *, source: str) -> None: ...

    def escalated(self, session: Session, escalated: list[Escalated], *, now: datetime) -> None: ...


_connected: list[Reactions] = []


def connect(reactions: Reactions) -> None:
    """Connect the reactions (replacing any before): done once at start-up, with the settings."""
    _connected[:] = [reactions]


def reactions() -> Reactions:
    """The connected reactions; a transition or a sweep without them would silently skip their effects."""
    if not _connected:
        raise RuntimeError("hazard reactions not connected: call safety_service.reactions.wire(settings) at start-up")
    return _connected[0]


def on_transition(session: Session, hazard: Hazard, transition: Transition, *, actor: User) -> None:
    """Notify the people each edge concerns, then let the other domains react (points, kiosk notice, board)."""
    on_change(session, hazard, transition, actor=actor)
    reactions().moved(session, hazard, source=transition.source)


def on_change(session: Session, hazard: Hazard, transition: Transition, *, actor: User) -> None:
    """Notify the people this edge concerns (the only effect of a change within a state)."""
    handler = _HANDLERS.get((transition.action, transition.target))
    if handler is not None:
        handler(session, hazard, actor)


def _notify(session: Session, hazard: Hazard, kind: str, users: list[User], actor: User) -> None:
    recipients = [u for u in users if u.id != actor.id]
    if recipients:
        told = urgent.notice(session, hazard, kind)
        told.data["by"] = actor.username
        notifications_service.send(session, [(user, [told]) for user in recipients])


def _user(session: Session, user_id: int | None) -> list[User]:
    user = session.get(User, user_id) if user_id is not None else None
    return [user] if user is not None and user.is_active else []


def _confirmed(session: Session, hazard: Hazard, actor: User) -> None:
    if hazard.grade == Grade.major:
        chiefs = people_service.active_users_with_roles(session, roles=[Role.chief])
        _notify(session, hazard, "major_listed", chiefs, actor)


def _assigned(session: Session, hazard: Hazard, actor: User) -> None:
    _notify(session, hazard, "assigned", _user(session, hazard.owner_id), actor)


def _rectified(session: Session, hazard: Hazard, actor: User) -> None:
    level = session.get(HazardLevel, hazard.level_id) if hazard.level_id else None
    if level is not None and level.self_check and (leaders := _unit_leaders(session, hazard.unit_id)):
        _notify(session, hazard, "self_check_due", leaders, actor)
        return
    _tell_verifiers(session, hazard, actor, "awaiting_verification")


def _self_checked(session: Session, hazard: Hazard, actor: User) -> None:
    _tell_verifiers(session, hazard, actor, "self_checked")


def _unit_leaders(session: Session, unit_id: int | None) -> list[User]:
    """The active leader of the responsible unit, else of the unit above it."""
    unit = session.get(OrgUnit, unit_id) if unit_id else None
    while unit is not None:
        if leader := _user(session, unit.leader_id):
            return leader
        unit = session.get(OrgUnit, unit.parent_id) if unit.parent_id else None
    return []


def _tell_verifiers(session: Session, hazard: Hazard, actor: User, kind: str) -> None:
    if hazard.grade == Grade.major:
        verifiers = people_service.active_users_with_roles(session, roles=[Role.chief])
    else:
        verifiers = _user(session, hazard.assigned_by_id) or people_service.active_users_with_roles(
            session, roles=OFFICER_ROLES
        )
    _notify(session, hazard, kind, verifiers, actor)


def _verification_failed(session: Session, hazard: Hazard, actor: User) -> None:
    _notify(session, hazard, "verification_failed", _user(session, hazard.owner_id), actor)


def _closed(session: Session, hazard: Hazard, actor: User) -> None:
    _notify(session, hazard, "closed", _user(session, hazard.owner_id), actor)


_HANDLERS = {
    (Action.confirm, HazardState.confirmed): _confirmed,
    (Action.assign, HazardState.rectifying): _assigned,
    (Action.rectified, HazardState.awaiting_verification): _rectified,
    (Action.verify, HazardState.rectifying): _verification_failed,
    (Action.verify, HazardState.closed): _closed,
    (Action.self_check, HazardState.awaiting_verification): _self_checked,
    (Action.self_check, HazardState.rectifying): _verification_failed,
    # A hazard re-graded 重大 concerns the chief as one confirmed 重大 does (第16号令: major hazards are the
    # principal's to direct); a regrade is an edge within its state, from each state that allows it.
    **{(Action.regrade, state): _confirmed
       for state in (HazardState.confirmed, HazardState.rectifying, HazardState.awaiting_verification)},
}
