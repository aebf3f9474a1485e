"""Zero loss under faults, end to end: simulated kiosks (devices/) -> a real Mosquitto with per-kiosk
accounts -> `safety-service intake` in its own process -> the register. After each fault every
report the kiosks made is in the register exactly once and every kiosk got its ack. Each fault is tried
with the intake in one process and with its batches written by a child (SAFETY_MQTT_WRITER_PROCESS)."""

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from devices.kiosk.client import KioskClient, KioskConfig
from devices.simulator import Simulation, SimulationSettings
from safety_service.config import Settings
from safety_service.database import session_scope
from safety_service.hazards.models import Hazard
from safety_service.kiosks import service as kiosks_service
from safety_service.kiosks.models import Kiosk
from tests.conftest import make_settings
from tests.kiosks.builders import make_kiosk
from tests.locations.builders import make_location
from tests.mqtt.clients import TestClient, wait_until
from tests.mqtt.mosquitto import Mosquitto

SERVICE_USER, SERVICE_PASSWORD = "safety-service", "service-password-for-fault-tests"
ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Plant:
    """One site: its kiosks' credentials, the broker, and the intake process."""

    site: str
    prefix: str
    credentials: dict[str, str]
    broker: Mosquitto
    database_url: str
    workdir: Path
    writer_process: bool = False
    intake: subprocess.Popen | None = None

    def start_intake(self) -> None:
        env = {**os.environ, "SAFETY_DATABASE_URL": self.database_url, "SAFETY_SITE": self.site,
               "SAFETY_MQTT_URL": self.broker.service_url(SERVICE_USER, SERVICE_PASSWORD),
               "SAFETY_MQTT_CLIENT_ID": f"safety-intake-{self.site}", "SAFETY_LOG_LEVEL": "WARNING", "SAFETY_ENV": "test",
               "SAFETY_MQTT_WRITER_PROCESS": str(self.writer_process).lower()}
        log = (self.workdir / "intake.log").open("ab")
        self.intake = subprocess.Popen([sys.executable, "-m", "safety_service", "intake"], env=env, cwd=ROOT,
                                       stdout=log, stderr=log)

    def wait_ready(self, engine: Engine) -> None:
        """Wait until the intake has subscribed: a kiosk's status message reaches the register."""
        kiosk_id = next(iter(self.credentials))
        kiosk = TestClient(self.broker.url(kiosk_id, self.credentials[kiosk_id]), client_id=f"{kiosk_id}-probe")
        assert kiosk.ready()

        def seen() -> bool:
            kiosk.publish(f"safety/{self.site}/kiosk/{kiosk_id}/status",
                          json.dumps({"schema": "kiosk-status/1", "state": "online", "version": "probe"}))
            with Session(engine) as session:
                return session.exec(select(Kiosk.software_version).where(Kiosk.kiosk_id == kiosk_id)).one() == "probe"

        assert wait_until(seen, timeout=30, interval=0.3), "the intake did not come up"
        kiosk.close()

    def children(self) -> set[int]:
        """The intake's child processes that are alive: its writer and multiprocessing's resource tracker."""
        if self.intake is None:
            return set()
        tasks = Path(f"/proc/{self.intake.pid}/task")
        found = {int(pid) for task in (tasks.iterdir() if tasks.exists() else [])
                 for pid in _read(task / "children").split()}
        return {pid for pid in found if _alive(pid)}

    def writers(self) -> set[int]:
        """The intake's writer processes, when it has them."""
        return {pid for pid in self.children() if "spawn_main" in _read(Path(f"/proc/{pid}/cmdline"))}

    @property
    def expected_writers(self) -> int:
        """How many writer processes the intake runs: none, or its database's number (one on SQLite)."""
        return make_settings(self.database_url).concurrency.mqtt_writers if self.writer_process else 0

    def kill_intake(self) -> None:
        if self.intake is not None and self.intake.poll() is None:
            self.intake.send_signal(signal.SIGKILL)
            self.intake.wait(timeout=10)

    def stop_intake(self) -> None:
        if self.intake is not None and self.intake.poll() is None:
            self.intake.terminate()
            self.intake.wait(timeout=30)

    def simulation(self, *, kiosks: int, reports: int, rate: float | None = None) -> Simulation:
        settings = SimulationSettings(broker_url=self.broker.url(), site=self.site, kiosks=kiosks,
                                      reports_per_kiosk=reports, rate=rate, kiosk_prefix=self.prefix,
                                      credentials=self.credentials, resend_interval=2.0,
                                      outbox_dir=self.workdir / "outboxes", v1_every=2)  # ack v1 and v2 mixed
        (self.workdir / "outboxes").mkdir(exist_ok=True)
        return Simulation(settings)


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:  # the process or thread ended meanwhile
        return ""


