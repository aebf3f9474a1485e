"""A major hazard's own steps (docs/major-hazards.md): the table tested exhaustively, and the rules they put on
rectification and closing."""

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from safety_service.clock import utc_now
from safety_service.errors import InvalidInput, InvalidTransition, PermissionDenied
from safety_service.hazards import major_service
from safety_service.hazards import service as hazards_service
from safety_service.hazards.major_models import PlanStatus
from safety_service.hazards.major_schemas import (
    PlanDecision,
    ProductionResume,
    ProductionStopInput,
    ReportSend,
    SupervisionAccept,
    SupervisionList,
)
from safety_service.hazards.models import HazardEvent
from safety_service.hazards.schemas import HazardConfirm, HazardRectified, HazardRegrade, HazardVerify
from safety_service.hazards.states import Grade, HazardState
from safety_service.people.models import Role
from tests.hazards.builders import PLAN, a_criterion, make_hazard
from tests.people.builders import make_user

S = HazardState
OFFICERS = {"officer", "chief"}
STOPPABLE = {S.confirmed, S.rectifying, S.awaiting_verification}
# Written out from docs/major-hazards.md, independently of safety_service.hazards.states:
# action -> (states it is taken in, who may take it on a major hazard)
EXPECTED = {
    "submit_plan": ({S.confirmed, S.rectifying}, OFFICERS | {"assigned_owner"}),
    "decide_plan": ({S.confirmed, S.rectifying}, {"chief"}),
    "stop_production": (STOPPABLE, OFFICERS | {"dispatcher"}),
    "resume_production": (STOPPABLE, {"chief"}),
    "send_report": (STOPPABLE | {S.closed}, OFFICERS),
    "list_supervision": (STOPPABLE, OFFICERS),
    "accept_supervision": ({S.awaiting_verification}, OFFICERS),
}
ROLES_EVER = {action: {"owner" if who == "assigned_owner" else who for who in whom}
              for action, (_, whom) in EXPECTED.items()}
ACTORS = [r.value for r in Role] + ["assigned_owner"]


def _now():
    return utc_now() - timedelta(minutes=1)


def _inputs(action: str):
    return {
        "submit_plan": PLAN,
        "decide_plan": PlanDecision(approved=True, note="同意"),
        "stop_production": ProductionStopInput(area="3102运输顺槽", stopped_at=_now(), people_withdrawn=12,
                                               ordered_by="调度室 王建国"),
        "resume_production": ProductionResume(resumed_at=_now(), accepted_by="矿长 赵志强"),
        "send_report": ReportSend(recipient="regulator", recipient_name="市能源局", sent_at=_now()),
        "list_supervision": SupervisionList(order_no="督〔2026〕1号", authority="市能源局", listed_at=_now()),
        "accept_supervision": SupervisionAccept(accepted_at=_now(), accepted_by="市能源局验收组", delisted_at=_now()),
    }[action]


def _prepare(session: Session, hazard, action: str) -> None:
    """What the step needs before it (a waiting plan, a stop in force, a listing)."""
    officer, chief = make_user(session, role=Role.officer), make_user(session, role=Role.chief)
    if action == "decide_plan":
        major_service.submit_plan(session, hazard=hazard, data=PLAN, actor=officer)
    elif action == "resume_production":
        major_service.stop_production(session, hazard=hazard, data=_inputs("stop_production"), actor=officer)
    elif action == "accept_supervision":
        major_service.list_supervision(session, hazard=hazard, data=_inputs("list_supervision"), actor=chief)


