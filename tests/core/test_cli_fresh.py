"""The command line as a new administrator meets it: each documented form, each in a fresh process,
on a fresh database; and a database that is missing or not migrated named in one line."""

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from safety_service.cli import main
from tests.conftest import create_pg_database, drop_pg_database
from tests.core.test_cli import cli  # noqa: F401 - the fixture: a fresh database of the current backend

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``safety-service ARGS`` in a process of its own, as typed at a shell."""
    return subprocess.run([sys.executable, "-m", "safety_service", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120, check=False)


def clean_env(**values: str) -> dict[str, str]:
    """The environment without any SAFETY_ setting of the test run, plus these."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAFETY_")}
    env["PYTHONPATH"] = str(ROOT)
    return env | values


@pytest.fixture
def fresh_url(settings, tmp_path: Path) -> Iterator[str]:
    """The URL of a database of the current backend that nothing has touched yet."""
    url = f"sqlite:///{tmp_path / 'fresh.db'}" if settings.is_sqlite else create_pg_database()
    yield url
    if not settings.is_sqlite:
        drop_pg_database(url)


def test_a_command_run_away_from_the_data_names_db_upgrade_and_leaves_no_empty_database(tmp_path: Path) -> None:
    result = run("kiosk", "list", cwd=tmp_path, env=clean_env())
    assert result.returncode == 78
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "safety-service db upgrade" in result.stderr and str(tmp_path / "data" / "safety.db") in result.stderr
    assert not (tmp_path / "data" / "safety.db").exists()  # the folder may hold the generated keys


def test_a_database_not_migrated_or_behind_is_one_line_naming_db_upgrade(fresh_url: str, tmp_path: Path) -> None:
    env = clean_env(SAFETY_DATABASE_URL=fresh_url)
    if fresh_url.startswith("sqlite"):
        Path(fresh_url.removeprefix("sqlite:///")).touch()
    empty = run("user", "add", "liu", "--role", "officer", "--password", "long-password", cwd=tmp_path, env=env)
    assert empty.returncode == 78 and empty.stderr.count("\n") == 1
    assert "no tables yet" in empty.stderr and "safety-service db upgrade" in empty.stderr
    assert run("db", "upgrade", "0006", cwd=tmp_path, env=env).returncode == 0
    behind = run("hazard", "report", "--location", "PH-1", "--description", "x", cwd=tmp_path, env=env)
    assert behind.returncode == 78 and behind.stderr.count("\n") == 1
    assert "0006" in behind.stderr and "safety-service db upgrade" in behind.stderr


def test_help_needs_no_database(cli: CliRunner) -> None:  # noqa: F811
    result = CliRunner().invoke(main, ["user", "add", "--help"], env={"SAFETY_DATABASE_URL": "sqlite:////nowhere/x.db"})
    assert result.exit_code == 0 and "--employee-no" in result.output


def test_every_documented_command_works_on_a_fresh_database(fresh_url: str, tmp_path: Path) -> None:
    env = clean_env(SAFETY_DATABASE_URL=fresh_url, SAFETY_MQTT_PASSWORD_FILE=str(tmp_path / "passwd"),
                    SAFETY_MQTT_ACL_FILE=str(tmp_path / "acl"), SAFETY_MQTT_URL="mqtt://safety:service-pw@127.0.0.1:1")
    forms = [
        ("db", "upgrade"),
        ("user", "add", "liu", "--role", "miner", "--password", "long-password", "--employee-no", "1001",
         "--name", "刘强", "--team", "综采一队"),
        ("user", "add", "wang", "--role", "officer", "--password", "long-password"),
        ("area", "add", "north", "--name", "北翼采区", "--name-en", "North wing"),
        ("location", "add", "PH-1", "--name", "主井井口", "--name-en", "Main shaft", "--area", "north",
         "--kind", "pithead"),
        ("hazard", "report", "--location", "PH-1", "--description", "风门损坏", "--category", "ventilation",
         "--employee-no", "1001", "--report-id", "fresh-0001"),
        ("violation", "add", "1001", "--kind", "illegal_operation", "--location", "PH-1", "--description",
         "未戴自救器", "--by", "wang", "--at", "2026-03-01T08:00:00+08:00", "--hazard", "{hazard}"),
        ("kiosk", "add", "PH-MAIN-01", "--location", "PH-1"),
        ("kiosk", "list"),
        ("mqtt", "write-config"),
        ("jobs", "run"),
        ("demo", "--if-empty"),
        ("qr", "png", "PH-1", "-o", str(tmp_path / "PH-1.png")),
        ("qr", "sheet", "-o", str(tmp_path / "labels.pdf")),
        ("qr", "sheet", "PH-1", "-o", str(tmp_path / "labels.png")),
    ]
    hazard = ""
    for form in forms:
        result = run(*(part.format(hazard=hazard) for part in form), cwd=tmp_path, env=env)
        assert result.returncode == 0, (form, result.stderr[-2000:])
        assert "Traceback" not in result.stderr, (form, result.stderr[-2000:])
        hazard = hazard or (result.stdout.split()[0] if form[0] == "hazard" else "")
    assert {p.name for p in tmp_path.iterdir()} >= {"PH-1.png", "labels.pdf", "labels.png", "passwd", "acl"}
    assert run("db", "downgrade", "base", cwd=tmp_path, env=env).returncode == 0


def test_a_bad_setting_is_one_line_naming_the_variable(tmp_path: Path) -> None:
    result = run("kiosk", "list", cwd=tmp_path, env=clean_env(SAFETY_LOG_FORMAT="xml"))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith("error (SAFETY_LOG_FORMAT): ") and result.stderr.count("\n") == 1
