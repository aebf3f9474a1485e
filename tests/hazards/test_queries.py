"""The list's query paths, beyond what the API tests see."""

from datetime import timedelta, timezone

import pytest
from sqlalchemy import bindparam
from sqlalchemy.engine import Connection
from sqlmodel import Session, col, select

from safety_service.clock import utc_now
from safety_service.config import Settings
from safety_service.driver import driver_statement, utc_value
from safety_service.errors import InvalidInput
from safety_service.hazards import conditions, list_statements, listing, queries
from safety_service.hazards.list_statements import PageRow
from safety_service.hazards.models import Hazard
from safety_service.hazards.schemas import HazardFilters, StepLimits
from safety_service.hazards.states import Channel, Grade, HazardState
from safety_service.people.models import Person, Role
from safety_service.reading import ConnectionReader, Query
from tests.hazards.builders import make_hazard
from tests.locations.builders import make_location
from tests.people.builders import make_user
from tests.plans import hazard_statements_sent

LIMITS = StepLimits.of(Settings.model_construct())  # the default time limits of the steps


def test_newest_first_search_pages_are_the_same_whichever_id_window_fills_them(
        session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    officer, location = make_user(session, role=Role.officer), make_location(session)
    made = [make_hazard(session, location=location, description="顶板裂缝掉渣" if i % 3 == 0 else "皮带跑偏")
            for i in range(12)]
    newest_first = [h.ref for h in reversed(made) if h.description.startswith("顶板")]
    probed: list[int] = []
    real = listing._newest_matches_first
    monkeypatch.setattr(listing, "_newest_matches_first", lambda *a, **k: probed.append(1) or real(*a, **k))
    monkeypatch.setattr(listing, "ID_WINDOWS", (2, 5))  # the newest two ids hold no match, five hold one
    for limit, offset in ((1, 0), (2, 0), (2, 1), (3, 1), (50, 0), (2, 3), (2, 10)):
        filters = HazardFilters(q="顶板裂缝", location=location.code, limit=limit, offset=offset)
        page = listing.list_hazards(session, filters=filters, user=officer, now=utc_now(), limits=LIMITS)
        assert [row["ref"] for row in page["data"]] == newest_first[offset:offset + limit], (limit, offset)
        assert (page["count"], page["count_capped"]) == (4, False)
    # PostgreSQL probes the newest ids first; SQLite's FTS5 hands over matches newest first itself.
    assert bool(probed) == (session.get_bind().dialect.name == "postgresql")
    none = listing.list_hazards(session, filters=HazardFilters(q="突水", location=location.code), user=officer,
                                now=utc_now(), limits=LIMITS)
    assert (none["data"], none["count"]) == ([], 0)


PAST = utc_now().replace(microsecond=0) - timedelta(days=3)
BEIJING = timezone(timedelta(hours=8))
LISTS = (
    HazardFilters(), HazardFilters(open=True), HazardFilters(state=["closed", "reported", "closed"]),
    HazardFilters(overdue=True), HazardFilters(overdue=False, sort="-deadline"), HazardFilters(grade="major"),
    HazardFilters(reported_from=PAST.astimezone(BEIJING), reported_to=PAST + timedelta(seconds=1)),
    HazardFilters(source="kiosk", sort="reported_at", limit=2, offset=1),
)


@pytest.mark.parametrize("role", [Role.officer, Role.owner, Role.miner])
@pytest.mark.parametrize("filters", LISTS, ids=range(len(LISTS)))
def test_the_driver_path_gives_the_rows_sqlalchemy_gives(session: Session, filters: HazardFilters, role: Role) -> None:
    """Bind processors applied (a time given in Beijing time, on the boundary of its range, compares
    as the UTC it is), the few-valued parameters written in, the reader's values bound for each
    visibility (officer: all; owner: owned or own; miner: own); rows unprocessed, but the same values."""
    owner, miner = make_user(session, role=Role.owner), make_user(session, role=Role.miner)
    miner_no = session.get(Person, miner.person_id).employee_no  # type: ignore[union-attr]
    for state in (HazardState.reported, HazardState.rectifying, HazardState.closed):
        make_hazard(session, state=state, owner=owner, source=Channel.kiosk, now=PAST,
                    deadline=PAST + timedelta(days=1), reporter_employee_no=miner_no)
        make_hazard(session, state=state, source=Channel.kiosk, now=PAST, deadline=PAST + timedelta(days=1))
    make_hazard(session, state=HazardState.rectifying, grade=Grade.major, owner=owner, reporter_employee_no=miner_no)
    reader = {Role.officer: make_user(session, role=Role.officer), Role.owner: owner, Role.miner: miner}[role]
    connection, now = session.connection(), utc_now()
    shape, params = listing._plan(filters, conditions.viewer(session, reader), now, LIMITS)
    assert shape.visibility == {Role.officer: "all", Role.owner: "owned_or_own", Role.miner: "own"}[role]
    statements = list_statements.statements(shape)
    on_driver = [PageRow._make(row) for row in ConnectionReader(connection).rows(Query(statements.page, params))]
    through_sqlalchemy = [PageRow._make(row) for row in connection.execute(statements.page, params).all()]
    assert on_driver, "the filters match some of the hazards made"
    assert [_plain(row) for row in on_driver] == [_plain(row) for row in through_sqlalchemy]
    page = listing.list_hazards(session, filters=filters, user=reader, now=now, limits=LIMITS)
    assert page["count"] == on_driver[0].total
    counted = listing.count_hazards(session, filters=filters, user=reader, now=now, limits=LIMITS)
    assert counted == {"count": page["count"], "count_capped": False, "count_limit": page["count_limit"]}
    if role != Role.officer:  # the hazards neither owned nor reported by the reader stay out
        own = col(Hazard.owner_id) == owner.id if role == Role.owner else col(Hazard.reporter_employee_no) == miner_no
        visible = {h.ref for h in session.exec(select(Hazard).where(own)).all()}
        assert {row.ref for row in on_driver} <= visible


def _plain(row: PageRow) -> PageRow:
    """The row with its times as aware datetimes (SQLite's driver gives the stored text)."""
    return row._replace(reported_at=utc_value(row.reported_at), deadline=utc_value(row.deadline),
                        rectified_at=utc_value(row.rectified_at))


def test_an_in_list_runs_on_the_driver_only_written_in(session: Session) -> None:
    statement = select(Hazard.id).where(col(Hazard.state).in_(bindparam("states", expanding=True)))
    with pytest.raises(ValueError, match="IN list"):
        driver_statement(statement, session.connection().dialect)
    make_hazard(session, description="含'引号和%百分号")
    written = select(Hazard.description).where(
        col(Hazard.description).in_(bindparam("texts", expanding=True, literal_execute=True)),
        col(Hazard.state) == bindparam("state", literal_execute=True))
    connection = session.connection()
    rows = driver_statement(written, connection.dialect).fetch(
        connection, {"texts": ["含'引号和%百分号", "x"], "state": "reported"})
    assert [tuple(row) for row in rows] == [("含'引号和%百分号",)]


def test_each_column_of_the_page_lands_in_the_answer_under_its_own_name() -> None:
    """The summary unpacks a row in the order of PageRow's fields (the order the statement's columns are
    built in): a field moved in one and not the other shows here."""
    now = utc_now()
    row = PageRow(
        id=1, ref="ref", state="closed", grade="grade", source="source", description="description",
        reported_at=PAST - timedelta(days=1), deadline=PAST, is_open=False, escalation_level=7, rectified_at=PAST,
        location_code="location_code", location_name="location_name", category_code="category_code",
        owner_name="owner_name", total=99)
    summary = listing._summary(row, now, LIMITS)
    named = {"category": "category_code", "location": "location_code", "owner": "owner_name"}
    for key, value in summary.items():
        if key not in {"overdue", "late_step", "late_since"}:
            assert value == getattr(row, named.get(key, key)), key
    assert set(summary) == {*named, "overdue", "late_step", "late_since", "ref", "state", "grade", "location_name",
                            "source", "description", "reported_at", "deadline", "escalation_level"}


def test_each_late_hazard_is_counted_once_at_its_own_step(session: Session) -> None:
    """A fix past its deadline that has also waited too long for verification counts at verification only."""
    now = utc_now()
    then, lately = now - timedelta(days=30), now - timedelta(hours=2)
    make_hazard(session, now=then)  # reported a month ago: triage
    make_hazard(session, state=HazardState.rectifying, now=then, deadline=then + timedelta(days=1))  # rectification
    make_hazard(session, state=HazardState.awaiting_verification, now=then,
                deadline=then + timedelta(days=1))  # past its deadline and unverified for a month: verification
    make_hazard(session, state=HazardState.awaiting_verification, now=lately,
                deadline=lately + timedelta(hours=1))  # fixed two hours ago, past the deadline: rectification
    make_hazard(session, state=HazardState.awaiting_verification, now=then,
                deadline=now + timedelta(days=9))  # before its deadline, unverified for a month: verification
    make_hazard(session, state=HazardState.closed, now=then, deadline=then + timedelta(days=1))  # closed: none
    make_hazard(session, now=now)  # just reported: none
    assert LIMITS.verification > timedelta(hours=2) and LIMITS.triage < timedelta(days=30)
    assert queries.late_counts(session, now=now, limits=LIMITS) == {
        "triage": 1, "rectification": 2, "verification": 2}



def test_a_count_without_its_page_is_capped_and_checks_codes_as_the_list_does(
        session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    officer, location = make_user(session, role=Role.officer), make_location(session)
    for i in range(4):
        make_hazard(session, location=location, description="顶板裂缝" if i % 2 else "皮带跑偏")
    monkeypatch.setattr(listing, "COUNT_LIMIT", 3)

    def count(**given: object) -> dict[str, object]:
        return listing.count_hazards(session, filters=HazardFilters.model_validate(given), user=officer,
                                     now=utc_now(), limits=LIMITS)

    assert count(location=location.code) == {"count": 3, "count_capped": True, "count_limit": 3}
    assert count(location=location.code, q="顶板") == {"count": 2, "count_capped": False, "count_limit": 1000}
    with pytest.raises(InvalidInput, match="unknown location") as refused:
        count(location="NO-SUCH-PLACE")
    assert refused.value.field == "location"


@pytest.mark.parametrize("overdue", [None, True])
def test_a_hazard_without_a_deadline_sorts_as_the_latest_on_both_databases(session: Session,
                                                                          overdue: bool | None) -> None:
    """By deadline, the reports not yet given one (on the overdue tab: those late for triage) come after every
    dated hazard, and first by the latest deadline; SQLite put them first by default."""
    now = utc_now()
    officer = make_user(session, role=Role.officer)
    then = now - timedelta(days=30)
    undated = [make_hazard(session, now=then - timedelta(days=days)).ref for days in range(2)]  # late for triage
    dated = [make_hazard(session, state=HazardState.rectifying, now=then,
                         deadline=then + timedelta(days=days, hours=1)).ref
             for days in range(3)]  # past the deadline, the first the longest
    for sort, expected in (("deadline", [*dated, *undated]), ("-deadline", [*undated[::-1], *dated[::-1]])):
        page = listing.list_hazards(session, filters=HazardFilters(overdue=overdue, sort=sort), user=officer, now=now,
                                    limits=LIMITS)
        assert [row["ref"] for row in page["data"]] == expected, sort


@pytest.mark.parametrize("sort", [None, "-deadline", "-reported_at", "reported_at"])
def test_the_late_hazards_merged_step_by_step_are_the_pages_one_condition_gives(
        session: Session, sort: str | None, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every page (limits and offsets across the steps' boundaries) and the capped count of the overdue list,
    read step by step and merged, are those of the one condition over all steps, a hazard late at two steps
    once; for an officer and for an owner (who sees part of the register)."""
    now = utc_now()
    officer, owner = make_user(session, role=Role.officer), make_user(session, role=Role.owner)
    for days in range(6):
        then = now - timedelta(days=30 + days)
        make_hazard(session, now=then)  # triage
        make_hazard(session, state=HazardState.rectifying, now=then, deadline=then + timedelta(days=days, hours=1),
                    owner=owner if days % 2 else None)  # past the deadline
        make_hazard(session, state=HazardState.awaiting_verification, now=then, owner=owner if days % 3 else None,
                    deadline=then + timedelta(days=1) if days % 2 else now + timedelta(days=days))  # one or two steps
        make_hazard(session, state=HazardState.rectifying, now=then, deadline=now + timedelta(days=1))  # not late
    made = len(session.exec(select(Hazard.id)).all())
    filters = HazardFilters(overdue=True, sort=sort)
    for reader in (officer, owner):
        shape, params = listing._plan(filters, conditions.viewer(session, reader), now, LIMITS)
        one_condition = (select(Hazard.ref).where(conditions.visible(shape.visibility), conditions.late_at_any_step())
                         .order_by(*list_statements._order(Hazard.__table__.c, shape.keys)))
        expected = session.exec(one_condition, params=params).all()  # type: ignore[call-overload]
        assert 0 < len(expected) < made
        for limit, offset in ((1, 0), (3, 0), (3, 2), (5, 4), (7, 11), (50, 0), (2, len(expected) - 1)):
            page = listing.list_hazards(session, filters=filters.model_copy(update={"limit": limit, "offset": offset}),
                                        user=reader, now=now, limits=LIMITS)
            assert [row["ref"] for row in page["data"]] == expected[offset:offset + limit], (reader.role, limit, offset)
            assert (page["count"], page["count_capped"]) == (len(expected), False)
        monkeypatch.setattr(listing, "COUNT_LIMIT", len(expected) - 1)
        capped = listing.count_hazards(session, filters=filters, user=reader, now=now, limits=LIMITS)
        assert (capped["count"], capped["count_capped"]) == (len(expected) - 1, True)
        past_deadline = session.exec(  # type: ignore[call-overload]
            select(Hazard.id).where(conditions.visible(shape.visibility), conditions.late_steps()[0]),
            params=params).all()
        for cap in sorted({1, len(past_deadline) - 1, len(past_deadline), len(past_deadline) + 1,
                           len(expected) - 1, len(expected)}):
            monkeypatch.setattr(listing, "COUNT_LIMIT", cap)  # reached by the past deadlines alone, or not
            counted = listing.count_hazards(session, filters=filters, user=reader, now=now, limits=LIMITS)
            assert (counted["count"], counted["count_capped"]) == (min(cap, len(expected)), cap < len(expected)), cap


def test_the_overdue_page_by_deadline_reads_no_other_step_when_the_hazards_past_their_deadlines_fill_it(
        session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    """By the deadline's order the hazards past theirs come first; when they fill the page and the count's cap,
    the reports late for triage and the fixes late for verification are not read at all, however many there
    are (a register with thousands of them sorted them all for every page). Work is measured in the database's
    own terms: SQLite's virtual machine steps, PostgreSQL's rows out of the hazard table's scans."""
    now = utc_now()
    officer = make_user(session, role=Role.officer)
    then = now - timedelta(days=30)
    for days in range(4):
        make_hazard(session, state=HazardState.rectifying, now=then, deadline=then + timedelta(days=days, hours=1))
    monkeypatch.setattr(listing, "COUNT_LIMIT", 3)
    filters = HazardFilters(overdue=True, limit=2, offset=1)

    def work() -> int:
        statements = hazard_statements_sent(monkeypatch, lambda: listing.list_hazards(
            session, filters=filters, user=officer, now=now, limits=LIMITS))
        return _work_of(session.connection(), statements)

    alone = work()
    for days in range(60):
        make_hazard(session, now=then - timedelta(days=days))  # late for triage, no deadline yet
        make_hazard(session, state=HazardState.awaiting_verification, now=then - timedelta(days=days),
                    deadline=now + timedelta(days=days + 1))  # late for verification, its deadline to come
    page = listing.list_hazards(session, filters=filters, user=officer, now=now, limits=LIMITS)
    assert (len(page["data"]), page["count"], page["count_capped"]) == (2, 3, True)
    assert work() == alone


def _work_of(connection: Connection, statements: list[tuple[str, object]]) -> int:
    """What these statements cost the database: SQLite's virtual machine steps; PostgreSQL's rows out of every
    scan of the hazard table (each time it ran), from EXPLAIN ANALYZE."""
    assert statements
    driver = connection.connection.driver_connection
    if connection.dialect.name == "sqlite":
        steps = [0]

        def step() -> int:
            steps[0] += 1
            return 0

        driver.set_progress_handler(step, 1)
        try:
            for text, values in statements:
                driver.execute(text, values).fetchall()
        finally:
            driver.set_progress_handler(None, 1)
        return steps[0]
    rows = 0
    with driver.cursor() as cursor:
        for text, values in statements:
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {text}", values)
            nodes = [cursor.fetchone()[0][0]["Plan"]]
            while nodes:
                node = nodes.pop()
                nodes += node.get("Plans", [])
                if node.get("Relation Name") == "hazard":
                    rows += node["Actual Rows"] * node["Actual Loops"]
    return rows
