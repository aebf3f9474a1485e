"""The reward ledger: points by grade on confirmation, a bonus for a closed major hazard, append-only, never twice."""

import pytest
from sqlmodel import Session, select

from safety_service.clock import utc_now
from safety_service.config import Settings
from safety_service.errors import InvalidInput, InvalidTransition
from safety_service.hazards.states import Grade, HazardState
from safety_service.people.models import Role
from safety_service.rewards import service as rewards_service
from safety_service.rewards.models import EntryKind, RewardEntry
from tests.feedback.builders import advance
from tests.hazards.builders import make_hazard
from tests.people.builders import make_person, make_user


def _kinds(session: Session, hazard) -> list[tuple[str, int]]:
    return [(e.kind, e.points) for e in rewards_service.entries_for(session, hazard=hazard)]


def test_a_confirmed_general_report_earns_its_reporter_general_points(session: Session, settings: Settings) -> None:
    person = make_person(session)
    hazard = make_hazard(session, state=HazardState.closed, reporter_employee_no=person.employee_no)
    assert _kinds(session, hazard) == [("award", settings.reward_general_points)]
    assert rewards_service.balance(session, employee_no=person.employee_no) == settings.reward_general_points


def test_a_major_report_earns_major_points_and_the_bonus_once_closed(session: Session, settings: Settings) -> None:
    person = make_person(session)
    hazard = make_hazard(session, state=HazardState.reported, reporter_employee_no=person.employee_no)
    advance(session, hazard, HazardState.awaiting_verification, grade=Grade.major)
    assert _kinds(session, hazard) == [("award", settings.reward_major_points)]
    advance_close(session, hazard)
    assert _kinds(session, hazard) == [("award", settings.reward_major_points),
                                       ("bonus", settings.reward_major_bonus_points)]


def advance_close(session: Session, hazard) -> None:
    from safety_service.hazards import service as hazards_service
    from safety_service.hazards.schemas import HazardVerify

    chief = make_user(session, role=Role.chief)
    hazards_service.verify(session, hazard=hazard, data=HazardVerify(passed=True, note="合格"), actor=chief)


def test_a_rejected_report_or_an_officers_own_finding_earns_nothing(session: Session) -> None:
    person = make_person(session)
    rejected = make_hazard(session, state=HazardState.rejected, reporter_employee_no=person.employee_no)
    assert _kinds(session, rejected) == []
    officer = make_user(session, role=Role.officer)
    finding = make_hazard(session, reporter_employee_no=person.employee_no)
    finding.recorded_by_id = officer.id
    advance(session, finding, HazardState.confirmed)
    assert _kinds(session, finding) == [] and not rewards_service.claimable(session, hazard=finding)


def test_settling_again_adds_nothing_and_the_database_refuses_a_double_award(session: Session,
                                                                             settings: Settings) -> None:
    person = make_person(session)
    hazard = make_hazard(session, state=HazardState.confirmed, reporter_employee_no=person.employee_no)
    assert rewards_service.settle(session, hazard=hazard, settings=settings, now=utc_now()) == 0
    with pytest.raises(Exception, match=r"(?i)unique"), session.begin_nested():
        session.add(RewardEntry(kind=EntryKind.award, points=10, employee_no=person.employee_no,
                                hazard_id=hazard.id, unique_key=f"award:{hazard.id}"))
        session.flush()
    assert len(_kinds(session, hazard)) == 1


def test_an_anonymous_reporter_claims_with_the_tracking_code_once(session: Session, settings: Settings) -> None:
    hazard, person, other = make_hazard(session, state=HazardState.confirmed), make_person(session), make_person(session)
    assert _kinds(session, hazard) == [] and rewards_service.claimable(session, hazard=hazard)
    rewards_service.claim(session, hazard=hazard, employee_no=person.employee_no, settings=settings, now=utc_now())
    assert rewards_service.balance(session, employee_no=person.employee_no) == settings.reward_general_points
    with pytest.raises(InvalidTransition):
        rewards_service.claim(session, hazard=hazard, employee_no=other.employee_no, settings=settings, now=utc_now())
    with pytest.raises(InvalidInput) as unknown:
        rewards_service.claim(session, hazard=make_hazard(session, state=HazardState.confirmed), employee_no="nobody",
                              settings=settings, now=utc_now())
    assert unknown.value.field == "employee_no"


