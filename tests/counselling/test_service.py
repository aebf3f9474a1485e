"""What each step of a case requires, and what recording a violation does to the worker's case."""

from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from safety_service.clock import utc_now
from safety_service.counselling import family
from safety_service.counselling import service as cases
from safety_service.counselling.family_schemas import AgreementRecord, SessionCreate
from safety_service.counselling.models import CounsellingCase, CounsellorUnit
from safety_service.counselling.schemas import CaseBegin, CaseClose, CaseObserve, CasePlan
from safety_service.counselling.states import CaseState, SessionKind
from safety_service.errors import AlreadyExists, InvalidInput, InvalidTransition
from safety_service.notifications.models import Notification
from safety_service.people.models import Person, Role
from tests.counselling.builders import SETTINGS, contact, make_case, make_contact, make_violation, record_session
from tests.people.builders import make_person, make_user

S = CaseState


@pytest.fixture
def counsellor(session: Session):
    return make_user(session, role=Role.counsellor)


def test_a_plan_needs_a_family_contact_and_then_keeps_the_given_ones(session: Session, counsellor) -> None:
    case = make_case(session)
    with pytest.raises(InvalidInput) as refused:
        cases.plan(session, case=case, data=CasePlan(plan="家访"), actor=counsellor, settings=SETTINGS)
    assert refused.value.field == "family_contacts" and case.state == S.opened
    make_contact(session, case.person_id, counsellor)
    now = utc_now()
    cases.plan(session, case=case, data=CasePlan(plan="家访"), actor=counsellor, settings=SETTINGS, now=now)
    assert case.state == S.planned and case.counsellor_id == counsellor.id
    assert case.next_session_due_at == now + timedelta(days=14)


def test_counselling_begins_only_with_the_signed_agreement(session: Session, counsellor) -> None:
    case = make_case(session)
    cases.plan(session, case=case, data=CasePlan(plan="家访", family_contacts=[contact()]), actor=counsellor,
               settings=SETTINGS)
    with pytest.raises(InvalidInput) as refused:
        cases.begin(session, case=case, data=CaseBegin(), actor=counsellor)
    assert refused.value.field == "agreement" and case.state == S.planned


def test_the_agreement_is_signed_by_the_workers_own_family(session: Session, counsellor) -> None:
    case = make_case(session, state=S.planned)
    stranger = make_contact(session, make_person(session).id, counsellor)
    with pytest.raises(InvalidInput, match="family contacts"):
        family.record_agreement(session, case=case, actor=counsellor,
                                data=AgreementRecord(signed_on=date.today(), family_contact_id=stranger.id))
    with pytest.raises(InvalidInput) as future:
        family.record_agreement(session, case=case, actor=counsellor, data=AgreementRecord(
            signed_on=date.today() + timedelta(days=5), family_contact_id=family.list_contacts(
                session, person_id=case.person_id)[0].id))
    assert future.value.field == "signed_on"


def test_observation_needs_a_session_since_counselling_restarted(session: Session, counsellor) -> None:
    case = make_case(session, state=S.observation, counsellor=counsellor)
    make_violation(session, person=_person(session, case))
    assert case.state == S.counselling and case.level == 2
    assert case.next_session_due_at is not None and case.observation_ends_at is None
    with pytest.raises(InvalidInput) as refused:
        cases.observe(session, case=case, data=CaseObserve(), actor=counsellor, settings=SETTINGS)
    assert refused.value.field == "sessions"
    now = utc_now()
    record_session(session, case, counsellor, now=now)
    cases.observe(session, case=case, data=CaseObserve(), actor=counsellor, settings=SETTINGS, now=now)
    assert case.observation_ends_at == now + timedelta(days=30) and case.state == S.observation


def test_an_admin_may_close_early_and_the_event_says_so(session: Session) -> None:
    case = make_case(session, state=S.observation)
    event = cases.close(session, case=case, data=CaseClose(review_note="调离本矿"),
                        actor=make_user(session, role=Role.admin))
    assert case.state == S.closed and event.data == {"early": True} and case.active_person_id is None


