"""The workflow table of DESIGN.md, tested exhaustively: every (from state, action, actor) pair."""

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlmodel import Session, select

from safety_service.clock import utc_now
from safety_service.errors import InvalidTransition, PermissionDenied
from safety_service.hazards import service as hazards_service
from safety_service.hazards.models import HazardEvent
from safety_service.hazards.schemas import HazardAssign, HazardConfirm, HazardRectified, HazardReject, HazardVerify
from safety_service.hazards.states import TRANSITIONS, Grade, HazardState
from safety_service.people.models import Role
from tests.hazards.builders import make_hazard
from tests.people.builders import make_user

S = HazardState
OFFICERS = {"officer", "chief"}
# Written out from DESIGN.md, independently of safety_service.hazards.states.
DESIGN_EDGES = {
    (S.reported, S.confirmed), (S.reported, S.rejected), (S.confirmed, S.rectifying),
    (S.rectifying, S.awaiting_verification), (S.awaiting_verification, S.closed),
    (S.awaiting_verification, S.rectifying),
    # docs/mine-rules.md: changes within rectification (extension, reassignment) and 复查不合格 reopening
    (S.rectifying, S.rectifying), (S.closed, S.rectifying),
    (S.confirmed, S.confirmed), (S.awaiting_verification, S.awaiting_verification),  # re-grading
    (S.closed, S.closed),  # docs/major-hazards.md: the 重大事故隐患报告 sent after closing (销号 report)
}
# action -> (from state, to state, actors who may, given the grade)
ACTIONS = {
    "confirm": (S.reported, S.confirmed, lambda grade: OFFICERS),
    "reject": (S.reported, S.rejected, lambda grade: OFFICERS),
    "assign": (S.confirmed, S.rectifying, lambda grade: OFFICERS),
    "rectified": (S.rectifying, S.awaiting_verification, lambda grade: {"assigned_owner"}),
    "verify_pass": (S.awaiting_verification, S.closed,
                    lambda grade: {"chief"} if grade == Grade.major else OFFICERS),
    "verify_fail": (S.awaiting_verification, S.rectifying, lambda grade: OFFICERS),
}
# An owner may verify where a hazard's level lets its unit's leader do so (tests/hazards/test_levels.py).
ROLE_MAY_EVER = {"confirm": OFFICERS, "reject": OFFICERS, "assign": OFFICERS,
                 "verify_pass": OFFICERS | {"owner"}, "verify_fail": OFFICERS | {"owner"}, "rectified": {r.value for r in Role}}
ACTORS = [r.value for r in Role] + ["assigned_owner"]


def _inputs(action: str, session: Session) -> dict:
    later = utc_now() + timedelta(days=5)
    owner = make_user(session, role=Role.owner)
    return {
        "confirm": HazardConfirm(grade=Grade.general, category_code="gas"),
        "reject": HazardReject(reason="重复上报"),
        "assign": HazardAssign(owner=owner.username, measures="加强通风", funds=Decimal(500),
                               deadline=later, contingency_plan="撤人"),
        "rectified": HazardRectified(note="已处理"),
        "verify_pass": HazardVerify(passed=True, note="合格"),
        "verify_fail": HazardVerify(passed=False, note="不合格"),
    }[action]


FUNCTIONS = {
    "confirm": hazards_service.confirm, "reject": hazards_service.reject, "assign": hazards_service.assign,
    "rectified": hazards_service.mark_rectified, "verify_pass": hazards_service.verify,
    "verify_fail": hazards_service.verify,
}


def test_the_edges_are_exactly_the_design_table() -> None:
    assert {(t.source, t.target) for t in TRANSITIONS} == DESIGN_EDGES


