"""What the benchmark scripts share: where the databases live, settings, timing and tables."""

import json
import math
import os
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import func, select
from sqlalchemy.engine import Engine, make_url

from safety_service.config import Settings
from safety_service.hazards.models import Hazard
from safety_service.locations.models import Location

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
BACKENDS = ("sqlite", "postgresql")
DEFAULT_ROWS = 1_000_000
# Loopback only; the default server of `make services`, trust authentication.
PG_ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
SECRET_KEY = "bench-secret-key-not-for-production-" + "x" * 16
POOL_SIZE = 20


def kiosk_status(version: str, *, acks: int) -> str:
    """A kiosk's ``kiosk-status/1`` as JSON: online at ``version``, reading ``kiosk-ack/2`` when ``acks`` is 2."""
    status: dict[str, Any] = {"schema": "kiosk-status/1", "state": "online", "version": version, "at": None}
    if acks == 2:
        status["acks"] = ["kiosk-ack/1", "kiosk-ack/2"]
    return json.dumps(status)


def database_url(backend: str, rows: int) -> str:
    """The benchmark database of this backend and size (never the service's own database)."""
    if backend == "sqlite":
        return f"sqlite:///{RESULTS / f'hazards_{rows}.db'}"
    return make_url(PG_ADMIN_URL).set(database=f"bench_hazards_{rows}").render_as_string(hide_password=False)


def create_database(backend: str, url: str) -> None:
    """An empty database at ``url``: the SQLite file removed, the PostgreSQL database dropped and created."""
    if backend == "sqlite":
        path = Path(make_url(url).database or "")
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    name = make_url(url).database
    admin = make_url(PG_ADMIN_URL).render_as_string(hide_password=False).replace("postgresql+psycopg", "postgresql")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def settings_for(url: str, **overrides: Any) -> Settings:
    """Settings for the benchmark: the bench database, no scheduler, a fixed secret key."""
    values: dict[str, Any] = {
        "database_url": url, "env": "development", "secret_key": SECRET_KEY,
        "scheduler_enabled": False, "mqtt_enabled": False, "db_pool_size": POOL_SIZE, "log_level": "WARNING",
    }
    values.update(overrides)
    return Settings(**values)


def settings_env(url: str) -> dict[str, str]:
    """The same settings as ``SAFETY_`` environment variables, for a server subprocess."""
    return {
        "SAFETY_DATABASE_URL": url, "SAFETY_ENV": "development", "SAFETY_SECRET_KEY": SECRET_KEY,
        "SAFETY_SCHEDULER_ENABLED": "false", "SAFETY_DB_POOL_SIZE": str(POOL_SIZE),
        "SAFETY_LOG_LEVEL": "WARNING", "SAFETY_MQTT_ENABLED": "false",
    }


def timed(call: Callable[[], Any], *, runs: int, warmup: int, max_seconds: float) -> list[float]:
    """Milliseconds of each run of ``call`` after a warm-up; stops early at ``max_seconds``."""
    for _ in range(warmup):
        call()
    samples: list[float] = []
    deadline = time.perf_counter() + max_seconds
    for _ in range(runs):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
        if time.perf_counter() > deadline:
            break
    return samples


def percentiles(samples: Sequence[float]) -> dict[str, float]:
    """p50, p95 and max of the samples."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]
    return {"p50": statistics.median(ordered), "p95": p95, "max": ordered[-1], "n": len(ordered)}


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A plain text table, columns padded to their widest cell (CJK counted double)."""
    cells = [[str(h) for h in headers], *[[_cell(v) for v in row] for row in rows]]
    widths = [max(_width(row[i]) for row in cells) for i in range(len(headers))]
    lines = []
    for number, row in enumerate(cells):
        lines.append("  ".join(_pad(value, widths[i], numeric=number > 0 and _numeric(value))
                               for i, value in enumerate(row)).rstrip())
        if number == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines)


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.2f}" if value < 100 else f"{value:,.0f}"
    return str(value)


def _numeric(value: str) -> bool:
    return value.replace(".", "").replace(",", "").replace("%", "").replace("x", "").strip().isdigit()


def _width(value: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in value)


def _pad(value: str, width: int, *, numeric: bool) -> str:
    gap = " " * (width - _width(value))
    return gap + value if numeric else value + gap


def write_result(name: str, text: str) -> Path:
    """Save a report under bench/results/ and return its path."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / name
    path.write_text(text, encoding="utf-8")
    return path


def busiest_location(engine: Engine) -> tuple[int, str]:
    """The location with the most open hazards: the heaviest page an officer opens."""
    h = Hazard.__table__.c
    with engine.connect() as connection:
        row = connection.execute(
            select(Location.id, Location.code).join(Hazard.__table__, h.location_id == Location.id)
            .where(h.is_open.is_(True)).group_by(Location.id, Location.code)
            .order_by(func.count().desc()).limit(1)
        ).one()
    return row.id, row.code