@pytest.mark.parametrize("grade", list(Grade))
@pytest.mark.parametrize("actor_kind", ACTORS)
@pytest.mark.parametrize("action", list(EXPECTED))
@pytest.mark.parametrize("state", list(HazardState))
def test_every_state_step_and_actor(session: Session, state: HazardState, action: str, actor_kind: str,
                                    grade: Grade) -> None:
    owner = make_user(session, role=Role.owner)
    hazard = make_hazard(session, state=state, grade=grade, owner=owner, plan=action not in ("submit_plan",
                                                                                             "decide_plan"))
    states, whom = EXPECTED[action]
    if grade == Grade.major and state in states:
        _prepare(session, hazard, action)
    actor = owner if actor_kind == "assigned_owner" else make_user(session, role=Role(actor_kind))
    role = "owner" if actor_kind == "assigned_owner" else actor_kind
    is_assigned = actor_kind == "assigned_owner" and state not in (S.reported, S.confirmed, S.rejected)
    before = len(session.exec(select(HazardEvent).where(HazardEvent.hazard_id == hazard.id)).all())
    call = lambda: getattr(major_service, action)(session, hazard=hazard, data=_inputs(action), actor=actor)
    if role not in ROLES_EVER[action]:
        with pytest.raises(PermissionDenied):
            call()
    elif state not in states:
        with pytest.raises(InvalidTransition):
            call()
    elif grade == Grade.general:
        with pytest.raises(PermissionDenied, match="major hazard only"):
            call()
    elif actor_kind not in whom or (actor_kind == "assigned_owner" and not is_assigned):
        with pytest.raises(PermissionDenied):
            call()
    else:
        event = call()
        assert (event.action, event.from_state, event.to_state, hazard.state) == (action, state, state, state)
        assert event.actor_id == actor.id
    after = len(session.exec(select(HazardEvent).where(HazardEvent.hazard_id == hazard.id)).all())
    assert after - before in (0, 1)


def test_grading_major_needs_a_situation_of_the_standard(session: Session) -> None:
    officer = make_user(session, role=Role.officer)
    hazard = make_hazard(session)
    with pytest.raises(InvalidInput) as refused:
        hazards_service.confirm(session, hazard=hazard, data=HazardConfirm(grade=Grade.major, category_code="gas"),
                                actor=officer)
    assert refused.value.field == "major_criterion" and hazard.state == S.reported
    with pytest.raises(InvalidInput, match="only a major"):
        hazards_service.confirm(session, hazard=hazard, actor=officer, data=HazardConfirm(
            grade=Grade.general, category_code="gas", major_criterion=a_criterion(session)))
    event = hazards_service.confirm(session, hazard=hazard, actor=officer, data=HazardConfirm(
        grade=Grade.major, category_code="ventilation", major_criterion=a_criterion(session, "5.2")))
    assert event.data["major_criterion"] == "5.2" and event.data["major_reference"] == "第五条第（二）项"
    assert hazard.major_criterion_id == a_criterion(session, "5.2")


def test_regrading_to_major_needs_the_situation_and_keeps_the_old_one(session: Session) -> None:
    hazard = make_hazard(session, state=S.rectifying)
    chief = make_user(session, role=Role.chief)
    with pytest.raises(InvalidInput) as refused:
        hazards_service.regrade(session, hazard=hazard, actor=chief, data=HazardRegrade(
            grade=Grade.major, category_code="roof", reason="离层量超限"))
    assert refused.value.field == "major_criterion"
    hazards_service.regrade(session, hazard=hazard, actor=chief, data=HazardRegrade(
        grade=Grade.major, category_code="roof", reason="离层量超限", major_criterion=a_criterion(session, "18.9")))
    event = hazards_service.regrade(session, hazard=hazard, actor=chief, data=HazardRegrade(
        grade=Grade.general, category_code="roof", reason="复核后降级"))
    assert hazard.major_criterion_id is None
    assert event.data["previous_major_criterion_id"] == a_criterion(session, "18.9")


