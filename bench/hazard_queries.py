"""The officers' list queries (and an owner's) on a million hazards, on SQLite and PostgreSQL (`make bench`).

Each query runs through ``listing.list_hazards``, the statements of ``GET /api/v1/hazards`` in a
session, with a real officer account (an owner's for the owner cases) and a new session per call;
its page and its capped count are both timed. Beside them, the "raw limit": the same indexed location page through
plain SQLAlchemy Core (no session, no joins, no count), and a filter no index serves, for scale.
Every statement's plan is checked for a full scan of ``hazard`` and saved.
Then, unless ``--no-http``, ``bench/http_load.py`` measures the list endpoint against a ping.

    .venv/bin/python bench/hazard_queries.py [--backend sqlite] [--rows N] [--runs 200] [--no-http]

The first run fills each database (about 5 minutes per backend on 2 cores, see fill.py);
later runs reuse it. Figures go to stdout and to bench/results/.
"""

import argparse
import os
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bench import fill
from bench.common import BACKENDS, DEFAULT_ROWS, busiest_location, percentiles, settings_for, table, timed, write_result
from safety_service.clock import utc_now
from safety_service.config import Settings
from safety_service.database import make_engine, session_scope
from safety_service.driver import DriverStatement
from safety_service.hazards import listing
from safety_service.hazards.models import Hazard
from safety_service.hazards.schemas import HazardFilters, StepLimits
from safety_service.people.models import User
from safety_service.units import service as units_service
from safety_service.units.models import OrgUnit, UnitKind
from safety_service.units.schemas import OrgUnitCreate

LIMITS = StepLimits.of(Settings.model_construct())  # the default time limits of the steps

H = Hazard.__table__.c
LIST_TARGET_MS = 5.0
SEARCH_TARGET_MS = 50.0


@dataclass
class Case:
    name: str
    params: dict[str, Any]
    target_ms: float | None
    user: str = "officer1"  # whose list
    result: dict[str, Any] = field(default_factory=dict)


def cases(location: str) -> list[Case]:
    """The officers' common list queries, then free-text searches, then a deep page."""
    return [
        Case(f"location {location}, open, newest first", {"location": location, "open": True}, LIST_TARGET_MS),
        Case("state=reported", {"state": ["reported"]}, LIST_TARGET_MS),
        Case("state=rectifying", {"state": ["rectifying"]}, LIST_TARGET_MS),
        Case("overdue (by deadline)", {"overdue": True}, LIST_TARGET_MS),
        Case("open major hazards", {"grade": "major", "open": True}, LIST_TARGET_MS),
        Case("open hazards, all locations", {"open": True}, LIST_TARGET_MS),
        Case("category=gas", {"category": "gas"}, LIST_TARGET_MS),
        Case("q=瓦斯 (2 chars, 12% of rows)", {"q": "瓦斯"}, SEARCH_TARGET_MS),
        Case("q=皮带 (2 chars, 11%)", {"q": "皮带"}, SEARCH_TARGET_MS),
        Case("q=猴车 (2 chars, 2%)", {"q": "猴车"}, SEARCH_TARGET_MS),
        Case("q=顶板裂缝 (4 chars, 2%)", {"q": "顶板裂缝"}, SEARCH_TARGET_MS),
        Case("q=防水闸门 (4 chars, 1%)", {"q": "防水闸门"}, SEARCH_TARGET_MS),
        Case("q=水 (1 char prefix, 14%)", {"q": "水"}, SEARCH_TARGET_MS),
        Case("q=突水 (no match)", {"q": "突水"}, SEARCH_TARGET_MS),
        Case("q=YH-2025-000123 (a ref)", {"q": "YH-2025-000123"}, SEARCH_TARGET_MS),
        Case(f"q=瓦斯 + location {location}", {"q": "瓦斯", "location": location}, SEARCH_TARGET_MS),
        Case("q=瓦斯 + open", {"q": "瓦斯", "open": True}, SEARCH_TARGET_MS),
        Case("category=roof, offset 9,950", {"category": "roof", "offset": 9950}, None),
        Case("an owner's list (owned or reported)", {}, None, user="owner01"),
        Case("an owner's list, open", {"open": True}, None, user="owner01"),
        Case("a unit leader's list (owner02 leads a team)", {}, None, user="owner02"),
    ]


