"""Fill a fresh benchmark database with a million hazards, or reuse the one filled before.

The schema comes from the real migrations and the site, areas, locations and accounts from the
service layer; only the hazards are bulk-inserted with Core ``executemany`` in id order. The
hazard table's secondary indexes (and SQLite's full-text triggers) are dropped for the load and
re-created from their own saved DDL afterwards, so the finished schema is exactly the migrated
one; the full-text index is then rebuilt and the statistics gathered (ANALYZE).

A filled database is kept and reused while its row count, the data generator and the migrations
are unchanged (a small JSON file beside it records them); ``--force`` refills.

    .venv/bin/python bench/fill.py --backend sqlite --backend postgresql [--rows N] [--force]
"""

import argparse
import hashlib
import json
import random
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg
from sqlalchemy import event, func, insert, select
from sqlalchemy.engine import Connection, Engine, make_url
from sqlmodel import Session

from bench import data
from bench.common import BACKENDS, DEFAULT_ROWS, RESULTS, ROOT, create_database, database_url, settings_for
from safety_service import migrate
from safety_service.database import make_engine, session_scope
from safety_service.hazards.models import Hazard, RefCounter
from safety_service.locations import service as locations_service
from safety_service.locations.models import Category
from safety_service.locations.schemas import AreaCreate, LocationCreate
from safety_service.people import service as people_service
from safety_service.people.models import Role
from safety_service.people.schemas import PersonCreate, UserCreate

BATCH = 10_000
SEED = 20_261_124
PASSWORD = "bench-password"
OFFICERS = 6
OWNERS = 40
REPORTERS = 400
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟强磊军勇杰涛明超辉刚平鹏华飞斌波宇浩凯建国志红春林海峰"


def meta_path(backend: str, rows: int) -> Path:
    return RESULTS / f"{backend}_{rows}.meta.json"


def fingerprint() -> str:
    """Changes with the data generator or the first migration (the hazard table and its indexes).

    Later migrations are applied to a reused database instead (see ``_cached``).
    """
    digest = hashlib.sha256(f"generator {data.GENERATOR_VERSION} seed {SEED}".encode())
    digest.update((ROOT / "safety_service" / "migrations" / "versions" / "0001_hazard_register.py").read_bytes())
    return digest.hexdigest()[:16]


def ensure(backend: str, *, rows: int = DEFAULT_ROWS, force: bool = False,
           max_seconds: float = 1800) -> dict[str, Any]:
    """The filled database's description (url, rows, fill time), filling it first when needed."""
    url = database_url(backend, rows)
    cached = _cached(backend, rows, url)
    if cached is not None and not force:
        print(f"[{backend}] reusing the filled database ({rows:,} hazards, filled {cached['filled_at']})")
        return cached
    print(f"[{backend}] filling a fresh database with {rows:,} hazards: {_safe(url)}", flush=True)
    meta = fill(backend, url, rows=rows, max_seconds=max_seconds)
    RESULTS.mkdir(parents=True, exist_ok=True)
    meta_path(backend, rows).write_text(json.dumps(meta, indent=2))
    return meta