def test_an_unconfirmed_report_cannot_be_claimed(session: Session, settings: Settings) -> None:
    person = make_person(session)
    with pytest.raises(InvalidTransition):
        rewards_service.claim(session, hazard=make_hazard(session), employee_no=person.employee_no,
                              settings=settings, now=utc_now())


def test_a_reversal_takes_the_points_back_with_a_reason_and_only_once(session: Session, settings: Settings) -> None:
    person, officer = make_person(session), make_user(session, role=Role.officer)
    hazard = make_hazard(session, state=HazardState.confirmed, reporter_employee_no=person.employee_no)
    entry = rewards_service.reverse(session, hazard=hazard, reason="举报不实", actor=officer, now=utc_now())
    assert entry.points == -settings.reward_general_points and entry.employee_no == person.employee_no
    assert rewards_service.balance(session, employee_no=person.employee_no) == 0
    with pytest.raises(InvalidTransition):
        rewards_service.reverse(session, hazard=hazard, reason="再次", actor=officer, now=utc_now())
    assert len(session.exec(select(RewardEntry).where(RewardEntry.hazard_id == hazard.id)).all()) == 2


def test_a_withdrawn_anonymous_report_cannot_be_claimed(session: Session, settings: Settings) -> None:
    hazard, person = make_hazard(session, state=HazardState.confirmed), make_person(session)
    rewards_service.reverse(session, hazard=hazard, reason="不实", actor=make_user(session), now=utc_now())
    with pytest.raises(InvalidTransition):
        rewards_service.claim(session, hazard=hazard, employee_no=person.employee_no, settings=settings, now=utc_now())


def test_a_payout_never_exceeds_the_balance(session: Session, settings: Settings) -> None:
    person, officer = make_person(session), make_user(session, role=Role.officer)
    make_hazard(session, state=HazardState.confirmed, reporter_employee_no=person.employee_no)
    with pytest.raises(InvalidInput) as too_much:
        rewards_service.payout(session, employee_no=person.employee_no, points=settings.reward_general_points + 1,
                               reason="现金", actor=officer, now=utc_now())
    assert too_much.value.field == "points"
    rewards_service.payout(session, employee_no=person.employee_no, points=4, reason="现金", actor=officer, now=utc_now())
    assert rewards_service.balance(session, employee_no=person.employee_no) == settings.reward_general_points - 4


def test_a_payout_to_an_unknown_employee_is_refused(session: Session) -> None:
    with pytest.raises(InvalidInput) as unknown:
        rewards_service.payout(session, employee_no="nobody", points=1, reason="现金", actor=make_user(session),
                               now=utc_now())
    assert unknown.value.field == "employee_no"


def test_balances_sum_each_employees_entries_and_codes_prove_only_their_owner(session: Session,
                                                                             settings: Settings) -> None:
    person, other = make_person(session, name="钱七"), make_person(session)
    hazard = make_hazard(session, state=HazardState.closed, reporter_employee_no=person.employee_no)
    rewards_service.payout(session, employee_no=person.employee_no, points=3, reason="现金",
                           actor=make_user(session, role=Role.officer), now=utc_now())
    found = {number: (name, points) for number, name, points in rewards_service.balances(session, limit=10_000)}
    assert found[person.employee_no] == ("钱七", settings.reward_general_points - 3)
    code = hazard.tracking_code.lower()
    assert rewards_service.proves_owner(session, employee_no=person.employee_no, tracking_codes=["NOPE", code])
    assert not rewards_service.proves_owner(session, employee_no=other.employee_no, tracking_codes=[code])


def test_a_claim_is_a_ledger_entry_naming_the_claimant(session: Session, settings: Settings) -> None:
    hazard, person = make_hazard(session, state=HazardState.confirmed), make_person(session)
    rewards_service.claim(session, hazard=hazard, employee_no=person.employee_no, settings=settings, now=utc_now())
    entries = rewards_service.entries_for(session, hazard=hazard)
    assert [(e.kind, e.points, e.employee_no) for e in entries] == [
        ("award", settings.reward_general_points, person.employee_no), ("claim", 0, person.employee_no)]
    assert rewards_service.ledger(session, kind=EntryKind.claim)[0][0][0].employee_no == person.employee_no
