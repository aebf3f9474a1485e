"""The rules a major hazard's records put on the workflow, read by ``hazards.workflow`` for every edge.

- 安监总局令第16号 第十五条: a major hazard is treated by an approved 治理方案, so its fix is submitted
  (``rectified``) and passed (``verify`` to closed) only once the chief has approved one.
- 国务院令第446号 and 煤矿重大事故隐患判定标准: production stops in the affected area; the hazard is not closed
  while a stop has no 复产 record.
- 挂牌督办: a listed hazard is closed after the regulator's acceptance and 销号.
"""

from sqlmodel import Session, col, select

from safety_service.hazards.major_models import PlanStatus, ProductionStop, Supervision, TreatmentPlan
from safety_service.hazards.models import Hazard
from safety_service.hazards.states import Action, Grade, HazardState, Transition
from safety_service.people.models import Role, User

# Why an edge is refused, by code (the console's message keys, console.refusal.<code>).
MAJOR_REFUSALS = {
    "not_major": "this step is for a major hazard only",
    "plan_not_approved": "a major hazard's fix waits for a treatment plan approved by the mine safety chief",
    "plan_waiting": "a treatment plan is already waiting for the chief's decision",
    "plan_approved": "the treatment plan is already approved",
    "no_plan_waiting": "no treatment plan is waiting for a decision",
    "production_stopped": "production in the affected area is stopped and has not resumed",
    "production_running": "no production stop is in force",
    "already_listed": "the hazard is already listed for supervision",
    "not_listed": "the hazard is not listed for supervision",
    "already_delisted": "the listing is already accepted and cancelled (销号)",
    "supervision_open": "a listed hazard is closed after the regulator's acceptance and 销号",
}

# Refusals that only say there is nothing to act on: a page shows them no more than it offers the step.
SILENT = frozenset({"not_major", "no_plan_waiting", "plan_approved", "production_running", "already_listed",
                    "not_listed", "already_delisted"})


def latest_plan(session: Session, hazard: Hazard) -> TreatmentPlan | None:
    """The hazard's newest treatment plan."""
    query = select(TreatmentPlan).where(TreatmentPlan.hazard_id == hazard.id).order_by(col(TreatmentPlan.id).desc())
    return session.exec(query).first()


def stop_in_force(session: Session, hazard: Hazard) -> ProductionStop | None:
    """The production stop without a resumption, if any."""
    query = select(ProductionStop).where(ProductionStop.hazard_id == hazard.id,
                                         col(ProductionStop.resumed_at).is_(None))
    return session.exec(query).first()


def supervision(session: Session, hazard: Hazard) -> Supervision | None:
    """The hazard's listing for supervision (挂牌督办), if any."""
    return session.exec(select(Supervision).where(Supervision.hazard_id == hazard.id)).first()


def refusal(hazard: Hazard, transition: Transition, actor: User) -> str | None:
    """Why a major hazard's records refuse this edge now (a code of MAJOR_REFUSALS), or None."""
    if transition.major_only and hazard.grade != Grade.major:
        return "not_major"
    if hazard.grade != Grade.major:
        return None
    session = Session.object_session(hazard)
    if not isinstance(session, Session):  # a detached hazard: no records to read
        return None
    check = _CHECKS.get(transition.action)
    return check(session, hazard, transition, actor) if check else None


def _plan_approved(session: Session, hazard: Hazard) -> bool:
    plan = latest_plan(session, hazard)
    return plan is not None and plan.status == PlanStatus.approved


def _rectified(session: Session, hazard: Hazard, transition: Transition, actor: User) -> str | None:
    return None if _plan_approved(session, hazard) else "plan_not_approved"


def _verify(session: Session, hazard: Hazard, transition: Transition, actor: User) -> str | None:
    if transition.target != HazardState.closed:
        return None
    if not _plan_approved(session, hazard):
        return "plan_not_approved"
    if stop_in_force(session, hazard) is not None:
        return "production_stopped"
    listing = supervision(session, hazard)
    return "supervision_open" if listing is not None and listing.delisted_at is None else None


def _submit_plan(session: Session, hazard: Hazard, transition: Transition, actor: User) -> str | None:
    if actor.role == Role.owner and hazard.owner_id != actor.id:
        return "not_assigned_owner"
    plan = latest_plan(session, hazard)
    if plan is not None and plan.status == PlanStatus.submitted:
        return "plan_waiting"
    return "plan_approved" if plan is not None and plan.status == PlanStatus.approved else None


def _decide_plan(session: Session, hazard: Hazard, transition: Transition, actor: User) -> str | None:
    plan = latest_plan(session, hazard)
    return None if plan is not None and plan.status == PlanStatus.submitted else "no_plan_waiting"


def _stop(session: Session, hazard: Hazard, transition: Transition, actor: User) -> str | None:
    return "production_stopped" if stop_in_force(session, hazard) is not None else None


def _resume(session: Session, hazard: Hazard, transition: Transition, actor: User) -> str | None:
    return None if stop_in_force(session, hazard) is not None else "production_running"


def _list(session: Session, hazard: Hazard, transition: Transition, actor: User) -> str | None:
    return "already_listed" if supervision(session, hazard) is not None else None


def _accept(session: Session, hazard: Hazard, transition: Transition, actor: User) -> str | None:
    listing = supervision(session, hazard)
    if listing is None:
        return "not_listed"
    return "already_delisted" if listing.delisted_at is not None else None


_CHECKS = {
    Action.rectified: _rectified, Action.verify: _verify, Action.submit_plan: _submit_plan,
    Action.decide_plan: _decide_plan, Action.stop_production: _stop, Action.resume_production: _resume,
    Action.list_supervision: _list, Action.accept_supervision: _accept,
}
