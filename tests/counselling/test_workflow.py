"""The case workflow table, tested exhaustively: every (from state, action, role) allowed or refused."""

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from safety_service.clock import utc_now
from safety_service.counselling import service as cases
from safety_service.counselling.models import CaseEvent, CounsellingCase
from safety_service.counselling.schemas import CaseBegin, CaseClose, CaseObserve, CasePlan
from safety_service.counselling.states import TRANSITIONS, CaseState
from safety_service.errors import InvalidTransition, PermissionDenied
from safety_service.people.models import Person, Role
from tests.counselling.builders import SETTINGS, contact, make_case, make_violation
from tests.people.builders import make_user

S = CaseState
CASE_ROLES = {"counsellor", "admin"}
RECORDERS = {"supervisor", "officer", "chief", "admin"}
# Written out from DESIGN.md and the issue, independently of safety_service.counselling.states.
DESIGN_EDGES = {
    ("plan", S.opened, S.planned), ("begin", S.planned, S.counselling), ("observe", S.counselling, S.observation),
    ("close", S.observation, S.closed), ("repeat", S.observation, S.counselling),
}
MANUAL = {"plan": S.opened, "begin": S.planned, "observe": S.counselling, "close": S.observation}
FUNCTIONS = {
    "plan": lambda s, c, a: cases.plan(s, case=c, actor=a, settings=SETTINGS,
                                       data=CasePlan(plan="谈心+家访", family_contacts=[contact()])),
    "begin": lambda s, c, a: cases.begin(s, case=c, actor=a, data=CaseBegin(note="开始帮教")),
    "observe": lambda s, c, a: cases.observe(s, case=c, actor=a, settings=SETTINGS, data=CaseObserve()),
    "close": lambda s, c, a: cases.close(s, case=c, actor=a, data=CaseClose(review_note="考察期满")),
}
TARGET = {"plan": S.planned, "begin": S.counselling, "observe": S.observation, "close": S.closed}


def _events(session: Session, case_id: int) -> int:
    return len(session.exec(select(CaseEvent).where(CaseEvent.case_id == case_id)).all())


def test_the_edges_are_exactly_the_design_table() -> None:
    assert {(str(t.action), t.source, t.target) for t in TRANSITIONS} == DESIGN_EDGES
    assert {str(t.action) for t in TRANSITIONS if t.automatic} == {"repeat"}


# Whether the probation is over matters to ``close`` only; the other actions run once.
CASES = [(state, action, role, over) for state in CaseState for action in MANUAL for role in Role
         for over in ((False, True) if action == "close" else (False,))]


@pytest.mark.parametrize(("state", "action", "role", "probation_over"), CASES)
def test_every_state_action_and_role(session: Session, state: CaseState, action: str, role: Role,
                                     probation_over: bool) -> None:
    start = utc_now() - timedelta(days=40) if probation_over else utc_now()
    case = make_case(session, state=state, now=start)
    actor = make_user(session, role=role)
    before = _events(session, case.id)
    call = lambda: FUNCTIONS[action](session, case, actor)

    if role.value not in CASE_ROLES:
        with pytest.raises(PermissionDenied):
            call()
    elif state != MANUAL[action]:
        with pytest.raises(InvalidTransition) as refused:
            call()
        assert set(refused.value.details["allowed"]) == {
            str(t.action) for t in TRANSITIONS if t.source == state and not t.automatic}
    elif action == "close" and not probation_over and role != Role.admin:
        with pytest.raises(InvalidTransition, match="observation period ends"):
            call()
    else:
        event = call()
        assert (case.state, event.from_state, event.to_state) == (TARGET[action], state, TARGET[action])
        assert event.actor_id == actor.id
    moved = case.state != state
    assert _events(session, case.id) == before + (1 if moved else 0)
    assert (case.active_person_id is None) == (case.state == S.closed)


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("state", list(CaseState))
def test_a_violation_recorded_in_every_state_by_every_role(session: Session, state: CaseState, role: Role) -> None:
    case = make_case(session, state=state)
    actor = make_user(session, role=role)
    worker_id, level, before = case.person_id, case.level, _events(session, case.id)
    if role.value not in RECORDERS:
        with pytest.raises(PermissionDenied):
            make_violation(session, person=session.get(Person, worker_id), recorder=actor)
        assert (case.state, _events(session, case.id)) == (state, before)
        return
    violation = make_violation(session, person=session.get(Person, worker_id), recorder=actor)
    assert violation.repeat  # the case's own violation came within the repeat window
    if state == S.closed:
        assert violation.case_id != case.id and case.state == S.closed
        reopened = session.get(CounsellingCase, violation.case_id)
        assert (reopened.state, reopened.level) == (S.opened, 2)
    elif state == S.observation:
        assert (case.state, case.level, violation.case_id) == (S.counselling, level + 1, case.id)
        last = session.exec(select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id.desc())).first()
        assert (last.action, last.from_state, last.to_state, last.actor_id) == ("repeat", "observation",
                                                                                "counselling", actor.id)
    else:  # a repeat joining an open case lifts it to the repeat's step of the ladder
        assert (case.state, case.level, violation.case_id) == (state, max(level, 2), case.id)
        assert _events(session, case.id) == before + 1