def lead_a_unit(engine: Engine, username: str) -> None:
    """Give the account a team to lead (with a crew under it), once: the unit leader's list reads their units."""
    with session_scope(engine) as session:
        if session.exec(select(OrgUnit).where(OrgUnit.code == "BENCH-TEAM")).first() is not None:
            return
        units_service.add_unit(session, data=OrgUnitCreate(code="BENCH-MINE", name_zh="基准矿", kind=UnitKind.mine))
        units_service.add_unit(session, data=OrgUnitCreate(code="BENCH-TEAM", name_zh="综采一队", kind=UnitKind.team,
                                                           parent_code="BENCH-MINE", leader=username))
        units_service.add_unit(session, data=OrgUnitCreate(code="BENCH-CREW", name_zh="一班", kind=UnitKind.crew,
                                                           parent_code="BENCH-TEAM"))


class Statements:
    """Collects the statements a call sends, to explain them afterwards: through SQLAlchemy (its
    events) and on the driver's cursor (``DriverStatement.fetch``, which SQLAlchemy does not see)."""

    def __init__(self, engine: Engine) -> None:
        self.engine, self.seen = engine, []
        self._fetch = DriverStatement.fetch

    def __enter__(self) -> Self:
        event.listen(self.engine, "before_cursor_execute", self._record)
        fetch = self._fetch

        def recorded(statement: DriverStatement, connection: Any, params: dict[str, Any]) -> Any:
            self._record(None, None, *statement.parameters(params))
            return fetch(statement, connection, params)

        DriverStatement.fetch = recorded  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self._record)
        DriverStatement.fetch = self._fetch  # type: ignore[method-assign]

    def _record(self, _conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if "FROM hazard" in statement:
            self.seen.append((statement, parameters))


def explain(engine: Engine, statement: str, parameters: Any) -> list[str]:
    """The plan of one statement as sent to the driver."""
    prefix = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS) "
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute(prefix + statement, parameters)
        rows = cursor.fetchall()
    finally:
        raw.close()
    if engine.dialect.name == "sqlite":
        return [f"{row[0]:>3} {row[1]:>3}  {row[3]}" for row in rows]
    return [row[0] for row in rows]


def scans(dialect: str, plan: list[str]) -> str:
    """How the plan reads hazard: FULL (the whole table), walk (an index read in order and filtered,
    stopping at the LIMIT), or index (only rows an index or the full-text index selects)."""
    if dialect == "sqlite":
        lines = [line for line in plan if re.search(r"\bSCAN hazard\b(?!_fts)", line)]
        if any(" USING " not in line for line in lines):
            return "FULL"
        return "walk" if lines else "index"
    if any("Seq Scan on hazard" in line for line in plan):
        return "FULL"
    node = walk = None
    for line in plan:
        if "->" in line or not line.startswith(" "):
            if node:
                walk = True
            node = line if re.search(r"Index (Only )?Scan.* on hazard\b", line) else None
        elif node and "Index Cond" in line:
            node = None
    return "walk" if walk or node else "index"


def run_case(engine: Engine, reader: User, case: Case, *, runs: int) -> list[str]:
    """Time one query as read by ``reader``; return its plans."""
    filters = HazardFilters.model_validate(case.params)

    def call() -> dict[str, Any]:
        with Session(engine) as session:
            return listing.list_hazards(session, filters=filters, user=reader, now=utc_now(), limits=LIMITS)

    with Statements(engine) as statements:
        page = call()
    samples = timed(call, runs=runs, warmup=5, max_seconds=30)
    case.result = {**percentiles(samples), "count": f"{page['count']:,}" + ("+" if page["count_capped"] else ""),
                   "rows": len(page["data"])}
    plans, reads = [], set()
    for statement, parameters in statements.seen:
        plan = explain(engine, statement, parameters)
        reads.add(scans(engine.dialect.name, plan))
        plans += ["", statement.strip(), f"-- parameters: {parameters!r}", *plan]
    case.result["reads"] = next(kind for kind in ("FULL", "walk", "index") if kind in reads)
    return [f"== {case.name}", *plans, ""]


