"""A major hazard's own steps: each takes its edge of the workflow table (with its role rules and its event in the
hazard's history) and writes its record in the same flush. Sources: 安监总局令第16号 第十四、十五条 (report,
治理方案), 国务院令第446号 (停产撤人), 煤矿重大事故隐患判定标准 (应急管理部令第4号)."""

from datetime import datetime

from sqlmodel import Session, col, select

from safety_service.clock import utc_now
from safety_service.database import known, saved_id
from safety_service.errors import InvalidInput
from safety_service.hazards import criteria, major_rules
from safety_service.hazards import workflow as hazards_workflow
from safety_service.hazards.major_models import (
    ANALYSIS,
    PLAN_ELEMENTS,
    MajorReportSent,
    PlanStatus,
    ProductionStop,
    Supervision,
    TreatmentPlan,
)
from safety_service.hazards.major_schemas import (
    MajorRecord,
    PlanDecision,
    PlanSubmit,
    ProductionResume,
    ProductionStopInput,
    ReportSend,
    ReportSentPublic,
    StopPublic,
    SupervisionAccept,
    SupervisionList,
    SupervisionPublic,
    TreatmentPlanPublic,
)
from safety_service.hazards.models import Hazard, HazardEvent
from safety_service.hazards.states import Action
from safety_service.people import service as people_service
from safety_service.people.models import User


def _not_future(moment: datetime, now: datetime, field: str) -> None:
    if moment > now:
        raise InvalidInput(f"the {field.replace('_', ' ')} cannot be in the future", field=field)


def submit_plan(session: Session, *, hazard: Hazard, data: PlanSubmit, actor: User,
                now: datetime | None = None) -> HazardEvent:
    """The officer or the assigned owner submits a treatment plan; it waits for the chief's decision."""
    transition = hazards_workflow.transition_for(hazard, Action.submit_plan, actor)
    now = now or utc_now()
    plan = TreatmentPlan(hazard_id=saved_id(hazard), submitted_by_id=saved_id(actor), submitted_at=now, **data.model_dump())
    session.add(plan)
    session.flush()
    return hazards_workflow.move(session, hazard, transition, actor=actor, now=now,
                                  note=data.goal_and_tasks, data={"plan": plan.id})


def decide_plan(session: Session, *, hazard: Hazard, data: PlanDecision, actor: User,
                now: datetime | None = None) -> HazardEvent:
    """The chief approves the waiting plan, or sends it back with the reason."""
    transition = hazards_workflow.transition_for(hazard, Action.decide_plan, actor)
    if not data.approved and data.note is None:
        raise InvalidInput("a plan sent back needs the reason", field="note")
    now = now or utc_now()
    plan = known(major_rules.latest_plan(session, hazard))  # the edge is refused when no plan waits
    plan.status = PlanStatus.approved if data.approved else PlanStatus.returned
    plan.decided_by_id, plan.decided_at, plan.decision_note = actor.id, now, data.note
    session.add(plan)
    return hazards_workflow.move(session, hazard, transition, actor=actor, now=now, note=data.note,
                                  data={"plan": plan.id, "approved": data.approved})


def stop_production(session: Session, *, hazard: Hazard, data: ProductionStopInput, actor: User,
                    now: datetime | None = None) -> HazardEvent:
    """Record 停产撤人 in the affected area."""
    transition = hazards_workflow.transition_for(hazard, Action.stop_production, actor)
    now = now or utc_now()
    _not_future(data.stopped_at, now, "stopped_at")
    stop = ProductionStop(hazard_id=saved_id(hazard), recorded_by_id=saved_id(actor), **data.model_dump())
    session.add(stop)
    session.flush()
    return hazards_workflow.move(session, hazard, transition, actor=actor, now=now, note=data.note, data={
        "stop": stop.id, "area": data.area, "stopped_at": data.stopped_at.isoformat(),
        "people_withdrawn": data.people_withdrawn, "ordered_by": data.ordered_by})


def resume_production(session: Session, *, hazard: Hazard, data: ProductionResume, actor: User,
                      now: datetime | None = None) -> HazardEvent:
    """Record 复产 after the area's acceptance (the chief)."""
    transition = hazards_workflow.transition_for(hazard, Action.resume_production, actor)
    now = now or utc_now()
    stop = known(major_rules.stop_in_force(session, hazard))  # the edge is refused when none is in force
    _not_future(data.resumed_at, now, "resumed_at")
    if data.resumed_at < stop.stopped_at:
        raise InvalidInput("production cannot resume before it stopped", field="resumed_at")
    stop.resumed_at, stop.accepted_by, stop.resume_note = data.resumed_at, data.accepted_by, data.note
    stop.resume_recorded_by_id = actor.id
    session.add(stop)
    return hazards_workflow.move(session, hazard, transition, actor=actor, now=now, note=data.note, data={
        "stop": stop.id, "resumed_at": data.resumed_at.isoformat(), "accepted_by": data.accepted_by})


