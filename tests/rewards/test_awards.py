"""Cash awards per 安委〔2024〕7号: the scale, the officer's proposal, the chief's or union's decision, payment."""

from decimal import Decimal

import pytest
from sqlmodel import Session

from safety_service.clock import utc_now
from safety_service.errors import InvalidInput, InvalidTransition, PermissionDenied
from safety_service.hazards.states import Grade, HazardState, ReportType
from safety_service.people.models import Role
from safety_service.rewards import awards
from safety_service.rewards import service as points
from safety_service.rewards.models import AwardState, PayMethod
from tests.hazards.builders import make_hazard
from tests.people.builders import make_person, make_user

EDGES = [(AwardState.proposed, AwardState.approved), (AwardState.proposed, AwardState.refused),
         (AwardState.approved, AwardState.paid)]


def _confirmed(session: Session, *, grade: Grade = Grade.general, named: bool = True):
    person = make_person(session, name="李强")
    hazard = make_hazard(session, state=HazardState.confirmed, grade=grade,
                         reporter_employee_no=person.employee_no if named else None)
    return hazard, person


def _proposed(session: Session, **kwargs):
    hazard, person = _confirmed(session, **kwargs)
    officer = make_user(session, role=Role.officer)
    award = awards.propose(session, hazard=hazard, actor=officer, now=utc_now(), report_type=ReportType.unsafe_act)
    return award, hazard, person


def test_the_seeded_scale_pays_a_major_hazard_more_than_a_general_one(session: Session) -> None:
    general = awards.scale_amount(session, grade="general", report_type="unsafe_condition")
    major = awards.scale_amount(session, grade="major", report_type="unsafe_condition")
    assert general == Decimal("100.00") and major == Decimal("2000.00")
    assert len(awards.scale(session)) == 8


def test_a_proposal_takes_the_scale_amount_and_another_needs_a_note(session: Session) -> None:
    hazard, _ = _confirmed(session, grade=Grade.major)
    officer = make_user(session, role=Role.officer)
    with pytest.raises(InvalidInput) as missing_type:
        awards.propose(session, hazard=hazard, actor=officer, now=utc_now())
    assert missing_type.value.field == "report_type"
    with pytest.raises(InvalidInput) as no_note:
        awards.propose(session, hazard=hazard, actor=officer, now=utc_now(), amount=Decimal(5000),
                       report_type=ReportType.unsafe_condition)
    assert no_note.value.field == "note"
    award = awards.propose(session, hazard=hazard, actor=officer, now=utc_now(), report_type=ReportType.unsafe_condition)
    assert award.amount == Decimal("2000.00") and award.state == AwardState.proposed and award.grade == "major"
    with pytest.raises(InvalidTransition):
        awards.propose(session, hazard=hazard, actor=officer, now=utc_now(), report_type=ReportType.unsafe_condition)


def test_only_the_first_valid_report_earns_an_award(session: Session) -> None:
    officer = make_user(session, role=Role.officer)
    duplicate = make_hazard(session, state=HazardState.rejected)
    with pytest.raises(InvalidTransition):
        awards.propose(session, hazard=duplicate, actor=officer, now=utc_now(), report_type=ReportType.unsafe_act)
    unconfirmed = make_hazard(session)
    with pytest.raises(InvalidTransition):
        awards.propose(session, hazard=unconfirmed, actor=officer, now=utc_now(), report_type=ReportType.unsafe_act)
    hazard, _ = _confirmed(session)
    points.reverse(session, hazard=hazard, reason="不实", actor=officer, now=utc_now())
    with pytest.raises(InvalidTransition):
        awards.propose(session, hazard=hazard, actor=officer, now=utc_now(), report_type=ReportType.unsafe_act)


@pytest.mark.parametrize("role", list(Role))
def test_who_may_propose(session: Session, role: Role) -> None:
    hazard, _ = _confirmed(session)
    actor = make_user(session, role=role)
    if role in (Role.officer, Role.chief):
        assert awards.propose(session, hazard=hazard, actor=actor, now=utc_now(),
                              report_type=ReportType.unsafe_act).state == AwardState.proposed
    else:
        with pytest.raises(PermissionDenied):
            awards.propose(session, hazard=hazard, actor=actor, now=utc_now(), report_type=ReportType.unsafe_act)


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize(("source", "target"), EDGES)
def test_every_edge_against_every_role(session: Session, role: Role, source: AwardState, target: AwardState) -> None:
    award, _, _ = _proposed(session)
    if source == AwardState.approved:
        awards.decide(session, award=award, approved=True, reason=None, actor=make_user(session, role=Role.chief),
                      now=utc_now())
    actor = make_user(session, role=role)
    allowed = awards.EDGES[(source, target)]
    def call():
        if target == AwardState.paid:
            return awards.pay(session, award=award, payment=awards.Payment(PayMethod.cash), actor=actor, now=utc_now())
        return awards.decide(session, award=award, approved=target == AwardState.approved, reason="理由", actor=actor,
                             now=utc_now())

    if role in allowed:
        assert call().state == target
    else:
        with pytest.raises(PermissionDenied):
            call()
        assert award.state == source


