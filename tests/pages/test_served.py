"""``safety-service serve`` as an operator starts it: what its log keeps of the public pages, and whose
address a rate limit counts (the peer's, or a listed proxy's forwarded one)."""

import os
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2 as httpx
from sqlmodel import Session

from safety_service import migrate
from safety_service.config import Settings
from safety_service.database import make_engine
from safety_service.qr import tokens
from tests.conftest import make_settings
from tests.live import fresh_database
from tests.locations.builders import make_location
from tests.mqtt.mosquitto import free_port
from tests.people.builders import make_person

SERVE = Path(sys.executable).with_name("safety-service")
ACCESS = re.compile(r'(\S+) - "(GET|POST) (\S+) HTTP/1.1" (\d+)')


@contextmanager
def served(settings: Settings, folder: Path, **env: str) -> Iterator[tuple[httpx.Client, str, str, Path]]:
    """A real ``serve`` process on a fresh database with one location and one employee; its log in a file."""
    port = free_port()
    with fresh_database(settings, folder) as url:
        live = make_settings(url)
        engine = make_engine(live)
        migrate.upgrade(engine)
        with Session(engine) as session:
            location, person = make_location(session), make_person(session)
            session.commit()
            token, employee_no = tokens.sign(tokens.keyring(live), location.code), person.employee_no
        engine.dispose()
        log = folder / "serve.log"
        variables = {"SAFETY_DATABASE_URL": url, "SAFETY_SECRET_KEY": live.secret_key, "SAFETY_DATA_DIR": live.data_dir, "SAFETY_QR_KEYS": live.qr_keys, "SAFETY_ENV": "test",
                     "SAFETY_MQTT_ENABLED": "false", "SAFETY_SCHEDULER_ENABLED": "false", "PYTHONUNBUFFERED": "1",
                     "SAFETY_PUBLIC_URL": f"http://127.0.0.1:{port}", **env}
        with log.open("w") as out:
            process = subprocess.Popen([str(SERVE), "serve", "--port", str(port)], stdout=out,
                                       stderr=subprocess.STDOUT, env={**os.environ, **variables})
        try:
            _wait_until_up(f"http://127.0.0.1:{port}/healthz", process)
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=20) as client:
                yield client, token, employee_no, log
        finally:
            process.terminate()
            process.wait(30)


def _wait_until_up(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError("serve did not start")


def test_the_log_keeps_no_address_token_or_tracking_code_of_a_public_page(settings: Settings, tmp_path: Path) -> None:
    with served(settings, tmp_path) as (client, token, employee_no, log):
        receipt = client.post(f"/r/{token}", data={"description": "顶板离层", "client_report_id": str(uuid.uuid4())})
        found = re.search(r'id="tracking-code">(\w+)<', receipt.text)
        assert found, (receipt.status_code, receipt.text[:600])
        code = found.group(1)
        assert client.get(f"/t/{code}?lang=en", follow_redirects=True).status_code == 200
        assert client.post("/t", data={"tracking_code": code}, follow_redirects=True).status_code == 200
        client.post("/points", data={"tracking_codes": code})
        client.post("/points/claim", data={"tracking_code": code, "employee_no": employee_no})
        assert client.get("/healthz").status_code == 200
    text = log.read_text()
    lines = ACCESS.findall(text)
    assert token not in text and code not in text and code.lower() not in text
    assert ("-", "POST", "/r/-", "201") in lines and ("-", "GET", "/t/-", "303") in lines
    assert {("-", "POST", "/t", "303"), ("-", "GET", "/t", "200"), ("-", "POST", "/points", "200")} <= set(lines)
    assert [line for line in lines if line[2].startswith(("/r/", "/t", "/points")) and line[0] != "-"] == []
    assert any(line[0].startswith("127.0.0.1:") and line[2] == "/healthz" for line in lines)  # others keep it


def _looks(client: httpx.Client, forwarded_for: str, times: int) -> list[int]:
    return [client.post("/t", data={"tracking_code": "NOSUCHCODE12"},
                        headers={"X-Forwarded-For": forwarded_for}).status_code for _ in range(times)]


def test_a_forged_forwarded_header_gets_no_rate_limit_of_its_own(settings: Settings, tmp_path: Path) -> None:
    with served(settings, tmp_path, SAFETY_REPORT_RATE_PER_MINUTE="2") as (client, *_):
        assert _looks(client, "10.8.0.1", 2) == [404, 404]
        assert _looks(client, "10.8.0.2", 1) == [429]


def test_behind_a_listed_proxy_each_miner_has_their_own_rate_limit(settings: Settings, tmp_path: Path) -> None:
    env = {"SAFETY_REPORT_RATE_PER_MINUTE": "2", "SAFETY_TRUSTED_PROXIES": "127.0.0.2"}
    with served(settings, tmp_path, **env) as (client, *_):
        proxy = httpx.Client(base_url=client.base_url, transport=httpx.HTTPTransport(local_address="127.0.0.2"))
        with proxy:
            assert _looks(proxy, "10.8.0.1", 3) == [404, 404, 429]
            assert _looks(proxy, "10.8.0.2", 1) == [404]
            assert _looks(proxy, "172.16.0.9, 10.8.0.1", 1) == [429]  # what the miner's phone claims is not used
        assert _looks(client, "10.8.0.3", 3) == [404, 404, 429]  # not a listed proxy: its own address counts
