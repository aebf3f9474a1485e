"""Health tells the truth: /healthz is liveness only; /readyz reads and writes the database for real
(a full disk, a read-only database) and reports the MQTT intake, in states an anonymous caller may see."""

import os
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from safety_service import migrate
from safety_service.config import Settings
from safety_service.database import make_engine, session_scope
from safety_service.main import create_app
from tests.conftest import admin_conninfo, create_pg_database, drop_pg_database, make_settings
from tests.locations.builders import make_location
from tests.people.builders import auth, make_user


@contextmanager
def app_on(url: str) -> Iterator[tuple[TestClient, Settings, Engine]]:
    """The app on its own database, without MQTT or the scheduler."""
    settings = make_settings(url)
    engine = make_engine(settings)
    try:
        with TestClient(create_app(settings, engine, run_scheduler=False, run_mqtt=False)) as client:
            yield client, settings, engine
    finally:
        engine.dispose()


def officer_and_location(settings: Settings, engine: Engine) -> tuple[dict[str, str], str]:
    with session_scope(engine) as session:
        headers, code = auth(make_user(session), settings), make_location(session).code
    return headers, code


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 4 MB file system (tmpfs, mounted as root, as `make test` runs) holding a migrated SQLite database."""
    mount = tmp_path / "disk"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)], check=True)
    try:
        engine = make_engine(make_settings(f"sqlite:///{mount / 'safety.db'}"))
        migrate.upgrade(engine)
        engine.dispose()
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=True)


def fill(mount: Path) -> None:
    """Write a file until the file system has no room left (bounded by its size)."""
    blocks = os.statvfs(mount).f_blocks * os.statvfs(mount).f_frsize // 4096 + 1
    with (mount / "filler").open("wb", buffering=0) as filler:
        for _ in range(blocks):
            try:
                filler.write(b"\0" * 4096)
            except OSError:
                return
    raise AssertionError("the file system did not fill up")


def test_healthz_is_liveness_and_readyz_names_no_host_port_or_driver_error() -> None:
    with app_on("postgresql://safety:secret@127.0.0.1:9/nowhere") as (client, _, _):
        live = client.get("/healthz")
        ready = client.get("/readyz")
    assert live.status_code == 200 and live.json()["status"] == "ok"
    assert ready.status_code == 503
    assert ready.json()["database"] == {"read": "unavailable", "write": "unavailable"}
    assert ready.json()["mqtt"] == {"state": "disabled"}
    for leak in ("127.0.0.1", ":9", "nowhere", "safety", "connection", "psycopg"):
        assert leak not in ready.text


def test_readyz_is_ready_when_the_database_reads_and_writes(tmp_path: Path) -> None:
    with app_on(f"sqlite:///{tmp_path / 'safety.db'}") as (client, _, engine):
        migrate.upgrade(engine)
        answer = client.get("/readyz")
    assert answer.status_code == 200
    assert answer.json() == {"status": "ready", "database": {"read": "ok", "write": "ok"},
                             "mqtt": {"state": "disabled"}}


def assert_a_full_disk_is_told(url: str, mount: Path) -> None:
    """Ready, then the disk fills: /readyz says disk_full and an officer's report a 507 saying so."""
    with app_on(url) as (client, settings, engine):
        headers, location = officer_and_location(settings, engine)
        assert client.get("/readyz").status_code == 200
        fill(mount)
        client.app.state.readiness.cache_seconds = 0
        ready = client.get("/readyz")
        refused = client.post("/api/v1/hazards", headers=headers,
                              json={"location_code": location, "description": "皮带跑偏"})
        (mount / "filler").unlink()
    assert ready.status_code == 503 and ready.json()["database"] == {"read": "ok", "write": "disk_full"}
    assert refused.status_code == 507, refused.text
    assert "disk is full" in refused.json()["detail"] and refused.json()["state"] == "disk_full"


def test_a_full_disk_is_not_ready_and_a_report_says_the_disk_is_full(tiny_disk: Path) -> None:
    assert_a_full_disk_is_told(f"sqlite:///{tiny_disk / 'safety.db'}", tiny_disk)


def test_a_read_only_sqlite_database_is_not_ready_and_a_report_says_so(tiny_disk: Path) -> None:
    with app_on(f"sqlite:///{tiny_disk / 'safety.db'}") as (client, settings, engine):
        headers, location = officer_and_location(settings, engine)
        engine.dispose()
        subprocess.run(["mount", "-o", "remount,ro", str(tiny_disk)], check=True)
        ready = client.get("/readyz")
        refused = client.post("/api/v1/hazards", headers=headers,
                              json={"location_code": location, "description": "皮带跑偏"})
    # A WAL database on a read-only file system cannot even be opened: read and write both say so.
    assert ready.status_code == 503 and ready.json()["database"] == {"read": "read_only", "write": "read_only"}
    assert refused.status_code == 503 and "read-only" in refused.json()["detail"], refused.text


def test_a_read_only_postgresql_database_is_not_ready_and_a_report_says_so() -> None:
    url = create_pg_database()
    try:
        engine = make_engine(make_settings(url))
        migrate.upgrade(engine)
        engine.dispose()
        with app_on(url) as (client, settings, engine):
            headers, location = officer_and_location(settings, engine)
            with engine.connect() as connection:
                name = engine.url.database
                connection.exec_driver_sql(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
                connection.commit()
            engine.dispose()  # new connections take the setting
            ready = client.get("/readyz")
            refused = client.post("/api/v1/hazards", headers=headers,
                                  json={"location_code": location, "description": f"皮带跑偏 {uuid.uuid4()}"})
    finally:
        drop_pg_database(url)
    assert ready.status_code == 503 and ready.json()["database"] == {"read": "ok", "write": "read_only"}
    assert refused.status_code == 503 and "read-only" in refused.json()["detail"]


@contextmanager
def postgresql_on_tiny_disk() -> Iterator[tuple[str, Path]]:
    """A migrated PostgreSQL database in a tablespace on a 32 MB tmpfs (the server runs on this host)."""
    mount = Path(f"/tmp/safety-tiny-{uuid.uuid4().hex[:8]}")
    mount.mkdir(mode=0o755)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=32m,mode=0700", "tmpfs", str(mount)], check=True)
    subprocess.run(["chown", "postgres:postgres", str(mount)], check=True)
    space, url = f"tiny_{uuid.uuid4().hex[:8]}", None
    admin = admin_conninfo()
    try:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f"CREATE TABLESPACE {space} LOCATION '{mount}'")
            url = create_pg_database(tablespace=space)
        engine = make_engine(make_settings(url))
        migrate.upgrade(engine)
        engine.dispose()
        yield url, mount
    finally:
        if url is not None:
            drop_pg_database(url)
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f"DROP TABLESPACE IF EXISTS {space}")
        subprocess.run(["umount", "-l", str(mount)], check=True)
        mount.rmdir()


def test_a_full_disk_under_postgresql_is_not_ready_and_a_report_says_the_disk_is_full() -> None:
    with postgresql_on_tiny_disk() as (url, mount):
        assert_a_full_disk_is_told(url, mount)