def send_report(session: Session, *, hazard: Hazard, data: ReportSend, actor: User,
                now: datetime | None = None) -> HazardEvent:
    """Record that the 重大事故隐患报告 went to the regulator or the workers' congress."""
    transition = hazards_workflow.transition_for(hazard, Action.send_report, actor)
    now = now or utc_now()
    _not_future(data.sent_at, now, "sent_at")
    session.add(MajorReportSent(hazard_id=saved_id(hazard), sent_by_id=saved_id(actor), **data.model_dump()))
    return hazards_workflow.move(session, hazard, transition, actor=actor, now=now, note=data.note, data={
        "recipient": str(data.recipient), "recipient_name": data.recipient_name,
        "sent_at": data.sent_at.isoformat()})


def list_supervision(session: Session, *, hazard: Hazard, data: SupervisionList, actor: User,
                     now: datetime | None = None) -> HazardEvent:
    """Record the authority's 挂牌督办 order."""
    transition = hazards_workflow.transition_for(hazard, Action.list_supervision, actor)
    now = now or utc_now()
    _not_future(data.listed_at, now, "listed_at")
    session.add(Supervision(hazard_id=saved_id(hazard), recorded_by_id=saved_id(actor), **data.model_dump()))
    return hazards_workflow.move(session, hazard, transition, actor=actor, now=now, data={
        "order_no": data.order_no, "authority": data.authority, "listed_at": data.listed_at.isoformat()})


def accept_supervision(session: Session, *, hazard: Hazard, data: SupervisionAccept, actor: User,
                       now: datetime | None = None) -> HazardEvent:
    """Record the regulator's acceptance and the 销号 of the listing; the chief may then close the hazard."""
    transition = hazards_workflow.transition_for(hazard, Action.accept_supervision, actor)
    now = now or utc_now()
    listing = known(major_rules.supervision(session, hazard))  # the edge is refused when it is not listed
    _not_future(data.accepted_at, now, "accepted_at")
    _not_future(data.delisted_at, now, "delisted_at")
    if data.delisted_at < data.accepted_at:
        raise InvalidInput("销号 comes after the acceptance", field="delisted_at")
    listing.accepted_at, listing.accepted_by, listing.delisted_at = data.accepted_at, data.accepted_by, data.delisted_at
    listing.accept_note = data.note
    session.add(listing)
    return hazards_workflow.move(session, hazard, transition, actor=actor, now=now, note=data.note, data={
        "accepted_at": data.accepted_at.isoformat(), "accepted_by": data.accepted_by,
        "delisted_at": data.delisted_at.isoformat()})


def record(session: Session, *, hazard: Hazard) -> MajorRecord:
    """The hazard's situation of the standard, plans, stops, reports and listing, oldest first."""
    plans = session.exec(select(TreatmentPlan).where(TreatmentPlan.hazard_id == hazard.id)
                         .order_by(col(TreatmentPlan.id))).all()
    stops = session.exec(select(ProductionStop).where(ProductionStop.hazard_id == hazard.id)
                         .order_by(col(ProductionStop.id))).all()
    sent = session.exec(select(MajorReportSent).where(MajorReportSent.hazard_id == hazard.id)
                        .order_by(col(MajorReportSent.id))).all()
    names = people_service.usernames_of(session, {p.submitted_by_id for p in plans} | {p.decided_by_id for p in plans}
                                        | {r.sent_by_id for r in sent})
    listing = major_rules.supervision(session, hazard)
    situation = session.get(criteria.MajorCriterion, hazard.major_criterion_id) if hazard.major_criterion_id else None
    return MajorRecord(
        ref=hazard.ref, criterion=criteria.public(situation) if situation else None,
        plans=[TreatmentPlanPublic(**{k: getattr(p, k) for k in (*ANALYSIS, *PLAN_ELEMENTS)}, id=saved_id(p), status=p.status,
                          submitted_by=names.get(p.submitted_by_id), submitted_at=p.submitted_at,
                          decided_by=names.get(p.decided_by_id), decided_at=p.decided_at,
                          decision_note=p.decision_note) for p in plans],
        stops=[StopPublic.model_validate(s, from_attributes=True) for s in stops],
        reports=[ReportSentPublic(recipient=r.recipient, recipient_name=r.recipient_name, sent_at=r.sent_at,
                                  sent_by=names.get(r.sent_by_id), note=r.note) for r in sent],
        supervision=SupervisionPublic.model_validate(listing, from_attributes=True) if listing else None,
        plan_approved=bool(plans) and plans[-1].status == PlanStatus.approved,
        production_stopped=any(s.resumed_at is None for s in stops),
    )