def _alive(pid: int) -> bool:
    """Whether the process runs: it exists and is not a zombie waiting to be reaped."""
    stat = _read(Path(f"/proc/{pid}/stat"))
    return bool(stat) and stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.fixture(params=["one process", "writer process"])
def plant(request: pytest.FixtureRequest, engine: Engine, settings: Settings, tmp_path: Path) -> Iterator[Plant]:
    yield from _plant(engine, settings, tmp_path, writer_process=request.param == "writer process")


@pytest.fixture
def writer_plant(engine: Engine, settings: Settings, tmp_path: Path) -> Iterator[Plant]:
    yield from _plant(engine, settings, tmp_path, writer_process=True)


def _plant(engine: Engine, settings: Settings, tmp_path: Path, *, writer_process: bool) -> Iterator[Plant]:
    site, prefix = f"f{uuid.uuid4().hex[:8]}", f"k{uuid.uuid4().hex[:6]}-"
    with session_scope(engine) as session:
        location = make_location(session)
        credentials = {c.kiosk_id: c.password for _, c in (
            make_kiosk(session, location=location, site=site, kiosk_id=f"{prefix}{n:04d}") for n in range(1, 6))}
        kiosks_service.write_broker_files(session, site=site, service_username=SERVICE_USER,
                                          service_password=SERVICE_PASSWORD, password_file=tmp_path / "passwords",
                                          acl_file=tmp_path / "acl")
    broker = Mosquitto(tmp_path, password_file=tmp_path / "passwords", acl_file=tmp_path / "acl").start()
    plant = Plant(site, prefix, credentials, broker, settings.database_url, tmp_path, writer_process)
    plant.start_intake()
    plant.wait_ready(engine)
    yield plant
    plant.stop_intake()
    broker.stop()


def assert_exactly_once(engine: Engine, plant: Plant, simulation: Simulation, timeout: float = 90) -> None:
    """Every report acked, and in the register exactly once."""
    assert simulation.wait(timeout), f"not all acked: {simulation.result().summary()}"
    result = simulation.result()
    assert result.complete and result.rejected == 0, result.summary()
    sent = {f"{client.config.kiosk_id}:{r.key}" for client in simulation.clients for r in client.receipts()}
    assert len(sent) == result.sent
    with Session(engine) as session:
        stored = session.exec(select(Hazard.client_report_id, func.count()).where(
            col(Hazard.client_report_id).like(f"{plant.prefix}%")).group_by(Hazard.client_report_id)).all()
    assert {key for key, _ in stored} == sent
    assert all(n == 1 for _, n in stored)


def test_the_broker_restarted_while_kiosks_are_sending(engine: Engine, plant: Plant) -> None:
    simulation = plant.simulation(kiosks=5, reports=40, rate=40).start()
    try:
        simulation.send_async()
        time.sleep(0.5)
        plant.broker.restart()
        simulation.join_sending(60)
        assert_exactly_once(engine, plant, simulation)
    finally:
        simulation.stop()


