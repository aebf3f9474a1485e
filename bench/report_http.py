"""Report submissions per second through real uvicorn against the same server's trivial endpoint.

    .venv/bin/python bench/report_http.py [--seconds 10] [--connections 64]

One uvicorn process on 127.0.0.1 serving the real app on a fresh SQLite file (rate limits off),
plus a trivial ``GET /bench/trivial``. wrk runs the trivial endpoint, then ``POST /r/{token}``
(form parsing, token check, the batch writer's group commit, the receipt page), each for a
bounded time. Every reference wrk saw acknowledged (201) must be in the database afterwards.
"""

import argparse
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

LUA = Path(__file__).with_name("report_http.lua")
UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


def serve(port: int) -> None:
    """Run the app with the trivial endpoint (in the child process)."""
    import uvicorn
    from fastapi.responses import PlainTextResponse

    from safety_service.config import get_settings
    from safety_service.heap import settle_heap
    from safety_service.main import create_app

    app = create_app(get_settings(), run_scheduler=False)
    app.add_api_route("/bench/trivial", lambda: PlainTextResponse("ok"), methods=["GET"])
    settle_heap()  # as `safety-service serve` does
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def prepare(db: Path) -> dict[str, str]:
    """A migrated database with one location; the environment for the server (its keys generated beside the
    database, so the token signed here is the one the server checks)."""
    env = dict(os.environ, SAFETY_DATABASE_URL=f"sqlite:///{db}", SAFETY_PUBLIC_RATE_PER_MINUTE="0",
               SAFETY_REPORT_RATE_PER_MINUTE="0", SAFETY_MQTT_ENABLED="false", SAFETY_SCHEDULER_ENABLED="false",
               SAFETY_LOG_LEVEL="WARNING", SAFETY_DATA_DIR=str(db.parent))
    cli = [sys.executable, "-m", "safety_service"]
    subprocess.run([*cli, "db", "upgrade"], env=env, check=True, capture_output=True)
    subprocess.run([*cli, "location", "add", "PH-1", "--name", "主井井口"], env=env, check=True, capture_output=True)
    return env


def wrk(url: str, *, seconds: int, connections: int, script: Path | None = None,
        env: dict[str, str] | None = None) -> dict[str, float]:
    """Requests per second, p50/p99 latency (ms) and non-2xx count of one bounded wrk run."""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s", "--latency", url]
    if script:
        command[1:1] = ["-s", str(script)]
    done = subprocess.run(command, check=False, capture_output=True, text=True, env=env, timeout=seconds + 30)
    if done.returncode:
        raise RuntimeError(f"wrk failed: {done.stderr or done.stdout}")
    out = done.stdout
    percentiles = re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", out, re.MULTILINE)
    latency = {p: float(v) * UNITS[u] for p, v, u in percentiles}
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), "p50": latency["50"],
            "p99": latency["99"], "non_2xx": int(bad.group(1)) if bad else 0,
            "requests": int(re.search(r"(\d+) requests in", out).group(1)),
            "refused": re.findall(r"^refused with status .*$", out, re.MULTILINE)}


def wait_up(base: str) -> None:
    for _ in range(600):  # up to a minute: a loaded machine starts the app slowly
        try:
            urllib.request.urlopen(base + "/bench/trivial", timeout=1)
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("server did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.port)
        return
    with tempfile.TemporaryDirectory() as tmp:
        run(Path(tmp), args)


def run(tmp: Path, args: argparse.Namespace) -> None:
    env = prepare(tmp / "bench.db")
    from safety_service.config import Settings
    from safety_service.qr import tokens

    base = f"http://127.0.0.1:{args.port}"
    token = tokens.sign(tokens.keyring(Settings(database_url=env["SAFETY_DATABASE_URL"], data_dir=env["SAFETY_DATA_DIR"]).with_keys()), "PH-1")
    server = subprocess.Popen([sys.executable, __file__, "--serve", "--port", str(args.port)], env=env)
    try:
        wait_up(base)
        trivial = wrk(base + "/bench/trivial", seconds=args.seconds, connections=args.connections)
        refs_file = tmp / "refs.txt"
        report = wrk(f"{base}/r/{token}", seconds=args.seconds, connections=args.connections, script=LUA,
                     env=dict(env, REFS_FILE=str(refs_file)))
    finally:
        server.terminate()
        server.wait(30)
    acked = refs_file.read_text().split()
    with sqlite3.connect(tmp / "bench.db") as db:
        stored = {row[0] for row in db.execute("SELECT ref FROM hazard")}
    report_results(trivial, report, acked, stored)


def report_results(trivial: dict, report: dict, acked: list[str], stored: set[str]) -> None:
    missing = [ref for ref in acked if ref not in stored]
    ratio = report["rps"] / trivial["rps"]
    print(f"trivial GET      {trivial['rps']:8.0f} req/s  p50 {trivial['p50']:6.1f} ms  p99 {trivial['p99']:6.1f} ms")
    print(f"report POST /r/  {report['rps']:8.0f} req/s  p50 {report['p50']:6.1f} ms  p99 {report['p99']:6.1f} ms"
          f"  non-2xx {report['non_2xx']}")
    for line in report["refused"]:
        print(line)
    print(f"ratio report/trivial {ratio:.2f} (target >= 0.50), report p99 {report['p99']:.1f} ms (target < 100)")
    print(f"acknowledged {len(acked)}, stored {len(stored)}, acknowledged but missing {len(missing)}")
    ok = ratio >= 0.5 and report["p99"] < 100 and not missing and report["non_2xx"] == 0 and acked
    print("PASS" if ok else "FAIL")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
