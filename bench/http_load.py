"""Requests per second of the hazard list endpoint against a ping, at 64 connections, with wrk.

For each backend the real app (``create_app``) is started on the filled database and loaded with
``GET /api/v1/hazards?location=X&open=true`` (an officer's bearer token), then with the same
server's ``GET /bench/ping`` (an async route ``bench/serve.py`` adds and routes first, so it pays
the app's middleware and nothing else: the target's ceiling); then the bare ping app
(``bench/ping_app.py``) with the same uvicorn configuration, for reference. Each runs
one uvicorn process on 127.0.0.1 at a free port; wrk keeps 64 connections open for a fixed time
(and then 16, fewer than the pool's 20 connections, for comparison).
Any non-2xx answer is then sorted into 4xx and 5xx by a short second run with a Lua counter.

    .venv/bin/python bench/http_load.py [--backend sqlite] [--seconds 10] [--connections 64 --connections 16]

Needs ``wrk`` (Debian: ``apt-get install -y wrk``; installed automatically when run as root).
"""

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any, Self

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select
from sqlmodel import Session

from bench import fill
from bench.common import BACKENDS, DEFAULT_ROWS, ROOT, busiest_location, settings_env, settings_for, table, write_result
from safety_service.database import make_engine
from safety_service.people.models import User
from safety_service.security import create_access_token

TARGET_RATIO = 0.10
CONNECTIONS = (64, 16)  # the target, and fewer than the pool's 20 connections for comparison
WRK_TIMEOUT = "10s"
STATUS_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) s4 = 0; s5 = 0 end
function response(status, headers, body)
  if status >= 500 then s5 = s5 + 1 elseif status >= 400 then s4 = s4 + 1 end
end
function done(summary, latency, requests)
  local t4, t5 = 0, 0
  for _, t in ipairs(threads) do t4 = t4 + t:get("s4"); t5 = t5 + t:get("s5") end
  io.write(string.format("status_4xx %d\\nstatus_5xx %d\\n", t4, t5))
end
"""


def ensure_wrk() -> str:
    """The wrk binary, installed with apt-get when missing and running as root; else a clear exit."""
    found = shutil.which("wrk")
    if found:
        return found
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        print("wrk is missing; installing it with apt-get (Debian package wrk)", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        if subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], env=env, timeout=300, check=False).returncode:
            subprocess.run(["apt-get", "update", "-qq"], env=env, timeout=300, check=False)
            subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], env=env, timeout=300, check=False)
        found = shutil.which("wrk")
    if not found:
        raise SystemExit("bench/http_load.py needs wrk: install it with `sudo apt-get install -y wrk` "
                         "(Debian/Ubuntu) or from https://github.com/wg/wrk")
    return found


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """One uvicorn process serving an app on 127.0.0.1, stopped (by its own pid) on exit."""

    def __init__(self, app: str, env: dict[str, str], ready_path: str) -> None:
        self.port = free_port()
        self.app, self.ready_path = app, ready_path
        self.env = {**os.environ, **env}
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in __exit__
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Self:
        command = [sys.executable, str(ROOT / "bench" / "serve.py"), self.app, "--port", str(self.port)]
        self.process = subprocess.Popen(command, env=self.env, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                with urllib.request.urlopen(self.url(self.ready_path), timeout=2) as answer:
                    if answer.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        self.log.seek(0)
        raise SystemExit(f"the {self.app} server did not start:\n{self.log.read().decode(errors='replace')[-3000:]}")

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def __exit__(self, *exc: object) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.log.close()


def wrk(binary: str, url: str, *, connections: int, seconds: int, token: str | None,
        script: str | None = None) -> dict[str, Any]:
    """One wrk run; requests/s, latency percentiles, non-2xx and socket errors."""
    command = [binary, "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", WRK_TIMEOUT, "--latency"]
    if token:
        command += ["-H", f"Authorization: Bearer {token}"]
    if script:
        command += ["-s", script]
    output = subprocess.run([*command, url], capture_output=True, text=True, timeout=seconds + 60,
                            check=False).stdout
    return parse_wrk(output)


def parse_wrk(output: str) -> dict[str, Any]:
    def number(pattern: str, default: float = 0.0) -> float:
        found = re.search(pattern, output)
        return float(found.group(1)) if found else default

    def latency(label: str) -> float:
        found = re.search(rf"^\s+{label}\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
        if not found:
            return float("nan")
        return float(found.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[found.group(2)]

    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return {
        "rps": number(r"Requests/sec:\s+([\d.]+)"),
        "requests": int(number(r"(\d+) requests in")),
        "non2xx": int(number(r"Non-2xx or 3xx responses: (\d+)")),
        "socket_errors": sum(int(g) for g in errors.groups()) if errors else 0,
        "p50_ms": latency("50%"), "p99_ms": latency("99%"),
        "4xx": int(number(r"status_4xx (\d+)")), "5xx": int(number(r"status_5xx (\d+)")),
        "raw": output,
    }


def measure(binary: str, server: Server, path: str, *, token: str | None, connections: int,
            seconds: int) -> dict[str, Any]:
    """Warm up, measure, and when anything failed, sort the failures into 4xx and 5xx."""
    url = server.url(path)
    wrk(binary, url, connections=connections, seconds=2, token=token)
    result = wrk(binary, url, connections=connections, seconds=seconds, token=token)
    if result["non2xx"] or result["socket_errors"]:
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(STATUS_SCRIPT)
        statuses = wrk(binary, url, connections=connections, seconds=5, token=token, script=script.name)
        Path(script.name).unlink()
        result.update({"4xx": statuses["4xx"], "5xx": statuses["5xx"]})
    return result


def officer_token(url: str) -> str:
    engine = make_engine(settings_for(url))
    with Session(engine) as session:
        officer_id = session.exec(select(User.id).where(User.username == "officer1")).scalar_one()
    engine.dispose()
    return create_access_token(officer_id, settings_for(url))


def run(backends: list[str], *, rows: int = DEFAULT_ROWS, seconds: int = 10,
        connections: tuple[int, ...] = CONNECTIONS) -> str:
    """Load each backend's list endpoint and the ping app at each concurrency; print and save the table."""
    binary = ensure_wrk()
    results = []
    for backend in backends:
        meta = fill.ensure(backend, rows=rows)
        engine = make_engine(settings_for(meta["url"]))
        _, location = busiest_location(engine)
        engine.dispose()
        path = f"/api/v1/hazards?location={location}&open=true"
        token = officer_token(meta["url"])
        for count in connections:
            with Server("safety", settings_env(meta["url"]), "/healthz") as server:
                listed = measure(binary, server, path, token=token, connections=count, seconds=seconds)
                print(f"[{backend}] list at {count}: {listed['rps']:,.0f} req/s, {listed['requests']} done, "
                      f"non-2xx {listed['non2xx']}, socket errors {listed['socket_errors']}", flush=True)
                pinged = measure(binary, server, "/bench/ping", token=None, connections=count, seconds=seconds)
            print(f"[{backend}] the same server's ping at {count}: {pinged['rps']:,.0f} req/s", flush=True)
            with Server("ping", {}, "/ping") as server:
                bare = measure(binary, server, "/ping", token=None, connections=count, seconds=seconds)
            print(f"[{backend}] a bare FastAPI ping at {count}: {bare['rps']:,.0f} req/s", flush=True)
            results.append((backend, count, path, listed, pinged, bare))
    text = report(results, seconds=seconds)
    print("\n" + text)
    raw = "\n".join(f"--- {r[0]} {r[1]} connections\n{r[3]['raw']}{r[4]['raw']}{r[5]['raw']}" for r in results)
    saved = write_result("http.txt", f"{text}\n\n{raw}")
    print(f"(saved to {saved})")
    return text