def test_the_service_killed_mid_stream_and_restarted(engine: Engine, plant: Plant) -> None:
    simulation = plant.simulation(kiosks=5, reports=40, rate=40).start()
    try:
        simulation.send_async()
        time.sleep(0.5)
        children = plant.children()
        assert len(plant.writers()) == plant.expected_writers
        plant.kill_intake()
        assert wait_until(lambda: not any(_alive(pid) for pid in children), timeout=30)  # no child outlives it
        time.sleep(1.0)
        plant.start_intake()
        simulation.join_sending(60)
        assert_exactly_once(engine, plant, simulation)
    finally:
        simulation.stop()


def test_the_writer_process_killed_mid_stream(engine: Engine, writer_plant: Plant) -> None:
    simulation = writer_plant.simulation(kiosks=5, reports=40, rate=40).start()
    try:
        simulation.send_async()
        time.sleep(0.5)
        writers = writer_plant.writers()
        assert len(writers) == writer_plant.expected_writers
        first = min(writers)
        os.kill(first, signal.SIGKILL)
        assert wait_until(lambda: len(writer_plant.writers() - {first}) == len(writers), timeout=30)  # another took over
        simulation.join_sending(60)
        assert_exactly_once(engine, writer_plant, simulation)
    finally:
        simulation.stop()


def test_a_kiosk_offline_for_a_while_then_back(engine: Engine, plant: Plant) -> None:
    kiosk_id = f"{plant.prefix}0001"
    outbox = plant.workdir / "offline-kiosk.db"

    def config(url: str) -> KioskConfig:
        return KioskConfig(broker_url=url, site=plant.site, kiosk_id=kiosk_id, outbox_path=outbox,
                           username=kiosk_id, password=plant.credentials[kiosk_id], resend_interval=2.0,
                           reconnect_max_delay=2)

    offline = KioskClient(config("mqtt://127.0.0.1:1")).start()  # nothing listens there: the link is down
    report_ids = [offline.report(f"离线期间举报 {n}") for n in range(10)]
    assert len(offline.pending()) == 10
    offline.stop(timeout=1)
    back = KioskClient(config(plant.broker.url())).start()  # the kiosk rebooted, the network is back
    try:
        assert back.wait_all_acked(60)
        assert {r.key for r in back.receipts()} == set(report_ids)
        assert {r.outcome for r in back.receipts()} == {"accepted"}
    finally:
        back.stop()
    with Session(engine) as session:
        keys = session.exec(select(Hazard.client_report_id).where(
            col(Hazard.client_report_id).like(f"{kiosk_id}:%"))).all()
    assert sorted(keys) == sorted(f"{kiosk_id}:{r}" for r in report_ids)


def test_the_same_report_delivered_twice(engine: Engine, plant: Plant) -> None:
    kiosk_id = f"{plant.prefix}0002"
    kiosk = TestClient(plant.broker.url(kiosk_id, plant.credentials[kiosk_id]), client_id=kiosk_id)
    assert kiosk.ready()
    kiosk.subscribe(f"safety/{plant.site}/kiosk/{kiosk_id}/ack")
    report_id = str(uuid.uuid4())
    payload = json.dumps({"schema": "kiosk-report/1", "report_id": report_id, "description": "重复投递",
                          "created_at": "2026-11-24T08:00:00+08:00"})
    for _ in range(2):
        kiosk.publish(f"safety/{plant.site}/kiosk/{kiosk_id}/report", payload)
    assert wait_until(lambda: len(kiosk.on(f"safety/{plant.site}/kiosk/{kiosk_id}/ack")) == 2, timeout=30)
    acks = [json.loads(m.payload) for m in kiosk.on(f"safety/{plant.site}/kiosk/{kiosk_id}/ack")]
    assert sorted(a["outcome"] for a in acks) == ["accepted", "duplicate"]
    assert len({a["hazard_ref"] for a in acks}) == 1
    with Session(engine) as session:
        assert len(session.exec(select(Hazard).where(Hazard.client_report_id == f"{kiosk_id}:{report_id}")).all()) == 1
