"""MQTT over TLS: a kiosk report through Mosquitto's TLS listener (docker/mosquitto.conf) with a CA the test makes,
the broker's certificate and host name checked on both sides."""

import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from devices.kiosk import KioskClient, KioskConfig
from devices.kiosk.cli import cli as kiosk_cli
from safety_service.config import Settings
from safety_service.database import session_scope
from safety_service.hazards.models import Hazard
from safety_service.kiosks import service as kiosks_service
from safety_service.mqtt.client import MqttService
from tests.conftest import make_settings
from tests.kiosks.builders import make_kiosk
from tests.mqtt.certificates import TlsFiles, make_tls_files
from tests.mqtt.clients import wait_until
from tests.mqtt.mosquitto import Mosquitto

SERVICE_PASSWORD = "service-password-for-tls-tests"
MAKE_CERTS = Path(__file__).resolve().parents[2] / "docker" / "make-certs.sh"


@dataclass
class TlsBroker:
    mosquitto: Mosquitto
    tls: TlsFiles
    site: str
    kiosk_id: str
    password: str


def start_broker(engine: Engine, workdir: Path, *, hosts: tuple[str, ...] = ("127.0.0.1", "localhost"),
                 tls: TlsFiles | None = None) -> TlsBroker:
    """Mosquitto with its TLS listener on a certificate for ``hosts`` (or ``tls``), and one committed kiosk of a
    new site."""
    site = f"tls{uuid.uuid4().hex[:8]}"
    with session_scope(engine) as session:
        _, credentials = make_kiosk(session, site=site, kiosk_id=f"k-{site}")
        kiosks_service.write_broker_files(session, site=site, service_username="safety-service",
                                          service_password=SERVICE_PASSWORD, password_file=workdir / "passwords",
                                          acl_file=workdir / "acl")
    tls = tls or make_tls_files(workdir / "certs", hosts=hosts)
    mosquitto = Mosquitto(workdir, password_file=workdir / "passwords", acl_file=workdir / "acl",
                          tls=(tls.cert, tls.key)).start()
    return TlsBroker(mosquitto, tls, site, credentials.kiosk_id, credentials.password)


@pytest.fixture
def broker(engine: Engine, tmp_path: Path) -> Iterator[TlsBroker]:
    started = start_broker(engine, tmp_path)
    yield started
    started.mosquitto.stop()


def kiosk(broker: TlsBroker, workdir: Path, *, ca_file: Path | None, host: str = "127.0.0.1") -> KioskClient:
    url = broker.mosquitto.url(broker.kiosk_id, broker.password, tls=True, host=host)
    return KioskClient(KioskConfig(broker_url=url, site=broker.site, kiosk_id=broker.kiosk_id,
                                   outbox_path=workdir / f"kiosk-{uuid.uuid4().hex[:6]}.db", ca_file=ca_file,
                                   reconnect_max_delay=1)).start()


def intake_settings(settings: Settings, broker: TlsBroker) -> Settings:
    return make_settings(settings.database_url, site=broker.site, mqtt_protocol="5",
                         mqtt_url=broker.mosquitto.service_url("safety-service", SERVICE_PASSWORD, tls=True),
                         mqtt_ca_file=str(broker.tls.ca), mqtt_client_id=f"safety-intake-{broker.site}")


@contextmanager
def intake(settings: Settings, broker: TlsBroker, engine: Engine) -> Iterator[MqttService]:
    """The service's intake on mqtts:// with SAFETY_MQTT_CA_FILE, connected, until the block ends."""
    service = MqttService(intake_settings(settings, broker), engine)
    service.start()
    try:
        assert service.connected.wait(10), "the service did not get through the TLS listener"
        yield service
    finally:
        service.stop()


def test_a_kiosk_report_goes_through_the_tls_listener_and_is_acked(engine: Engine, settings: Settings,
                                                                     broker: TlsBroker, tmp_path: Path) -> None:
    with intake(settings, broker, engine):
        client = kiosk(broker, tmp_path, ca_file=broker.tls.ca)
        try:
            report_id = client.report("主井井口信号灯不亮", category="electromechanical")
            assert client.wait_all_acked(15)
            [receipt] = client.receipts()
            assert (receipt.key, receipt.outcome) == (report_id, "accepted")
        finally:
            client.stop(timeout=2)
    with Session(engine) as session:
        assert session.exec(select(Hazard).where(Hazard.ref == receipt.hazard_ref)).one().description == "主井井口信号灯不亮"


def test_a_kiosk_that_does_not_trust_the_brokers_ca_never_sends(broker: TlsBroker, tmp_path: Path) -> None:
    stranger = make_tls_files(tmp_path / "other-ca")  # a CA that did not sign the broker's certificate
    for ca_file in (stranger.ca, None):  # None: the system's CAs
        client = kiosk(broker, tmp_path, ca_file=ca_file)
        try:
            client.report("皮带机急停拉线失效")
            assert not wait_until(lambda c=client: c.connected, timeout=2)
            assert [message.state for message in client.pending()] == ["pending"]  # kept, to send later
        finally:
            client.stop(timeout=2)


def test_the_brokers_host_name_is_checked(engine: Engine, tmp_path: Path) -> None:
    started = start_broker(engine, tmp_path, hosts=("localhost",))  # a certificate without 127.0.0.1
    try:
        by_address = kiosk(started, tmp_path, ca_file=started.tls.ca, host="127.0.0.1")
        by_name = kiosk(started, tmp_path, ca_file=started.tls.ca, host="localhost")
        try:
            assert wait_until(lambda: by_name.connected, timeout=10)
            assert not by_address.connected
        finally:
            by_address.stop(timeout=2)
            by_name.stop(timeout=2)
    finally:
        started.mosquitto.stop()


def test_the_kiosk_command_reports_over_tls_with_its_ca_file(engine: Engine, settings: Settings, broker: TlsBroker,
                                                              tmp_path: Path) -> None:
    def run(*args: str) -> Result:
        base = ["--broker", broker.mosquitto.url(broker.kiosk_id, broker.password, tls=True), "--site", broker.site,
                "--kiosk", broker.kiosk_id, "--outbox", str(tmp_path / "cli.db"), "--protocol", "3.1.1"]
        return CliRunner().invoke(kiosk_cli, [*base, *args, "report", "--description", "副井罐笼信号失灵",
                                              "--wait", "15"])

    missing = run("--ca-file", str(tmp_path / "no-such-ca.crt"))
    assert missing.exit_code == 1 and "no-such-ca.crt" in missing.output
    with intake(settings, broker, engine):
        result = run("--ca-file", str(broker.tls.ca))
    assert result.exit_code == 0, result.output
    assert "YH-" in result.output


def test_the_certificates_of_docker_make_certs_serve_the_tls_listener(engine: Engine, tmp_path: Path) -> None:
    made = subprocess.run([str(MAKE_CERTS), str(tmp_path / "made"), "127.0.0.1", "broker.mine.local"],
                          check=False, capture_output=True, text=True, timeout=60)
    assert made.returncode == 0, made.stderr
    files = TlsFiles(ca=tmp_path / "made" / "ca.crt", cert=tmp_path / "made" / "server.crt",
                     key=tmp_path / "made" / "server.key")
    started = start_broker(engine, tmp_path, tls=files)
    client = kiosk(started, tmp_path, ca_file=files.ca)
    try:
        assert wait_until(lambda: client.connected, timeout=10)
    finally:
        client.stop(timeout=2)
        started.mosquitto.stop()