def report(results: list[tuple[str, int, str, dict[str, Any], dict[str, Any], dict[str, Any]]], *,
           seconds: int) -> str:
    rows = []
    for backend, count, path, listed, pinged, bare in results:
        ratio = listed["rps"] / pinged["rps"] if pinged["rps"] else 0.0
        ok = "ok" if ratio >= TARGET_RATIO and not listed["5xx"] and not listed["socket_errors"] else "MISSED"
        named = ((f"GET {path}", listed), ("GET /bench/ping (same server, routed first)", pinged),
                 ("GET /ping (bare FastAPI app)", bare))
        for name, result in named:
            rows.append((backend, count, name, result["rps"], result["p50_ms"], result["p99_ms"], result["requests"],
                         result["non2xx"], result["5xx"], result["socket_errors"]))
        bare_ratio = listed["rps"] / bare["rps"] if bare["rps"] else 0.0
        rows.append((backend, count, "list / same server's ping", f"{ratio:.1%}", "", "", "", "", "",
                     f"target >= 10%: {ok}"))
        rows.append((backend, count, "list / bare ping", f"{bare_ratio:.1%}", "", "", "", "", "", ""))
    header = (f"HTTP for {seconds} s per run (wrk -t1 --timeout {WRK_TIMEOUT}, one uvicorn process each, 127.0.0.1; "
              f"load average {os.getloadavg()[0]:.1f}, {os.cpu_count()} CPUs)")
    body = table(("backend", "conns", "request", "req/s", "p50 ms", "p99 ms", "done", "non-2xx", "5xx",
                  "socket errors"), rows)
    note = ("0 requests done means the server stalled for the whole run: at more connections than the pool "
            "holds, requests wait for connections held by requests that wait for a worker thread; after "
            "the pool timeout (30 s) they fail with 500.")
    return f"{header}\n{body}\n{note}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", action="append", choices=BACKENDS, help="default: both")
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS)
    parser.add_argument("--seconds", type=int, default=10, choices=range(1, 121), metavar="1..120")
    parser.add_argument("--connections", type=int, action="append", choices=range(1, 1025), metavar="1..1024",
                        help=f"repeatable; default {' and '.join(map(str, CONNECTIONS))}")
    args = parser.parse_args()
    run(args.backend or list(BACKENDS), rows=args.rows, seconds=args.seconds,
        connections=tuple(args.connections or CONNECTIONS))


if __name__ == "__main__":
    main()