def raw_limit(engine: Engine, location_id: int, *, runs: int) -> dict[str, float]:
    """The indexed location page through plain Core on one connection: the floor for any list query."""
    page = (
        select(H.id, H.ref, H.state, H.description, H.reported_at)
        .where(H.location_id == location_id, H.is_open.is_(True))
        .order_by(H.reported_at.desc()).limit(50)
    )
    with engine.connect() as connection:
        return percentiles(timed(lambda: connection.execute(page).all(), runs=runs, warmup=5, max_seconds=30))


def no_index(engine: Engine) -> dict[str, float]:
    """A filter no index serves (a whole-table scan), for scale; a few runs only."""
    query = select(func.count()).select_from(Hazard.__table__).where(H.measures.like("%专人%"))
    with engine.connect() as connection:
        return percentiles(timed(lambda: connection.execute(query).scalar_one(), runs=5, warmup=1, max_seconds=20))


def bench_backend(backend: str, *, rows: int, runs: int, force_fill: bool) -> str:
    """Fill (or reuse) the database, time every case, and return the report."""
    meta = fill.ensure(backend, rows=rows, force=force_fill)
    engine = make_engine(settings_for(meta["url"]))
    location_id, location_code = busiest_location(engine)
    lead_a_unit(engine, "owner02")
    all_cases, plans, load_before = cases(location_code), [], os.getloadavg()[0]
    with Session(engine) as session:
        readers = {name: session.exec(select(User).where(User.username == name)).scalar_one()
                   for name in {case.user for case in all_cases}}
        session.expunge_all()
    for case in all_cases:
        plans += run_case(engine, readers[case.user], case, runs=runs)
        r = case.result
        print(f"[{backend}] {case.name}: p50 {r['p50']:.2f} ms, p95 {r['p95']:.2f} ms ({r['count']} match)", flush=True)
    floor, scan = raw_limit(engine, location_id, runs=runs), no_index(engine)
    engine.dispose()
    write_result(f"plans_{backend}.txt", "\n".join(plans))
    load = f"load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after, {os.cpu_count()} CPUs"
    return report(backend, meta, all_cases, floor, scan, load=load)


def report(backend: str, meta: dict[str, Any], all_cases: list[Case], floor: dict[str, float],
           scan: dict[str, float], *, load: str) -> str:
    rows = []
    for case in all_cases:
        r = case.result
        target = f"< {case.target_ms:g}" if case.target_ms else "-"
        verdict = "-" if case.target_ms is None else "ok" if r["p95"] < case.target_ms else "MISSED"
        rows.append((case.name, r["count"], r["p50"], r["p95"], r["max"], f"{r['p95'] / floor['p95']:.1f}x",
                     target, verdict, r["reads"]))
    rows.append(("raw limit: Core location page, no count", "50 rows", floor["p50"], floor["p95"], floor["max"],
                 "1.0x", "-", "-", "index"))
    rows.append(("no usable index: measures LIKE (count)", "-", scan["p50"], scan["p95"], scan["max"],
                 f"{scan['p95'] / floor['p95']:.0f}x", "-", "-", "FULL"))
    header = (f"{backend}: {meta['rows']:,} hazards (filled {meta['filled_at']} in {meta['fill_seconds']:.0f} s); "
              f"ms per call through listing.list_hazards, page of 50 + capped count; {load}")
    body = table(("query", "matches", "p50 ms", "p95 ms", "max ms", "p95/raw", "target", "", "reads"), rows)
    return f"{header}\n{body}\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", action="append", choices=BACKENDS, help="default: both")
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS)
    parser.add_argument("--runs", type=int, default=200, help="timed runs per query (each capped at 30 s)")
    parser.add_argument("--force-fill", action="store_true", help="refill the databases first")
    parser.add_argument("--no-http", action="store_true", help="skip the HTTP load test")
    args = parser.parse_args()
    backends = args.backend or list(BACKENDS)
    started = time.perf_counter()
    reports = [bench_backend(b, rows=args.rows, runs=args.runs, force_fill=args.force_fill) for b in backends]
    text_out = "\n".join(reports)
    print("\n" + text_out)
    path = write_result("queries.txt", text_out)
    print(f"(saved to {path}; plans in bench/results/plans_*.txt; {time.perf_counter() - started:.0f} s)")
    if not args.no_http:
        from bench import http_load

        http_load.run(backends, rows=args.rows)


if __name__ == "__main__":
    main()
