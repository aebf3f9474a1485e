"""The kiosk against the embedded broker, which speaks MQTT 3.1.1 only: it falls back from 5 and says so."""

from pathlib import Path

from click.testing import CliRunner
from sqlalchemy.engine import Engine

from devices.kiosk import KioskClient, KioskConfig
from devices.kiosk.cli import cli
from tests.mqtt.clients import TestClient, wait_until
from tests.mqtt.test_broker import Running, add_kiosk, running  # noqa: F401 (the embedded broker fixture)


def test_a_kiosk_falls_back_to_mqtt_311_when_5_is_refused(engine: Engine, running: Running,  # noqa: F811
                                                          tmp_path: Path) -> None:
    kiosk_id, password = add_kiosk(engine, running)
    service = TestClient(running.broker.service_url)
    assert service.ready(), service.refused
    service.subscribe(running.topic(kiosk_id, "report"))
    fallbacks: list[str] = []
    config = KioskConfig(broker_url=f"mqtt://127.0.0.1:{running.port}", site=running.site, kiosk_id=kiosk_id,
                         outbox_path=tmp_path / "o.db", username=kiosk_id, password=password)
    kiosk = KioskClient(config, on_fallback=fallbacks.append).start()
    try:
        assert kiosk.wait_connected(10), "the kiosk never connected"
        assert kiosk.protocol == "3.1.1" and fallbacks == ["3.1.1"]
        kiosk.report("风门关不严")
        assert wait_until(lambda: service.on(running.topic(kiosk_id, "report")), timeout=20)
    finally:
        kiosk.stop(timeout=2)
        service.close()


def test_an_explicit_mqtt_5_does_not_fall_back(engine: Engine, running: Running, tmp_path: Path) -> None:  # noqa: F811
    kiosk_id, password = add_kiosk(engine, running)
    config = KioskConfig(broker_url=f"mqtt://127.0.0.1:{running.port}", site=running.site, kiosk_id=kiosk_id,
                         outbox_path=tmp_path / "o.db", username=kiosk_id, password=password, protocol="5")
    kiosk = KioskClient(config).start()
    try:
        assert not kiosk.wait_connected(2) and kiosk.protocol == "5"
    finally:
        kiosk.stop(timeout=2)


def test_the_cli_says_it_fell_back(engine: Engine, running: Running, tmp_path: Path) -> None:  # noqa: F811
    kiosk_id, password = add_kiosk(engine, running)
    result = CliRunner().invoke(cli, ["--broker", f"mqtt://127.0.0.1:{running.port}", "--site", running.site,
                                      "--kiosk", kiosk_id, "--password", password, "--outbox",
                                      str(tmp_path / "o.db"), "read-bulletin", "7", "--employee-no", "1001",
                                      "--wait", "15"])
    assert result.exit_code == 0, result.output
    assert "The broker refused MQTT 5; using MQTT 3.1.1" in result.output


def test_a_subcommands_help_needs_no_connection_options() -> None:
    result = CliRunner(env={"SAFETY_KIOSK_BROKER": None}).invoke(cli, ["report", "--help"])
    assert result.exit_code == 0 and "--description" in result.output


def test_a_missing_connection_option_is_named(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--outbox", str(tmp_path / "o.db"), "report", "--description", "x"])
    assert result.exit_code == 1 and "missing option --broker (or SAFETY_KIOSK_BROKER)" in result.output
