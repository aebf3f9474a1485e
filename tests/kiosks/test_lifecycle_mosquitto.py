"""`safety-service kiosk disable|enable|rotate|remove` against a real Mosquitto that the command reloads itself."""

import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from safety_service.cli import main
from safety_service.config import get_settings
from tests.core.test_cli import cli  # noqa: F401 - the fixture: a fresh database of the current backend
from tests.mqtt.clients import TestClient, wait_until
from tests.mqtt.mosquitto import Mosquitto

SERVICE_PASSWORD = "service-password-for-tests"


def _connect(mosquitto: Mosquitto, kiosk_id: str, password: str) -> TestClient:
    return TestClient(mosquitto.url(kiosk_id, password), client_id=kiosk_id)


def _lets_in(mosquitto: Mosquitto, kiosk_id: str, password: str) -> bool:
    client = _connect(mosquitto, kiosk_id, password)
    try:
        return client.ready()
    finally:
        client.close()


def _password(output: str) -> str:
    return next(line.split(": ", 1)[1] for line in output.splitlines() if line.startswith("password: "))


@pytest.fixture
def mosquitto(cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # noqa: F811
    """Mosquitto on the files the command writes, with the settings that let the command reload it."""
    broker = Mosquitto(tmp_path, password_file=tmp_path / "passwords", acl_file=tmp_path / "acl")
    for name, value in (("URL", broker.url("safety-service", SERVICE_PASSWORD)),
                        ("PASSWORD_FILE", str(tmp_path / "passwords")), ("ACL_FILE", str(tmp_path / "acl")),
                        ("BROKER_PID_FILE", str(broker.pid_file))):
        monkeypatch.setenv(f"SAFETY_MQTT_{name}", value)
    get_settings.cache_clear()
    assert cli.invoke(main, ["location", "add", "PH-1", "--name", "主井井口"]).exit_code == 0
    assert cli.invoke(main, ["mqtt", "write-config"]).exit_code == 0
    yield broker.start()
    broker.stop()


def test_a_disabled_kiosk_is_dropped_and_refused_until_enabled(cli: CliRunner, mosquitto: Mosquitto) -> None:  # noqa: F811
    password = _password(cli.invoke(main, ["kiosk", "add", "PH-1-K1", "--location", "PH-1"]).stdout)
    connected = _connect(mosquitto, "PH-1-K1", password)
    assert connected.ready(), connected.refused
    dropped = threading.Event()
    connected.client.on_disconnect = lambda *args: dropped.set()
    disabled = cli.invoke(main, ["kiosk", "disable", "PH-1-K1"])
    assert disabled.exit_code == 0 and "reloads them" in disabled.stdout, disabled.output
    assert dropped.wait(5)  # the connected kiosk is out at once, not at its next reconnect
    connected.close()
    assert not _lets_in(mosquitto, "PH-1-K1", password)
    assert cli.invoke(main, ["kiosk", "enable", "PH-1-K1"]).exit_code == 0
    assert wait_until(lambda: _lets_in(mosquitto, "PH-1-K1", password), timeout=20)


def test_after_rotation_only_the_new_password_works(cli: CliRunner, mosquitto: Mosquitto) -> None:  # noqa: F811
    old = _password(cli.invoke(main, ["kiosk", "add", "PH-1-K2", "--location", "PH-1"]).stdout)
    assert _lets_in(mosquitto, "PH-1-K2", old)
    rotated = cli.invoke(main, ["kiosk", "rotate", "PH-1-K2"])
    assert rotated.exit_code == 0, rotated.output
    new = _password(rotated.stdout)
    assert new != old
    assert wait_until(lambda: _lets_in(mosquitto, "PH-1-K2", new), timeout=20)
    assert not _lets_in(mosquitto, "PH-1-K2", old)


def test_a_removed_kiosk_never_gets_in_again_and_its_id_stays_taken(cli: CliRunner, mosquitto: Mosquitto) -> None:  # noqa: F811
    password = _password(cli.invoke(main, ["kiosk", "add", "PH-1-K3", "--location", "PH-1"]).stdout)
    assert _lets_in(mosquitto, "PH-1-K3", password)
    assert cli.invoke(main, ["kiosk", "remove", "PH-1-K3"]).exit_code == 0
    assert not _lets_in(mosquitto, "PH-1-K3", password)
    enable = cli.invoke(main, ["kiosk", "enable", "PH-1-K3"])
    assert enable.exit_code != 0 and enable.stderr.strip() == "error (kiosk_id): kiosk 'PH-1-K3' was removed"
    again = cli.invoke(main, ["kiosk", "add", "PH-1-K3", "--location", "PH-1"])
    assert again.exit_code == 4 and "removed" in again.stderr
    assert "PH-1-K3\tPH-1\tunknown\t-\tremoved" in cli.invoke(main, ["kiosk", "list"]).stdout
    assert not _lets_in(mosquitto, "PH-1-K3", password)


def test_write_config_without_the_services_credentials_is_an_error(cli: CliRunner, tmp_path: Path,  # noqa: F811
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAFETY_MQTT_URL", "mqtt://127.0.0.1:1883")
    monkeypatch.setenv("SAFETY_MQTT_PASSWORD_FILE", str(tmp_path / "passwords"))
    monkeypatch.setenv("SAFETY_MQTT_ACL_FILE", str(tmp_path / "acl"))
    get_settings.cache_clear()
    result = cli.invoke(main, ["mqtt", "write-config"])
    assert result.exit_code == 1 and not (tmp_path / "passwords").exists()
    assert result.stderr.startswith("error (SAFETY_MQTT_PASSWORD_FILE): SAFETY_MQTT_URL must carry")
