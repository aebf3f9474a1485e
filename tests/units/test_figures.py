"""Every figure of the register, its list and the scorecard cut by unit: a hazard is about its responsible unit
(责任单位), before the five fixes about the unit in charge of its location or area, and a unit covers those
under it. Each test counts only the units and hazards it made."""

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlmodel import Session

from safety_service.clock import utc_now
from safety_service.config import Settings
from safety_service.hazards import figures, queries
from safety_service.hazards import listing as hazards_listing
from safety_service.hazards.schemas import HazardFilters, StepLimits
from safety_service.people.models import Role
from safety_service.scorecard import periods
from safety_service.scorecard import service as scorecard_service
from tests.people.builders import auth, make_user
from tests.plans import assert_reads_hazards_from_indexes
from tests.units.builders import make_cut


def _refs(session: Session, settings: Settings, unit: str) -> set[str]:
    officer = make_user(session, role=Role.officer)
    page = hazards_listing.list_hazards(session, filters=HazardFilters(unit=unit, limit=100), user=officer,
                                        now=utc_now(), limits=StepLimits.of(settings))
    return {row["ref"] for row in page["data"]}


def test_the_list_takes_the_responsible_unit_then_the_places_unit(session: Session, settings: Settings) -> None:
    cut = make_cut(session)
    assert _refs(session, settings, cut.crew.code) == cut.refs("fixed")
    assert _refs(session, settings, cut.team.code) == cut.refs("fixed", "placed")
    assert _refs(session, settings, cut.other.code) == cut.refs("area", "over_area", "closed")
    assert _refs(session, settings, cut.mine.code) == cut.refs("fixed", "placed", "area", "over_area", "closed")


def test_every_figure_changes_with_the_unit(session: Session, settings: Settings) -> None:
    cut = make_cut(session)
    now, tz = utc_now(), settings.timezone

    def of(unit):
        return figures.gather(session.connection(), now, tz, unit.code)

    team, crew, other, mine = of(cut.team), of(cut.crew), of(cut.other), of(cut.mine)
    assert (team.open_total, crew.open_total, other.open_total, mine.open_total) == (2, 1, 2, 4)
    assert (team.overdue_now, crew.overdue_now, other.overdue_now, mine.overdue_now) == (1, 1, 0, 1)
    assert sum(team.overdue_by_week) == 1 and sum(other.overdue_by_week) == 0
    assert dict(team.open_by_grade) == {"major": 1, "none": 1} and dict(other.open_by_grade) == {"none": 2}
    assert sorted(n for _, n in team.open_by_category) == [1, 1] and dict(other.open_by_category) == {"顶板": 2}
    assert sum(team.reports_by_channel["kiosk"]) == 1 and sum(other.reports_by_channel["kiosk"]) == 0
    assert sum(sum(weeks) for weeks in mine.reports_by_channel.values()) == 5
    assert (team.closure_rate, other.closure_rate) == (0.0, 1 / 3)
    assert team.median_close_hours is None and other.median_close_hours is not None
    assert sum(n for _, n in team.top_locations) == 2 and sum(n for _, n in other.top_locations) == 2
    assert team.open_by_unit == (("综采一队", 2, 1),) and other.open_by_unit == (("掘进二队", 2, 0),)
    assert set(mine.open_by_unit) == {("综采一队", 2, 1), ("掘进二队", 2, 0)}


def test_the_scorecard_counts_a_hazard_about_the_unit_before_its_fixes(session: Session, settings: Settings) -> None:
    cut = make_cut(session)
    today = utc_now().date()
    found = scorecard_service.figures(session, period=periods.days(today - timedelta(days=10), today + timedelta(days=1),
                                                                   settings.timezone))
    assert [found[unit.id]["about"] for unit in (cut.team, cut.crew, cut.other, cut.mine)] == [2, 1, 3, 5]


def test_the_figures_api_cuts_by_unit_and_names_an_unknown_one(client: TestClient, session: Session,
                                                                 settings: Settings) -> None:
    cut = make_cut(session)
    officer = auth(make_user(session, role=Role.officer), settings)
    team = client.get("/api/v1/hazards/figures", params={"unit": cut.team.code}, headers=officer)
    assert team.status_code == 200 and (team.json()["unit"], team.json()["open_total"]) == (cut.team.code, 2)
    assert client.get("/api/v1/hazards/figures", params={"unit": cut.other.code},
                      headers=officer).json()["overdue_now"] == 0
    unknown = client.get("/api/v1/hazards/figures", params={"unit": "NO-SUCH"}, headers=officer)
    assert unknown.status_code == 422 and unknown.json()["detail"][0]["loc"] == ["query", "unit"]
    listed = client.get("/api/v1/hazards", params={"unit": cut.team.code, "limit": 100}, headers=officer).json()
    assert {row["ref"] for row in listed["data"]} == cut.refs("fixed", "placed")
    unknown = client.get("/api/v1/hazards", params={"unit": "NO-SUCH"}, headers=officer)
    assert unknown.status_code == 422 and unknown.json()["detail"][0]["loc"] == ["query", "unit"]


def test_only_safety_staff_read_the_figures(client: TestClient, session: Session, settings: Settings) -> None:
    for role in (Role.owner, Role.miner, Role.supervisor, Role.counsellor):
        answer = client.get("/api/v1/hazards/figures", headers=auth(make_user(session, role=role), settings))
        assert answer.status_code == 403, role
    assert client.get("/api/v1/hazards/figures").status_code == 401
    chief = auth(make_user(session, role=Role.chief), settings)
    assert client.get("/api/v1/hazards/figures", headers=chief).status_code == 200


def test_the_counts_cut_by_unit_read_hazards_from_indexes(session: Session, settings: Settings) -> None:
    """PostgreSQL: no count about a unit tests every hazard against a sub-select (a SubPlan: a unit's statistics took
    1.8 s on a million hazards) or reads the whole table, the units and places are named; SQLite: the late counts
    read their steps' indexes."""
    cut = make_cut(session)
    connection = session.connection()
    sent: list[tuple[str, object]] = []

    def record(_conn, _cursor, statement, parameters, _context, _many) -> None:
        if "FROM hazard" in statement:
            sent.append((statement, parameters))

    event.listen(connection, "before_cursor_execute", record)
    try:
        late = queries.late_counts(session, now=utc_now(), limits=StepLimits.of(settings), unit=cut.team.code)
        if connection.dialect.name == "postgresql":
            figures.gather(connection, utc_now(), settings.timezone, cut.team.code)
    finally:
        event.remove(connection, "before_cursor_execute", record)
    assert late == {"triage": 0, "rectification": 1, "verification": 0}  # "fixed", past its deadline
    assert_reads_hazards_from_indexes(connection, sent)