def test_a_violation_without_auto_open_waits_for_a_counsellor(session: Session, counsellor) -> None:
    violation = make_violation(session, auto_open=False)
    assert violation.case_id is None
    case = cases.open_case(session, violation=violation, actor=counsellor)
    assert (case.state, case.counsellor_id, violation.case_id) == (S.opened, counsellor.id, case.id)
    with pytest.raises(AlreadyExists):
        cases.open_case(session, violation=violation, actor=counsellor)
    second = make_violation(session, person=_person(session, case), auto_open=False)
    assert second.case_id == case.id  # an open case takes the worker's later violations


def test_one_open_case_per_worker(session: Session, counsellor) -> None:
    case = make_case(session, state=S.planned)
    stray = make_violation(session, person=_person(session, case), auto_open=False)
    stray.case_id = None  # as if recorded before the case existed
    with pytest.raises(AlreadyExists, match=f"case {case.id}"):
        cases.open_case(session, violation=stray, actor=counsellor)


def test_sessions_only_on_a_live_case_and_never_in_the_future(session: Session, counsellor) -> None:
    data = SessionCreate(kind=SessionKind.talk, held_on=date.today(), participants=["王五"], note="谈话")
    for state in (S.opened, S.closed):
        with pytest.raises(InvalidTransition):
            family.record_session(session, case=make_case(session, state=state), data=data, actor=counsellor,
                                  settings=SETTINGS)
    case = make_case(session, state=S.counselling)
    later = data.model_copy(update={"held_on": date.today() + timedelta(days=3)})
    with pytest.raises(InvalidInput) as refused:
        family.record_session(session, case=case, data=later, actor=counsellor, settings=SETTINGS)
    assert refused.value.field == "held_on"
    now = utc_now()
    family.record_session(session, case=case, data=data, actor=counsellor, settings=SETTINGS, now=now)
    assert case.next_session_due_at == now + timedelta(days=14)


def test_a_new_case_goes_to_the_units_lead_counsellors_and_repeats_to_its_own(session: Session, counsellor) -> None:
    make_user(session, role=Role.counsellor)  # another counsellor, who hears nothing of it
    lead = make_user(session, role=Role.counsellor)
    worker = make_person(session, team=f"综采{lead.id}队")
    session.add(CounsellorUnit(user_id=lead.id, team=worker.team))
    case = make_case(session, state=S.observation, counsellor=counsellor, person=worker)
    assert _notified(session, case.id, "case_opened") == {lead.id}  # not every counsellor: the unit's lead
    make_violation(session, person=_person(session, case))
    assert _notified(session, case.id, "case_repeat_violation") == {counsellor.id}


def test_the_history_tells_the_whole_case_in_order(session: Session) -> None:
    case = make_case(session, state=S.closed)
    assert [(e.action, e.to_state) for e, _ in cases.history(session, case=case)] == [
        ("opened", "opened"), ("plan", "planned"), ("agreement_recorded", None), ("begin", "counselling"),
        ("session_recorded", None), ("observe", "observation"), ("close", "closed")]


def test_a_new_case_of_a_unit_without_a_lead_goes_to_the_admins(session: Session) -> None:
    admin, counsellor = make_user(session, role=Role.admin), make_user(session, role=Role.counsellor)
    case = make_case(session, person=make_person(session, team=f"无组长{admin.id}队"))
    told = _notified(session, case.id, "case_opened")
    assert admin.id in told and counsellor.id not in told


def _person(session: Session, case: CounsellingCase) -> Person:
    return session.get(Person, case.person_id)


def _notified(session: Session, case_id: int, kind: str) -> set[int]:
    rows = session.exec(select(Notification).where(Notification.kind == kind)).all()
    return {n.user_id for n in rows if n.data["case_id"] == case_id}


def test_a_case_opened_by_a_concurrent_request_is_joined_not_doubled(session: Session, monkeypatch) -> None:
    case = make_case(session, state=S.planned)
    real = cases.active_case
    calls = iter([None])  # the first look misses the case, as a concurrent request's would
    monkeypatch.setattr(cases, "active_case", lambda s, *, person_id: next(calls, None) or real(s, person_id=person_id))
    violation = make_violation(session, person=_person(session, case))
    assert violation.case_id == case.id and case.state == S.planned
    assert len(session.exec(select(CounsellingCase).where(CounsellingCase.person_id == case.person_id)).all()) == 1
