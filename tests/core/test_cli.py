"""The safety-service command, run as an administrator would, on a fresh database."""

from collections.abc import Iterator

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from safety_service.cli import main
from safety_service.config import get_settings
from safety_service.database import get_engine
from tests.conftest import create_pg_database, drop_pg_database


@pytest.fixture
def cli(settings, tmp_path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    """A runner whose SAFETY_DATABASE_URL is a fresh, empty database of the current backend."""
    url = f"sqlite:///{tmp_path / 'cli.db'}" if settings.is_sqlite else create_pg_database()
    monkeypatch.setenv("SAFETY_DATABASE_URL", url)
    monkeypatch.setenv("SAFETY_TIMEZONE", "Asia/Shanghai")
    get_settings.cache_clear(), get_engine.cache_clear()
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
    yield runner
    get_engine().dispose()
    get_settings.cache_clear(), get_engine.cache_clear()
    if not settings.is_sqlite:
        drop_pg_database(url)


def test_user_add_asks_for_the_password_when_not_given(cli: CliRunner) -> None:
    result = cli.invoke(main, ["user", "add", "liu", "--role", "officer"], input="long-password\nlong-password\n")
    assert result.exit_code == 0, result.output
    assert "added liu (officer)" in result.output


def test_user_add_refuses_bad_input_with_a_message_and_a_non_zero_exit(cli: CliRunner) -> None:
    short = cli.invoke(main, ["user", "add", "liu", "--role", "officer", "--password", "short"])
    assert short.exit_code == 2 and "password" in short.output
    bad_role = cli.invoke(main, ["user", "add", "liu", "--role", "emperor", "--password", "long-password"])
    assert bad_role.exit_code == 2 and "emperor" in bad_role.output
    assert cli.invoke(main, ["user", "add", "liu", "--role", "owner", "--password", "long-password"]).exit_code == 0
    again = cli.invoke(main, ["user", "add", "liu", "--role", "owner", "--password", "long-password"])
    assert again.exit_code == 4 and "already exists" in again.output


def test_location_and_area_add_then_a_report_from_the_cli(cli: CliRunner) -> None:
    assert cli.invoke(main, ["area", "add", "north", "--name", "北翼采区"]).exit_code == 0
    added = cli.invoke(main, ["location", "add", "PH-1", "--name", "主井井口", "--area", "north"])
    assert added.exit_code == 0 and "PH-1 主井井口" in added.output
    unknown_area = cli.invoke(main, ["location", "add", "PH-2", "--name", "副井", "--area", "south"])
    assert unknown_area.exit_code == 3 and "area_code" in unknown_area.output
    reported = cli.invoke(main, ["hazard", "report", "--location", "PH-1", "--description", "风门损坏",
                                 "--category", "ventilation", "--report-id", "cli-report-0001"])
    assert reported.exit_code == 0 and reported.stdout.startswith("YH-")
    again = cli.invoke(main, ["hazard", "report", "--location", "PH-1", "--description", "风门损坏",
                              "--report-id", "cli-report-0001"])
    assert "already recorded" in again.stdout and again.stdout.split()[0] == reported.stdout.split()[0]


def test_demo_fills_every_state_once_and_the_jobs_run(cli: CliRunner) -> None:
    result = cli.invoke(main, ["demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "skipped" in cli.invoke(main, ["demo", "--if-empty"]).output
    with get_engine().connect() as connection:
        states = set(connection.execute(text("SELECT DISTINCT state FROM hazard")).scalars())
        roles = set(connection.execute(text("SELECT DISTINCT role FROM user_account")).scalars())
    assert states == {"reported", "confirmed", "rectifying", "awaiting_verification", "closed", "rejected"}
    assert roles == {"miner", "supervisor", "officer", "owner", "chief", "counsellor", "admin", "dispatcher"}
    with get_engine().connect() as connection:
        case_states = set(connection.execute(text("SELECT DISTINCT state FROM counselling_case")).scalars())
    assert case_states == {"opened", "planned", "counselling", "observation", "closed"}
    jobs = cli.invoke(main, ["jobs", "run"])
    done = dict(line.split(": ") for line in jobs.stdout.splitlines())
    assert jobs.exit_code == 0 and int(done["escalate_overdue"]) > 0  # the demo's overdue hazards were escalated
    assert int(done["flag_overdue_steps"]) > 0  # and its untriaged and unverified ones are overdue steps
    assert int(done["mark_cases_for_review"]) > 0 and int(done["remind_counselling_sessions"]) > 0
    again = dict(line.split(": ") for line in cli.invoke(main, ["jobs", "run"]).stdout.splitlines())
    assert set(again.values()) == {"0"}  # every job did its work once


def test_kiosk_add_prints_credentials_and_writes_the_broker_files(cli: CliRunner, tmp_path, monkeypatch) -> None:
    assert cli.invoke(main, ["location", "add", "PH-1", "--name", "主井井口"]).exit_code == 0
    monkeypatch.setenv("SAFETY_MQTT_URL", "mqtt://safety-service:service-pass@127.0.0.1:1883")
    monkeypatch.setenv("SAFETY_MQTT_PASSWORD_FILE", str(tmp_path / "passwords"))
    monkeypatch.setenv("SAFETY_MQTT_ACL_FILE", str(tmp_path / "acl"))
    get_settings.cache_clear()
    added = cli.invoke(main, ["kiosk", "add", "PH-1-K1", "--location", "PH-1"])
    assert added.exit_code == 0, added.output
    password = next(line.split(": ")[1] for line in added.stdout.splitlines() if line.startswith("password: "))
    lines = (tmp_path / "passwords").read_text().splitlines()
    assert [line.split(":")[0] for line in lines] == ["PH-1-K1"]  # the kiosks' listener: no service account
    service_lines = (tmp_path / "service-passwords").read_text().splitlines()
    assert [line.split(":")[0] for line in service_lines] == ["safety-service"]
    assert password not in (tmp_path / "passwords").read_text()
    assert "pattern write safety/tianchen/kiosk/%u/report" in (tmp_path / "acl").read_text()
    again = cli.invoke(main, ["kiosk", "add", "PH-1-K1", "--location", "PH-1"])
    assert again.exit_code == 4 and "already exists" in again.output
    clash = cli.invoke(main, ["kiosk", "add", "safety-tianchen-host1", "--location", "PH-1"])
    assert clash.exit_code == 2 and "error (kiosk_id):" in clash.output and "safety-" in clash.output
    listed = cli.invoke(main, ["kiosk", "list"])
    assert listed.stdout.startswith("PH-1-K1\tPH-1\tunknown")


def test_user_disable_enable_and_passwd_end_the_accounts_tokens(cli: CliRunner) -> None:
    from fastapi.testclient import TestClient

    from safety_service.main import create_app

    assert cli.invoke(main, ["user", "add", "zhao", "--role", "officer", "--password", "long-password"]).exit_code == 0
    with TestClient(create_app(get_settings(), get_engine(), run_scheduler=False, run_mqtt=False)) as client:
        def sign_in(password: str) -> dict[str, str] | None:
            answer = client.post("/api/v1/auth/token", data={"username": "zhao", "password": password})
            return {"Authorization": f"Bearer {answer.json()['access_token']}"} if answer.status_code == 200 else None

        def opens(headers: dict[str, str] | None) -> bool:
            return headers is not None and client.get("/api/v1/users/me", headers=headers).status_code == 200

        token = sign_in("long-password")
        disabled = cli.invoke(main, ["user", "disable", "zhao"])
        assert disabled.exit_code == 0 and "disabled zhao" in disabled.output
        assert not opens(token) and sign_in("long-password") is None
        assert cli.invoke(main, ["user", "enable", "zhao"]).exit_code == 0
        token = sign_in("long-password")
        assert opens(token)
        changed = cli.invoke(main, ["user", "passwd", "zhao"], input="another-password\nanother-password\n")
        assert changed.exit_code == 0, changed.output
        assert not opens(token) and sign_in("long-password") is None and opens(sign_in("another-password"))
    unknown = cli.invoke(main, ["user", "disable", "nobody"])
    assert unknown.exit_code == 3 and unknown.output.startswith("error (username):")
    short = cli.invoke(main, ["user", "passwd", "zhao", "--password", "short"])
    assert short.exit_code == 2 and "error (password)" in short.output