def test_a_major_fix_waits_for_an_approved_plan_and_a_returned_one_is_submitted_again(session: Session) -> None:
    owner, chief = make_user(session, role=Role.owner), make_user(session, role=Role.chief)
    hazard = make_hazard(session, state=S.rectifying, grade=Grade.major, owner=owner, plan=False)
    with pytest.raises(PermissionDenied, match="treatment plan"):
        hazards_service.mark_rectified(session, hazard=hazard, data=HazardRectified(note="已整改"), actor=owner)
    major_service.submit_plan(session, hazard=hazard, data=PLAN, actor=owner)
    with pytest.raises(InvalidInput) as no_reason:
        major_service.decide_plan(session, hazard=hazard, data=PlanDecision(approved=False), actor=chief)
    assert no_reason.value.field == "note"
    major_service.decide_plan(session, hazard=hazard, data=PlanDecision(approved=False, note="应急预案不具体"),
                              actor=chief)
    with pytest.raises(PermissionDenied, match="treatment plan"):
        hazards_service.mark_rectified(session, hazard=hazard, data=HazardRectified(note="已整改"), actor=owner)
    major_service.submit_plan(session, hazard=hazard, data=PLAN, actor=owner)
    major_service.decide_plan(session, hazard=hazard, data=PlanDecision(approved=True), actor=chief)
    hazards_service.mark_rectified(session, hazard=hazard, data=HazardRectified(note="已整改"), actor=owner)
    record = major_service.record(session, hazard=hazard)
    assert [p.status for p in record.plans] == [PlanStatus.returned, PlanStatus.approved]
    assert record.plans[0].decision_note == "应急预案不具体" and record.plan_approved
    actions = [e.action for e, _ in hazards_service.history(session, hazard=hazard)]
    assert actions[-5:] == ["submit_plan", "decide_plan", "submit_plan", "decide_plan", "rectified"]


def test_closing_waits_for_resumption_and_for_the_regulators_acceptance(session: Session) -> None:
    officer, chief = make_user(session, role=Role.officer), make_user(session, role=Role.chief)
    hazard = make_hazard(session, state=S.awaiting_verification, grade=Grade.major)
    major_service.stop_production(session, hazard=hazard, data=_inputs("stop_production"), actor=officer)
    major_service.list_supervision(session, hazard=hazard, data=_inputs("list_supervision"), actor=officer)
    close = lambda: hazards_service.verify(session, hazard=hazard, data=HazardVerify(passed=True, note="合格"),
                                           actor=chief)
    with pytest.raises(PermissionDenied) as stopped:
        close()
    assert stopped.value.details["reason"] == "production_stopped"
    major_service.resume_production(session, hazard=hazard, data=_inputs("resume_production"), actor=chief)
    with pytest.raises(PermissionDenied) as listed:
        close()
    assert listed.value.details["reason"] == "supervision_open"
    major_service.accept_supervision(session, hazard=hazard, data=_inputs("accept_supervision"), actor=officer)
    close()
    assert hazard.state == S.closed
    record = major_service.record(session, hazard=hazard)
    assert record.stops[0].accepted_by == "矿长 赵志强" and record.supervision.delisted_at is not None
    assert not record.production_stopped


def test_a_failed_check_is_not_held_back_by_the_major_rules(session: Session) -> None:
    hazard = make_hazard(session, state=S.awaiting_verification, grade=Grade.major)
    major_service.stop_production(session, hazard=hazard, data=_inputs("stop_production"),
                                  actor=make_user(session, role=Role.officer))
    hazards_service.verify(session, hazard=hazard, data=HazardVerify(passed=False, note="风量仍不足"),
                           actor=make_user(session, role=Role.chief))
    assert hazard.state == S.rectifying


def test_times_in_the_future_and_resuming_before_stopping_are_refused(session: Session) -> None:
    officer, chief = make_user(session, role=Role.officer), make_user(session, role=Role.chief)
    hazard = make_hazard(session, state=S.rectifying, grade=Grade.major)
    later = utc_now() + timedelta(hours=2)
    with pytest.raises(InvalidInput) as future:
        major_service.stop_production(session, hazard=hazard, actor=officer, data=ProductionStopInput(
            area="工作面", stopped_at=later, people_withdrawn=3, ordered_by="带班矿长"))
    assert future.value.field == "stopped_at"
    major_service.stop_production(session, hazard=hazard, data=_inputs("stop_production"), actor=officer)
    with pytest.raises(InvalidInput) as early:
        major_service.resume_production(session, hazard=hazard, actor=chief, data=ProductionResume(
            resumed_at=utc_now() - timedelta(days=1), accepted_by="矿长"))
    assert early.value.field == "resumed_at"
