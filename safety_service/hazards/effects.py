"""What each workflow edge sets off besides the state change: notifications, the reporter's kiosk notice,
reward points, all in the same transaction."""

from sqlmodel import Session

from safety_service.config import get_settings
from safety_service.feedback import service as feedback_service
from safety_service.hazards.models import Hazard
from safety_service.hazards.states import Action, Grade, HazardState, Transition
from safety_service.notifications import service as notifications_service
from safety_service.people import service as people_service
from safety_service.people.models import OFFICER_ROLES, Role, User
from safety_service.rewards import service as rewards_service


def on_transition(session: Session, hazard: Hazard, transition: Transition, *, actor: User) -> None:
    """Notify the people each edge concerns, and tell the reporter what became of their report."""
    handler = _HANDLERS.get((transition.action, transition.target))
    if handler is not None:
        handler(session, hazard, actor)
    rewards_service.on_transition(session, hazard=hazard, settings=get_settings())
    feedback_service.tell_reporter(session, hazard, source=transition.source, now=hazard.updated_at)


def _notify(session: Session, hazard: Hazard, kind: str, users: list[User], actor: User) -> None:
    recipients = [u for u in users if u.id != actor.id]
    notifications_service.notify(session, users=recipients, hazard_id=hazard.id, kind=kind,
                                 data={"ref": hazard.ref, "by": actor.username})


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
    if hazard.grade == Grade.major:
        verifiers = people_service.active_users_with_roles(session, roles=[Role.chief])
    else:
        verifiers = _user(session, hazard.assigned_by_id) or people_service.active_users_with_roles(
            session, roles=OFFICER_ROLES
        )
    _notify(session, hazard, "awaiting_verification", verifiers, actor)


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
}
