"""The kiosk simulator against the real Mosquitto, with the test playing the service."""

from pathlib import Path

from devices.simstats import percentile
from devices.simulator import Simulation, SimulationSettings, run_simulation
from tests.devices.service import BROKER_URL, FakeService, ack_for, clear_retained, new_site, wait_until
from tests.mqtt.mosquitto import Mosquitto


def status_topics(site: str, count: int) -> list[str]:
    return [f"safety/{site}/kiosk/{site}-{n:04d}/status" for n in range(1, count + 1)]


def test_every_report_of_every_kiosk_is_acked_once(service: FakeService) -> None:
    try:
        result = run_simulation(BROKER_URL, service.site, kiosks=4, reports_per_kiosk=25, timeout=20, batch=5,
                                kiosk_prefix=f"{service.site}-")
    finally:
        clear_retained(status_topics(service.site, 4))
    assert result.complete, result.summary()
    assert (result.sent, result.accepted, result.missing, result.duplicate_acks) == (100, 100, 0, 0)
    assert len(service.deliveries) == 100 and set(service.deliveries.values()) == {1}
    assert result.latency_p50 is not None and result.latency_p99 is not None
    assert 0 < result.latency_p50 <= result.latency_p99 < 5
    assert result.rate > 0 and "missing 0" in result.summary()


def test_a_run_with_lost_acks_counts_them_as_missing(service: FakeService) -> None:
    service.policy = lambda report, delivery: [] if report["description"].endswith("#1") else [ack_for(report)]
    try:
        result = run_simulation(BROKER_URL, service.site, kiosks=2, reports_per_kiosk=3, timeout=1.5, rate=50,
                                kiosk_prefix=f"{service.site}-")
    finally:
        clear_retained(status_topics(service.site, 2))
    assert (result.sent, result.accepted, result.missing, result.complete) == (6, 4, 2, False)
    assert len(result.missing_ids) == 2


def test_kiosks_keep_their_reports_through_a_broker_outage(tmp_path: Path) -> None:
    broker = Mosquitto(tmp_path / "broker").start()
    service = FakeService(new_site(), port=broker.port).start()
    settings = SimulationSettings(broker.url(), service.site, kiosks=2, reports_per_kiosk=5, outbox_dir=tmp_path,
                                  kiosk_prefix=f"{service.site}-", resend_interval=1.0)
    simulation = Simulation(settings).start()
    try:
        broker.stop()
        assert wait_until(lambda: not any(client.connected for client in simulation.clients))
        simulation.send(timeout=5)
        assert all(len(client.pending()) == 5 for client in simulation.clients)
        broker.start()
        assert simulation.wait(15), simulation.result().summary()
        assert simulation.result().accepted == 10
        assert len(service.deliveries) == 10
    finally:
        simulation.stop()
        service.stop()
        broker.stop()


def test_percentiles_use_the_nearest_rank() -> None:
    values = [float(n) for n in range(1, 101)]
    assert (percentile(values, 0.5), percentile(values, 0.99), percentile([], 0.5)) == (50.0, 99.0, None)