@pytest.mark.parametrize("grade", list(Grade))
@pytest.mark.parametrize("actor_kind", ACTORS)
@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("state", list(HazardState))
def test_every_state_action_and_actor(session: Session, state: HazardState, action: str, actor_kind: str,
                                      grade: Grade) -> None:
    owner = make_user(session, role=Role.owner)
    hazard = make_hazard(session, state=state, grade=grade, owner=owner)
    actor = owner if actor_kind == "assigned_owner" else make_user(session, role=Role(actor_kind))
    role = "owner" if actor_kind == "assigned_owner" else actor_kind
    source, target, who = ACTIONS[action]
    events_before = len(session.exec(select(HazardEvent).where(HazardEvent.hazard_id == hazard.id)).all())
    data = _inputs(action, session)
    is_assigned_owner = actor_kind == "assigned_owner" and state in (S.rectifying, S.awaiting_verification, S.closed)
    allowed_actor = actor_kind in who(grade) and (actor_kind != "assigned_owner" or is_assigned_owner)

    call = lambda: FUNCTIONS[action](session, hazard=hazard, data=data, actor=actor)
    if role not in ROLE_MAY_EVER[action]:
        with pytest.raises(PermissionDenied):
            call()
    elif state != source:
        with pytest.raises(InvalidTransition) as refused:
            call()
        assert set(refused.value.details["allowed"]) == {
            t.action.value for t in TRANSITIONS if t.source == state
        }
    elif not allowed_actor:
        with pytest.raises(PermissionDenied):
            call()
    else:
        event = call()
        assert (hazard.state, event.from_state, event.to_state) == (target, source, target)
        assert event.actor_id == actor.id
    events_after = session.exec(select(HazardEvent).where(HazardEvent.hazard_id == hazard.id)).all()
    moved = hazard.state != state
    assert len(events_after) == events_before + (1 if moved else 0)
    assert hazard.is_open == (hazard.state not in (S.closed, S.rejected))


def test_an_officer_who_owns_the_fix_cannot_verify_it(session: Session) -> None:
    officer_owner = make_user(session, role=Role.officer)
    hazard = make_hazard(session, state=S.awaiting_verification, owner=officer_owner)
    with pytest.raises(PermissionDenied, match="own fix"):
        hazards_service.verify(session, hazard=hazard, data=HazardVerify(passed=True, note="ok"), actor=officer_owner)
    assert hazard.state == S.awaiting_verification


def test_a_major_hazard_is_closed_by_the_chief_only(session: Session) -> None:
    hazard = make_hazard(session, state=S.awaiting_verification, grade=Grade.major)
    with pytest.raises(PermissionDenied, match="chief"):
        hazards_service.verify(session, hazard=hazard, data=HazardVerify(passed=True, note="ok"),
                               actor=make_user(session, role=Role.officer))
    hazards_service.verify(session, hazard=hazard, data=HazardVerify(passed=True, note="ok"),
                           actor=make_user(session, role=Role.chief))
    assert hazard.state == S.closed and hazard.closed_at is not None


def test_the_history_tells_the_whole_loop_in_order(session: Session) -> None:
    hazard = make_hazard(session, state=S.closed)
    events = hazards_service.history(session, hazard=hazard)
    assert [(e.from_state, e.to_state) for e, _ in events] == [
        (None, "reported"), ("reported", "confirmed"), ("confirmed", "rectifying"),
        ("rectifying", "awaiting_verification"), ("awaiting_verification", "closed"),
    ]
    assert all(actor is not None for _, actor in events[1:])


def test_a_failed_verification_with_a_new_deadline_restarts_the_ladder(session: Session) -> None:
    hazard = make_hazard(session, state=S.awaiting_verification)
    hazard.escalation_level = 2
    new_deadline = utc_now() + timedelta(days=2)
    hazards_service.verify(session, hazard=hazard, actor=make_user(session, role=Role.officer),
                           data=HazardVerify(passed=False, note="支护不合格", new_deadline=new_deadline))
    assert hazard.state == S.rectifying
    assert hazard.deadline == new_deadline and hazard.escalation_level == 0
