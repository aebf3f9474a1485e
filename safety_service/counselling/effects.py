"""What case changes set off besides the state change: notifications to counsellors, in the same transaction."""

from sqlmodel import Session, col, select

from safety_service.counselling.models import CounsellingCase, CounsellorUnit
from safety_service.counselling.states import Action, Transition
from safety_service.database import known
from safety_service.notifications import service as notifications_service
from safety_service.people import service as people_service
from safety_service.people.models import Person, Role, User


def counsellors_of(session: Session, case: CounsellingCase) -> list[User]:
    """The case's own counsellor while active, else the leads of the worker's unit, else the admins (to assign it)."""
    own = session.get(User, case.counsellor_id) if case.counsellor_id is not None else None
    if own is not None and own.is_active:
        return [own]
    team = known(session.get(Person, case.person_id)).team
    leads = session.exec(select(User).join(CounsellorUnit, col(CounsellorUnit.user_id) == User.id)
                         .where(CounsellorUnit.team == team, col(User.is_active).is_(True))).all() if team else []
    return list(leads) or people_service.active_users_with_roles(session, roles=[Role.admin])


def notify(session: Session, case: CounsellingCase, kind: str, *, actor: User | None, **data: object) -> None:
    """Tell the case's counsellors (never the one who acted); only the case id leaves the case."""
    recipients = [u for u in counsellors_of(session, case) if actor is None or u.id != actor.id]
    notifications_service.notify(session, users=recipients, hazard_id=None, kind=kind,
                                 data={"case_id": case.id, **data})


def on_opened(session: Session, case: CounsellingCase, *, actor: User) -> None:
    """A new case waits for a counsellor's plan."""
    notify(session, case, "case_opened", actor=actor)


def on_transition(session: Session, case: CounsellingCase, transition: Transition, *, actor: User) -> None:
    """A repeat violation during observation is news for the counsellor."""
    if transition.action == Action.repeat:
        notify(session, case, "case_repeat_violation", actor=actor, level=case.level)
