"""`safety-service serve` as `make run` starts it: logs a collector can read, and QR codes that point
at the address it serves when SAFETY_PUBLIC_URL is not set."""

import json
import logging
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx2 as httpx
import pytest
from click.testing import CliRunner

from safety_service import logs
from safety_service.cli import main
from safety_service.config import get_settings, served_url
from safety_service.database import get_engine
from tests.console.conftest import csrf_of
from tests.mqtt.mosquitto import free_port
from tests.qr.decode import decode_png

ROOT = Path(__file__).resolve().parents[2]
OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+08:00$")


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, Callable[[], list[str]]]]:
    """`serve` on a free loopback port with JSON logs and no SAFETY_PUBLIC_URL, on a database with an
    admin and a location; yields its base URL and what stops it and gives its log lines."""
    url = f"sqlite:///{tmp_path / 'served.db'}"
    monkeypatch.setenv("SAFETY_DATABASE_URL", url)
    get_settings.cache_clear(), get_engine.cache_clear()
    runner = CliRunner()
    for command in (["db", "upgrade"], ["user", "add", "root", "--role", "admin", "--password", "long-password"],
                    ["location", "add", "PH-1", "--name", "主井井口"]):
        assert runner.invoke(main, command).exit_code == 0
    get_engine().dispose()
    get_settings.cache_clear(), get_engine.cache_clear()
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAFETY_")} | {
        "PYTHONPATH": str(ROOT), "SAFETY_DATABASE_URL": url, "SAFETY_LOG_FORMAT": "json",
        "SAFETY_MQTT_EMBEDDED_PORT": str(free_port()), "SAFETY_SCHEDULER_ENABLED": "false",
        "SAFETY_CONSOLE_COOKIE_SECURE": "false"}
    process = subprocess.Popen([sys.executable, "-m", "safety_service", "serve", "--port", str(port)], cwd=tmp_path,
                               env=env, stderr=subprocess.PIPE, text=True)
    lines: list[str] = []

    def stop() -> list[str]:
        """Stop the server (once) and give its log lines."""
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            lines.extend(line for line in process.communicate(timeout=30)[1].splitlines() if line.strip())
        return lines

    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and process.poll() is None:
            try:
                httpx.get(f"{base}/healthz", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.3)
        yield base, stop
    finally:
        stop()


def test_serve_logs_one_json_object_a_line_with_the_request_id(served: tuple[str, Callable[[], list[str]]]) -> None:
    base, stop = served
    with httpx.Client(base_url=base) as client:
        answer = client.get("/healthz", headers={"X-Request-ID": "pithead-check-1"})
        assert answer.status_code == 200 and answer.headers["x-request-id"] == "pithead-check-1"
        client.get("/console/login")
        signed_in = client.post("/console/login", data={"username": "root", "password": "long-password",
                                                        "csrf_token": csrf_of(client.get("/console/login").text)})
    entries = [json.loads(line) for line in stop()]  # every line, uvicorn's too, is one JSON object
    assert all({"time", "level", "logger", "message"} <= entry.keys() for entry in entries)
    assert all(OFFSET.match(entry["time"]) for entry in entries)  # the mine's time with its offset
    access = [e for e in entries if e["logger"] == "uvicorn.access" and e.get("request_id") == "pithead-check-1"]
    assert [(e["method"], e["path"], e["status"]) for e in access] == [("GET", "/healthz", 200)]
    sign_in = [e for e in entries if e["message"] == "console sign-in"]
    assert len(sign_in) == 1 and sign_in[0]["role"] == "admin"
    assert sign_in[0]["request_id"] == signed_in.headers["x-request-id"]
    assert any(e["logger"] == "safety_service.mqtt.broker" and "port" in e for e in entries)  # the broker ran
    assert not [e for e in entries if e["logger"].startswith("transitions")]  # and its library kept quiet


def test_qr_codes_point_at_the_address_served_and_the_console_says_so(
        served: tuple[str, Callable[[], list[str]]]) -> None:
    base, _ = served
    with httpx.Client(base_url=base) as client:
        token = client.post("/api/v1/auth/token", data={"username": "root", "password": "long-password"}).json()
        png = client.get("/api/v1/qr/locations/PH-1.png", headers={"Authorization": f"Bearer {token['access_token']}"})
        assert decode_png(png.content)[0].startswith(f"{base}/r/PH-1.")
        client.post("/console/login", data={"username": "root", "password": "long-password",
                                            "csrf_token": csrf_of(client.get("/console/login").text)})
        page = client.get("/console/admin/locations").text
    assert re.search(rf'id="qr-base">[^<]*<code>{re.escape(base)}</code>', page)


def test_text_logs_are_readable_with_the_time_zone(capsys: pytest.CaptureFixture[str]) -> None:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        logs.configure("INFO", timezone="Asia/Shanghai")
        logging.getLogger("safety_service.hazards").info("hazard reported", extra={"ref": "YH-2026-0001"})
        logging.getLogger("transitions.core").info("Initiating transition from state new to state connected")
    finally:
        root.handlers[:], root.level = handlers, level
    (line,) = capsys.readouterr().err.splitlines()
    stamp, rest = line.split(" ", 1)
    assert OFFSET.match(stamp) and rest == "INFO safety_service.hazards hazard reported ref=YH-2026-0001"


def test_a_phone_gets_an_address_it_can_reach_with_the_port_served() -> None:
    assert served_url("127.0.0.1", 18800) == "http://127.0.0.1:18800"
    assert served_url("::1", 80) == "http://[::1]"
    everywhere = served_url("0.0.0.0", 18800)  # what `make run HOST=0.0.0.0` passes
    assert "0.0.0.0" not in everywhere and everywhere.endswith(":18800")
