"""Server time of the console's queue and statistics pages on the 1,000,000-hazard SQLite database.

The database is the one ``bench/fill.py`` fills (reused when already filled). Pages are rendered
in-process through the whole ASGI app (routing, session cookie, queries, templates) with no
network in between, signed in as an officer and as the chief; the time is wall time per request.
The statistics page serves cached figures (``SAFETY_CONSOLE_STATS_TTL_SECONDS``); gathering them
afresh, as the first request and the background refresh do, is timed separately.

    .venv/bin/python bench/console_pages.py [--rows N] [--runs N]
"""

import argparse
import re
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fastapi.testclient import TestClient

from bench import fill
from bench.common import DEFAULT_ROWS, percentiles, settings_for, table, timed, write_result
from safety_service.clock import utc_now
from safety_service.database import make_engine
from safety_service.hazards import figures
from safety_service.main import create_app

LIMIT_MS = 300.0
PAGES = (
    ("officer", "new reports (home)", "/console/"),
    ("officer", "overdue board", "/console/?queue=overdue"),
    ("officer", "all, page 20", "/console/?queue=all&page=20"),
    ("officer", "all, text search", "/console/?queue=all&q=%E9%A1%B6%E6%9D%BF"),
    ("officer", "polled list part", "/console/?queue=triage&partial=1"),
    ("chief", "major hazards (home)", "/console/"),
    ("officer", "statistics (cached)", "/console/stats"),
)


def sign_in(client: TestClient, username: str) -> None:
    """Sign in through the console's own form."""
    client.cookies.clear()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/console/login").text).group(1)
    answer = client.post("/console/login", data={"username": username, "password": fill.PASSWORD,
                                                 "csrf_token": token})
    assert answer.status_code == 303, answer.text


def measure(client: TestClient, path: str, runs: int) -> dict[str, float]:
    """Percentiles of one page's server time, each answer checked."""
    def call() -> None:
        answer = client.get(path)
        assert answer.status_code == 200, (path, answer.status_code)

    return percentiles(timed(call, runs=runs, warmup=3, max_seconds=60))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS)
    parser.add_argument("--runs", type=int, default=100)
    args = parser.parse_args()
    meta = fill.ensure("sqlite", rows=args.rows)
    settings = settings_for(meta["url"], console_cookie_secure=False, console_stats_ttl_seconds=3600)
    engine = make_engine(settings)
    gather = percentiles(timed(lambda: figures.gather_from(engine, utc_now(), settings.timezone),
                               runs=5, warmup=0, max_seconds=120))
    rows, app = [], create_app(settings, engine, run_scheduler=False, run_mqtt=False)
    with TestClient(app, base_url="http://127.0.0.1", follow_redirects=False) as client:
        for who, name, path in PAGES:
            sign_in(client, "chief" if who == "chief" else "officer1")
            found = measure(client, path, args.runs)
            rows.append((name, who, found["p50"], found["p95"], found["max"], found["n"],
                         "ok" if found["p95"] < LIMIT_MS else "OVER"))
    report = (f"Console pages, SQLite, {args.rows:,} hazards (server time in ms, in-process)\n\n"
              + table(("page", "as", "p50", "p95", "max", "n", f"p95 < {LIMIT_MS:.0f}"), rows)
              + f"\n\nGathering the statistics afresh (first request, background refresh): "
                f"p50 {gather['p50']:.0f} ms, max {gather['max']:.0f} ms over {gather['n']} runs\n")
    print(report)
    print(f"written to {write_result('console_pages.txt', report)}")
    engine.dispose()


if __name__ == "__main__":
    main()