def test_no_edge_out_of_a_refused_or_paid_award(session: Session) -> None:
    award, _, _ = _proposed(session)
    chief = make_user(session, role=Role.chief)
    awards.decide(session, award=award, approved=False, reason="班组自查已发现", actor=chief, now=utc_now())
    with pytest.raises(InvalidTransition):
        awards.pay(session, award=award, payment=awards.Payment(PayMethod.cash), actor=chief, now=utc_now())
    with pytest.raises(InvalidTransition):
        awards.decide(session, award=award, approved=True, reason=None, actor=chief, now=utc_now())


def test_a_refusal_needs_a_reason_and_the_proposer_never_decides(session: Session) -> None:
    hazard, _ = _confirmed(session)
    chief = make_user(session, role=Role.chief)
    award = awards.propose(session, hazard=hazard, actor=chief, now=utc_now(), report_type=ReportType.unsafe_act)
    with pytest.raises(PermissionDenied):
        awards.decide(session, award=award, approved=True, reason=None, actor=chief, now=utc_now())
    union = make_user(session, role=Role.counsellor)
    with pytest.raises(InvalidInput) as no_reason:
        awards.decide(session, award=award, approved=False, reason=None, actor=union, now=utc_now())
    assert no_reason.value.field == "reason"
    assert awards.decide(session, award=award, approved=True, reason=None, actor=union,
                         now=utc_now()).decided_by_id == union.id


def test_payment_records_who_when_how_and_to_whom(session: Session) -> None:
    award, _, person = _proposed(session)
    awards.decide(session, award=award, approved=True, reason=None, actor=make_user(session, role=Role.chief),
                  now=utc_now())
    payer = make_user(session, role=Role.officer)
    paid = awards.pay(session, award=award, payment=awards.Payment(PayMethod.transfer, note="凭证0153",
                                                                   shown_name=True), actor=payer, now=utc_now())
    assert (paid.state, paid.paid_by_id, paid.pay_method, paid.paid_to, paid.shown_name) == (
        AwardState.paid, payer.id, PayMethod.transfer, person.employee_no, True)
    assert paid.paid_at is not None


def test_an_anonymous_reporter_is_paid_on_the_tracking_code_and_never_named(session: Session) -> None:
    award, hazard, _ = _proposed(session, named=False)
    awards.decide(session, award=award, approved=True, reason=None, actor=make_user(session, role=Role.chief),
                  now=utc_now())
    payer = make_user(session, role=Role.officer)
    with pytest.raises(InvalidInput) as wrong:
        awards.pay(session, award=award, payment=awards.Payment(PayMethod.cash, tracking_code="WRONG-CODE"),
                   actor=payer, now=utc_now())
    assert wrong.value.field == "tracking_code"
    code = hazard.tracking_code[:4].lower() + "-" + hazard.tracking_code[4:]
    paid = awards.pay(session, award=award, payment=awards.Payment(PayMethod.cash, tracking_code=code,
                                                                   shown_name=True), actor=payer, now=utc_now())
    assert paid.state == AwardState.paid and paid.paid_to is None and paid.shown_name is False
    assert awards.shown_name(paid, hazard) is None
    with pytest.raises(InvalidTransition):
        awards.consent(session, hazard=hazard, employee_no="anyone", shown=True)


def test_the_public_list_names_only_who_agreed(session: Session) -> None:
    start = utc_now()
    award, hazard, person = _proposed(session)
    assert awards.board(session, since=start) == []  # a proposal is not yet an award
    awards.decide(session, award=award, approved=True, reason=None, actor=make_user(session, role=Role.chief),
                  now=utc_now())
    [(listed, _)] = [(a, h) for a, h in awards.board(session, since=start) if a.id == award.id]
    assert awards.shown_name(listed, hazard) is None
    awards.consent(session, hazard=hazard, employee_no=person.employee_no, shown=True)
    assert awards.shown_name(award, hazard) == "李强"


def test_admins_change_the_scale_and_proposed_awards_keep_their_amount(session: Session) -> None:
    award, _, _ = _proposed(session)
    admin = make_user(session, role=Role.admin)
    before = award.amount
    awards.set_scale(session, grade=Grade.general, report_type=ReportType.unsafe_act, amount=Decimal(300),
                     actor=admin, now=utc_now())
    assert awards.scale_amount(session, grade="general", report_type="unsafe_act") == Decimal(300)
    session.refresh(award)
    assert award.amount == before