def _safe(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def _cached(backend: str, rows: int, url: str) -> dict[str, Any] | None:
    path = meta_path(backend, rows)
    if not path.exists():
        return None
    meta = json.loads(path.read_text())
    if meta.get("fingerprint") != fingerprint() or meta.get("url") != url:
        print(f"[{backend}] the cached fill is stale (migrations or generator changed)")
        return None
    try:
        engine = make_engine(settings_for(url))
        migrate.upgrade(engine)  # migrations added since the fill; a no-op when at head
        with engine.connect() as connection:
            found = connection.execute(select(func.count()).select_from(Hazard.__table__)).scalar_one()
        engine.dispose()
    except Exception as exc:  # noqa: BLE001 - a missing file or database, or a failed upgrade: fill again
        print(f"[{backend}] the cached database is not usable ({type(exc).__name__}: {str(exc)[:200]}); refilling")
        return None
    return meta if found == rows else None


def fill(backend: str, url: str, *, rows: int, max_seconds: float) -> dict[str, Any]:
    """Create the database, migrate it, add the world and bulk-load the hazards."""
    started = time.perf_counter()
    create_database(backend, url)
    engine = make_engine(settings_for(url))
    migrate.upgrade(engine)
    world = create_world(engine)
    now = datetime.now(UTC).replace(microsecond=0)
    generator = data.HazardGenerator(world, count=rows, now=now, seed=SEED)
    with _load_engine(backend, url).connect() as connection:
        saved = _drop_secondary(connection, backend)
        timings = {"world_s": round(time.perf_counter() - started, 1)}
        _load(connection, backend, generator, rows=rows, deadline=started + max_seconds, timings=timings)
        _restore(connection, backend, saved, timings=timings)
        _set_ref_counters(connection, generator.counters)
    _analyze(engine, backend, url, timings=timings)
    engine.dispose()
    total = round(time.perf_counter() - started, 1)
    print(f"[{backend}] filled in {total:.0f} s: {timings}", flush=True)
    return {"backend": backend, "url": url, "rows": rows, "fingerprint": fingerprint(), "seed": SEED,
            "now": now.isoformat(), "filled_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "fill_seconds": total, "timings": timings}


def create_world(engine: Engine) -> data.World:
    """The site, areas, locations and people, made through the service layer like an administrator would."""
    rng = random.Random(SEED)
    with session_scope(engine) as session:
        site = locations_service.ensure_site(session, code="tianchen", name_zh="田陈煤矿", name_en="Tianchen mine")
        for code, zh, en in data.AREAS:
            locations_service.add_area(session, site=site, data=AreaCreate(code=code, name_zh=zh, name_en=en))
        locations, weights = [], []
        for code, zh, en, area, kind, weight in data.location_specs(rng):
            location = locations_service.add_location(session, site=site, data=LocationCreate(
                code=code, name_zh=zh, name_en=en, area_code=area, kind=kind))
            locations.append((location.id, zh, en))
            weights.append(weight)
        officers = [_user(session, f"officer{i}", Role.officer, 3000 + i) for i in range(1, OFFICERS + 1)]
        chief = _user(session, "chief", Role.chief, 5001)
        _user(session, "admin", Role.admin, 9001)
        owners = [_user(session, f"owner{i:02d}", Role.owner, 4000 + i) for i in range(1, OWNERS + 1)]
        reporters = []
        for number in range(REPORTERS):
            person = people_service.add_person(session, data=PersonCreate(
                employee_no=str(10_000 + number), name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                team=rng.choice(("综采一队", "综采二队", "掘进一队", "掘进二队", "机电队", "运输队", "通风队"))))
            reporters.append((person.id, person.employee_no, person.name))
        categories = {c.code: c.id for c in session.exec(select(Category)).scalars()}
        return data.World(site_id=site.id, locations=locations, location_weights=weights, category_ids=categories,
                          officer_ids=[u.id for u in officers], chief_id=chief.id,
                          owner_ids=[u.id for u in owners], reporters=reporters)


def _user(session: Session, username: str, role: Role, employee_no: int) -> Any:
    return people_service.add_user(session, data=UserCreate(
        username=username, role=role, password=PASSWORD, employee_no=str(employee_no),
        name=f"{username}", team="安全科"))


def _load_engine(backend: str, url: str) -> Engine:
    """An engine for the bulk load: on SQLite a big page cache and no fsync (a crash means a refill)."""
    engine = make_engine(settings_for(url, db_pool_size=1))
    if backend == "sqlite":
        event.listen(engine, "connect", _bulk_pragmas)
    return engine


def _bulk_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.execute("PRAGMA cache_size = -1000000")
    dbapi_connection.execute("PRAGMA synchronous = OFF")


def _drop_secondary(connection: Connection, backend: str) -> list[tuple[str, str, str]]:
    """Drop the hazard table's secondary indexes (and FTS triggers); return their DDL to restore."""
    if backend == "sqlite":
        saved = [tuple(row) for row in connection.exec_driver_sql(
            "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = 'hazard' AND sql IS NOT NULL "
            "AND type IN ('index', 'trigger') ORDER BY type, name")]
    else:
        saved = [("index", name, ddl) for name, ddl in connection.exec_driver_sql(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'hazard' AND indexname NOT IN "
            "(SELECT conname FROM pg_constraint) ORDER BY indexname")]
    for kind, name, _ in saved:
        connection.exec_driver_sql(f'DROP {kind.upper()} "{name}"')
    connection.commit()
    print(f"[{backend}] dropped for the load: {', '.join(name for _, name, _ in saved)}", flush=True)
    return saved


def _load(connection: Connection, backend: str, generator: data.HazardGenerator, *, rows: int,
          deadline: float, timings: dict[str, float]) -> None:
    started = time.perf_counter()
    if backend == "postgresql":
        # Every reference is valid by construction; skip the per-row foreign-key triggers for the load.
        connection.exec_driver_sql("SET session_replication_role = replica")
    statement = insert(Hazard.__table__)
    done = 0
    for batch in generator.rows(BATCH):
        connection.execute(statement, batch)
        connection.commit()
        done += len(batch)
        if done % 100_000 == 0 or done == rows:
            rate = done / (time.perf_counter() - started)
            print(f"[{backend}]   {done:>9,} hazards  {rate:,.0f}/s", flush=True)
        if time.perf_counter() > deadline:
            raise SystemExit(f"[{backend}] the fill ran past its time limit; try --rows smaller or --max-seconds")
    if backend == "postgresql":
        connection.exec_driver_sql("SET session_replication_role = origin")
    timings["insert_s"] = round(time.perf_counter() - started, 1)


def _restore(connection: Connection, backend: str, saved: list[tuple[str, str, str]], *,
             timings: dict[str, float]) -> None:
    """Re-create what was dropped from its own DDL; rebuild SQLite's full-text index."""
    started = time.perf_counter()
    if backend == "postgresql":
        connection.exec_driver_sql("SET maintenance_work_mem = '512MB'")
    for kind, name, ddl in sorted(saved, key=lambda item: item[0]):  # indexes before triggers
        step = time.perf_counter()
        connection.exec_driver_sql(ddl)
        connection.commit()
        print(f"[{backend}]   {kind} {name} re-created in {time.perf_counter() - step:.1f} s", flush=True)
    if backend == "sqlite":
        step = time.perf_counter()
        connection.exec_driver_sql("INSERT INTO hazard_fts(hazard_fts) VALUES ('rebuild')")
        connection.commit()
        print(f"[{backend}]   hazard_fts rebuilt in {time.perf_counter() - step:.1f} s", flush=True)
    timings["indexes_s"] = round(time.perf_counter() - started, 1)
    _check_restored(connection, backend, saved)


def _check_restored(connection: Connection, backend: str, saved: list[tuple[str, str, str]]) -> None:
    if backend == "sqlite":
        now = {tuple(row) for row in connection.exec_driver_sql(
            "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = 'hazard' AND sql IS NOT NULL "
            "AND type IN ('index', 'trigger')")}
    else:
        now = {("index", name, ddl) for name, ddl in connection.exec_driver_sql(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'hazard' AND indexname NOT IN "
            "(SELECT conname FROM pg_constraint)")}
    if now != set(saved):
        raise SystemExit(f"[{backend}] the restored schema differs from the migrated one: {now ^ set(saved)}")


def _set_ref_counters(connection: Connection, counters: dict[int, int]) -> None:
    connection.execute(RefCounter.__table__.delete())
    connection.execute(insert(RefCounter.__table__), [{"year": y, "value": v} for y, v in counters.items()])
    connection.commit()


def _analyze(engine: Engine, backend: str, url: str, *, timings: dict[str, float]) -> None:
    started = time.perf_counter()
    if backend == "sqlite":
        with engine.connect() as connection:
            connection.exec_driver_sql("ANALYZE")
            connection.commit()
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    else:
        conninfo = make_url(url).render_as_string(hide_password=False).replace("postgresql+psycopg", "postgresql")
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute("VACUUM (ANALYZE)")
    timings["analyze_s"] = round(time.perf_counter() - started, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", action="append", choices=BACKENDS, help="default: both")
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS)
    parser.add_argument("--force", action="store_true", help="refill even when a filled database exists")
    parser.add_argument("--max-seconds", type=float, default=1800, help="give up a fill after this long")
    args = parser.parse_args()
    for backend in args.backend or BACKENDS:
        ensure(backend, rows=args.rows, force=args.force, max_seconds=args.max_seconds)


if __name__ == "__main__":
    main()
