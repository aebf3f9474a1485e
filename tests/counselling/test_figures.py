"""Counsellors' figures: violations by kind, team and month; cases opened, closed, open; repeats after counselling."""

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session

from safety_service.clock import utc_now
from safety_service.config import Settings
from safety_service.counselling import figures
from safety_service.counselling.states import CaseState, ViolationKind
from safety_service.people.models import Person, Role
from tests.counselling.builders import make_case, make_violation
from tests.people.builders import auth, make_person, make_user
from tests.units.builders import make_tree, member

S = CaseState


def test_the_period_starts_on_the_first_of_a_local_month() -> None:
    now = datetime(2026, 3, 31, 17, 0, tzinfo=UTC)  # already 1 April in Shanghai
    assert figures.period_start(now, months=1, timezone="Asia/Shanghai") == datetime(2026, 3, 31, 16, 0, tzinfo=UTC)
    assert figures.period_start(now, months=14, timezone="Asia/Shanghai") == datetime(2025, 2, 28, 16, 0, tzinfo=UTC)


def test_violations_are_counted_by_kind_team_and_local_month(session: Session) -> None:
    team = f"掘进{utc_now().timestamp()}队"
    worker, other = make_person(session, team=team), make_person(session, team=team)
    now = utc_now()
    for person, kind in ((worker, ViolationKind.illegal_operation), (other, ViolationKind.illegal_operation),
                         (worker, ViolationKind.labour_discipline)):
        make_violation(session, person=person, kind=kind, now=now)
    result = figures.compute(session, now=now + timedelta(hours=2), months=1, timezone="Asia/Shanghai")
    mine = {(row.kind, row.count) for row in result.violations if row.team == team}
    assert mine == {(ViolationKind.illegal_operation, 2), (ViolationKind.labour_discipline, 1)}


def test_cases_and_the_repeat_rate_after_counselling(session: Session) -> None:
    now = utc_now()
    before = figures.compute(session, now=now, months=1, timezone="Asia/Shanghai")
    kept_clean = make_case(session, state=S.observation, now=now)
    relapsed = make_case(session, state=S.observation, now=now)
    make_violation(session, person=session.get(Person, relapsed.person_id), now=now + timedelta(minutes=5))
    make_case(session, state=S.closed, now=now - timedelta(days=1), days=1)
    after = figures.compute(session, now=now + timedelta(hours=1), months=1, timezone="Asia/Shanghai")
    assert after.cases_opened - before.cases_opened == 3
    assert after.cases_closed - before.cases_closed == 1
    assert after.cases_open_now - before.cases_open_now == 2
    assert after.cases_observed - before.cases_observed == 3
    assert after.cases_with_repeat - before.cases_with_repeat == 1
    assert kept_clean.state == S.observation and relapsed.state == S.counselling
    assert after.repeat_rate == round(after.cases_with_repeat / after.cases_observed, 4)


def test_figures_are_for_counsellors_and_admins(client: TestClient, session: Session, settings: Settings) -> None:
    make_case(session, state=S.counselling)
    for role in Role:
        response = client.get("/api/v1/counselling/figures", headers=auth(make_user(session, role=role), settings))
        assert response.status_code == (200 if role in (Role.counsellor, Role.admin) else 403)
    body = client.get("/api/v1/counselling/figures", params={"months": 3},
                      headers=auth(make_user(session, role=Role.counsellor), settings)).json()
    assert body["cases_open_now"] >= 1 and body["violations"]
    bad = client.get("/api/v1/counselling/figures", params={"months": 0},
                     headers=auth(make_user(session, role=Role.counsellor), settings))
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"][-1] == "months"


def test_the_figures_cut_by_unit_count_its_workers_and_its_crews(session: Session) -> None:
    tree = make_tree(session)
    now = utc_now()
    in_crew, in_team, in_other, in_none = (member(session, unit) for unit in (tree.crew, tree.team, tree.other, None))
    for person in (in_crew, in_crew, in_team, in_other, in_none):
        make_violation(session, person=person, now=now)
    make_case(session, state=S.observation, person=member(session, tree.crew), now=now)

    def of(unit):
        found = figures.compute(session, now=now + timedelta(hours=1), months=1, timezone="Asia/Shanghai",
                                unit=unit.code)
        return sum(row.count for row in found.violations), found.cases_open_now, found.cases_observed, found.unit

    assert of(tree.team) == (4, 3, 1, tree.team.code)  # its own worker and the crew's two (three violations)
    assert of(tree.crew) == (3, 2, 1, tree.crew.code)
    assert of(tree.other) == (1, 1, 0, tree.other.code)
    assert of(tree.mine) == (5, 4, 1, tree.mine.code)  # the worker in no unit is only in the mine's whole


def test_the_figures_api_cuts_by_unit_and_names_an_unknown_one(client: TestClient, session: Session,
                                                               settings: Settings) -> None:
    tree = make_tree(session)
    make_violation(session, person=member(session, tree.crew))
    counsellor = auth(make_user(session, role=Role.counsellor), settings)
    team = client.get("/api/v1/counselling/figures", params={"unit": tree.team.code}, headers=counsellor).json()
    assert team["unit"] == tree.team.code and sum(row["count"] for row in team["violations"]) == 1
    other = client.get("/api/v1/counselling/figures", params={"unit": tree.other.code}, headers=counsellor).json()
    assert other["violations"] == [] and other["cases_open_now"] == 0
    unknown = client.get("/api/v1/counselling/figures", params={"unit": "NO-SUCH"}, headers=counsellor)
    assert unknown.status_code == 422 and unknown.json()["detail"][0]["loc"] == ["query", "unit"]
    for role in (Role.officer, Role.chief, Role.owner):
        answer = client.get("/api/v1/counselling/figures", params={"unit": tree.team.code},
                            headers=auth(make_user(session, role=role), settings))
        assert answer.status_code == 403
