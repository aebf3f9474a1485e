"""A missed round climbs its ladder like an overdue hazard: inspector at the window's end, then the unit leader
and the officers, then the chief; a leader's round or a major point climbs at the major hours; each step once."""

from datetime import timedelta

from sqlmodel import Session, select

from safety_service.inspections import service as inspections_service
from safety_service.inspections.ladder import Hours
from safety_service.inspections.models import InspectionPlan, InspectionRound
from safety_service.inspections.states import RoundState
from safety_service.notifications.models import Notification
from safety_service.people.models import Role, User
from safety_service.units import service as units_service
from safety_service.units.schemas import UnitCharge
from tests.inspections.builders import at, make_plan, rounds_of
from tests.locations.builders import make_location
from tests.people.builders import make_user
from tests.risks.builders import make_risk_point
from tests.units.builders import make_unit

TZ = "Asia/Shanghai"
HOURS = Hours(officer=24, chief=72, major_officer=4, major_chief=12)
WEEK_ENDS = at("2026-11-09T00:00")  # the first week of a plan starting 2026-11-02 (Monday)


def _run(session: Session, when) -> None:
    inspections_service.schedule(session, now=when, timezone=TZ, hours=HOURS)


def _first(session: Session, plan: InspectionPlan) -> InspectionRound:
    return rounds_of(session, plan)[0]


def _steps(session: Session, inspection: InspectionRound, user: User) -> list[int]:
    query = select(Notification).where(Notification.kind == "round_missed", Notification.user_id == user.id)
    return sorted(n.data["step"] for n in session.exec(query).all() if n.data["round_id"] == inspection.id)


def _setup(session: Session, *, likelihood: int = 2, severity: int = 2, leader_round: bool = False):
    location = make_location(session)
    leader, inspector = make_user(session, role=Role.owner), make_user(session, role=Role.owner)
    unit = make_unit(session, leader=leader)
    units_service.put_in_charge(session, unit=unit, data=UnitCharge(location_code=location.code))
    point = make_risk_point(session, location=location, likelihood=likelihood, severity=severity)
    plan = make_plan(session, points=[point], inspector=inspector, leader_round=leader_round, starts_on=at(
        "2026-11-02T00:00").date())
    people = {"inspector": inspector, "leader": leader, "officer": make_user(session, role=Role.officer),
              "chief": make_user(session, role=Role.chief)}
    return plan, people


def test_each_step_goes_to_its_people_once_however_often_the_job_runs(session: Session) -> None:
    plan, people = _setup(session)
    _run(session, WEEK_ENDS + timedelta(hours=1))
    _run(session, WEEK_ENDS + timedelta(hours=2))
    first = _first(session, plan)
    assert first.state == RoundState.missed and first.escalation_level == 1
    assert {name: _steps(session, first, user) for name, user in people.items()} == {
        "inspector": [1], "leader": [], "officer": [], "chief": []}
    for hours in (25, 26, 30):
        _run(session, WEEK_ENDS + timedelta(hours=hours))
    assert {name: _steps(session, first, user) for name, user in people.items()} == {
        "inspector": [1], "leader": [2], "officer": [2], "chief": []}
    for hours in (73, 80, 200):
        _run(session, WEEK_ENDS + timedelta(hours=hours))
    assert {name: _steps(session, first, user) for name, user in people.items()} == {
        "inspector": [1], "leader": [2], "officer": [2], "chief": [3]}
    assert first.escalation_level == 3


def test_a_run_after_a_long_stop_takes_every_due_step_once(session: Session) -> None:
    plan, people = _setup(session)
    _run(session, WEEK_ENDS + timedelta(hours=100))
    _run(session, WEEK_ENDS + timedelta(hours=101))
    first = _first(session, plan)
    assert [_steps(session, first, people[n]) for n in ("inspector", "leader", "officer", "chief")] == [
        [1], [2], [2], [3]]


def test_a_major_point_reaches_the_chief_at_the_major_hours(session: Session) -> None:
    plan, people = _setup(session)
    major, major_people = _setup(session, likelihood=5, severity=5)  # R = 25: 重大
    _run(session, WEEK_ENDS + timedelta(hours=13))
    assert _steps(session, _first(session, major), major_people["chief"]) == [3]
    assert _steps(session, _first(session, plan), people["chief"]) == []


def test_a_leaders_round_climbs_at_the_major_hours(session: Session) -> None:
    plan, people = _setup(session, leader_round=True)
    _run(session, WEEK_ENDS + timedelta(hours=5))
    assert _steps(session, _first(session, plan), people["officer"]) == [2]
    assert _steps(session, _first(session, plan), people["chief"]) == []


def test_a_round_recorded_late_but_in_its_window_stops_climbing(session: Session) -> None:
    plan, people = _setup(session)
    _run(session, WEEK_ENDS + timedelta(hours=1))
    first = _first(session, plan)
    first.state = RoundState.done  # what record_round does for a round done offline in its window
    session.add(first)
    session.flush()
    _run(session, WEEK_ENDS + timedelta(hours=100))
    assert _steps(session, first, people["officer"]) == [] and _steps(session, first, people["chief"]) == []
