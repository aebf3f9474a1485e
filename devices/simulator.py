"""A kiosk simulator for load and fault tests: N kiosks, each its own KioskClient and outbox, M reports each.

As a library: ``run_simulation(broker_url, site, kiosks=N, reports_per_kiosk=M)`` returns a
``SimulationResult``; for fault tests drive a ``Simulation`` step by step (start, send, break
something, wait, result, stop). As a command: ``python -m devices.simulator --help``.
Always bounded: a fixed number of reports and a deadline on every wait.
"""

import json
import logging
import sys
import tempfile
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import click

from devices.kiosk.client import KioskClient, KioskConfig
from devices.kiosk.outbox import OutgoingMessage
from devices.kiosk.payloads import ACKS_READ
from devices.simstats import SimulationResult, summarize

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SimulationSettings:
    """What to simulate; ``rate`` is reports per second per kiosk (None: as fast as the kiosk can)."""

    broker_url: str
    site: str
    kiosks: int = 10
    reports_per_kiosk: int = 10
    rate: float | None = None
    batch: int = 1
    kiosk_prefix: str = "sim"
    credentials: Mapping[str, str] | None = None
    password: str | None = None
    protocol: str = "5"
    resend_interval: float = 30.0
    max_inflight: int = 100
    outbox_dir: str | Path | None = None
    v1_every: int = 0  # every n-th kiosk announces only kiosk-ack/1 (one ack a report), as one not yet updated

    def kiosk_ids(self) -> list[str]:
        """The simulated kiosks' ids (also their MQTT usernames when credentials are given)."""
        return [f"{self.kiosk_prefix}{n:04d}" for n in range(1, self.kiosks + 1)]

    def acks_of(self, number: int) -> tuple[str, ...]:
        """The ack versions the ``number``-th kiosk (from 1) announces."""
        return ACKS_READ[:1] if self.v1_every and number % self.v1_every == 0 else ACKS_READ

    def password_of(self, kiosk_id: str) -> str | None:
        """This kiosk's broker password: from ``credentials``, else the shared ``password``, else anonymous."""
        if self.credentials is not None and kiosk_id in self.credentials:
            return self.credentials[kiosk_id]
        return self.password


@dataclass
class Simulation:
    """The simulated kiosks and what they sent and received."""

    settings: SimulationSettings
    clients: list[KioskClient] = field(default_factory=list)
    sent_at: dict[str, float] = field(default_factory=dict)
    acked_at: dict[str, float] = field(default_factory=dict)
    started: float = 0.0
    finished: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _tmp: tempfile.TemporaryDirectory | None = None
    _sender: threading.Thread | None = None

    def start(self, connect_timeout: float = 10.0) -> "Simulation":
        """Create and connect every kiosk; kiosks that cannot connect yet keep trying in the background."""
        directory = self._outbox_dir()
        for number, kiosk_id in enumerate(self.settings.kiosk_ids(), start=1):
            config = replace(self._config(kiosk_id, directory), acks=self.settings.acks_of(number))
            self.clients.append(KioskClient(config, on_ack=self._on_ack).start())
        deadline = time.monotonic() + connect_timeout
        for client in self.clients:
            client.wait_connected(max(0.0, deadline - time.monotonic()))
        logger.info("simulated kiosks started", extra={"kiosks": len(self.clients),
                                                       "connected": sum(c.connected for c in self.clients)})
        return self

    def _outbox_dir(self) -> Path:
        if self.settings.outbox_dir is not None:
            return Path(self.settings.outbox_dir)
        self._tmp = tempfile.TemporaryDirectory(prefix="kiosk-sim-")
        return Path(self._tmp.name)

    def _config(self, kiosk_id: str, directory: Path) -> KioskConfig:
        password = self.settings.password_of(kiosk_id)
        return KioskConfig(broker_url=self.settings.broker_url, site=self.settings.site, kiosk_id=kiosk_id,
                           outbox_path=directory / f"{kiosk_id}.db", protocol=self.settings.protocol,
                           username=kiosk_id if password is not None else None, password=password,
                           resend_interval=self.settings.resend_interval, max_inflight=self.settings.max_inflight,
                           reconnect_max_delay=5)

    def _on_ack(self, message: OutgoingMessage) -> None:
        with self._lock:
            self.acked_at.setdefault(message.key, time.monotonic())

    def send(self, timeout: float = 600.0) -> None:
        """Every kiosk sends its reports (in its own thread, paced by ``rate``); returns when all are committed."""
        self.started = self.started or time.monotonic()
        threads = [threading.Thread(target=self._send_from, args=(client, timeout), daemon=True)
                   for client in self.clients]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + timeout
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))

    def send_async(self, timeout: float = 600.0) -> None:
        """Start sending in the background, so a test can break something meanwhile."""
        self._sender = threading.Thread(target=self.send, args=(timeout,), daemon=True)
        self._sender.start()

    def join_sending(self, timeout: float) -> None:
        """Wait (at most ``timeout`` s) until ``send_async`` has committed every report to the outboxes."""
        if self._sender is not None:
            self._sender.join(timeout)

    def _send_from(self, client: KioskClient, timeout: float) -> None:
        settings, deadline = self.settings, time.monotonic() + timeout
        interval = settings.batch / settings.rate if settings.rate else 0.0
        next_at = time.monotonic()
        for first in range(0, settings.reports_per_kiosk, settings.batch):
            if time.monotonic() > deadline:
                logger.warning("send deadline passed", extra={"kiosk": client.config.kiosk_id, "sent": first})
                return
            time.sleep(max(0.0, next_at - time.monotonic()))
            count = min(settings.batch, settings.reports_per_kiosk - first)
            now = time.monotonic()
            keys = client.report_many([{"description": f"模拟举报 {client.config.kiosk_id} #{first + n + 1}"}
                                       for n in range(count)])
            with self._lock:
                self.sent_at.update(dict.fromkeys(keys, now))
            next_at += interval

    def wait(self, timeout: float) -> bool:
        """Wait until every kiosk's outbox is empty, at most ``timeout`` seconds; returns whether it is."""
        deadline = time.monotonic() + timeout
        done = all(client.wait_all_acked(max(0.0, deadline - time.monotonic())) for client in self.clients)
        self.finished = time.monotonic()
        return done

    def result(self) -> SimulationResult:
        """Count what the kiosks' outboxes say: outcomes, missing acks, repeated acks, ack latency."""
        receipts = [r for client in self.clients for r in client.receipts()]
        pending = [p for client in self.clients for p in client.pending()]
        with self._lock:
            latencies = [self.acked_at[key] - self.sent_at[key] for key in self.acked_at if key in self.sent_at]
        elapsed = (self.finished or time.monotonic()) - (self.started or time.monotonic())
        return summarize(kiosks=len(self.clients), sent=len(self.sent_at), receipts=receipts, pending=pending,
                         latencies=latencies, elapsed=elapsed)

    def stop(self) -> None:
        """Stop every kiosk cleanly and remove the temporary outboxes."""
        for client in self.clients:
            if not client.stopped:
                client.stop(timeout=2)
        if self._tmp is not None:
            self._tmp.cleanup()


def run_simulation(broker_url: str, site: str, *, kiosks: int = 10, reports_per_kiosk: int = 10,
                   rate: float | None = None, timeout: float = 60.0, **options: Any) -> SimulationResult:
    """Run N kiosks sending M reports each, wait for the acks (at most ``timeout`` s) and count the outcome.

    ``options`` are further ``SimulationSettings`` fields: batch, credentials (kiosk id → password),
    password, protocol, resend_interval, max_inflight, outbox_dir, kiosk_prefix.
    """
    settings = SimulationSettings(broker_url, site, kiosks, reports_per_kiosk, rate, **options)
    simulation = Simulation(settings)
    deadline = time.monotonic() + timeout
    try:
        simulation.start(connect_timeout=min(10.0, timeout))
        simulation.send(timeout=max(0.0, deadline - time.monotonic()))
        simulation.wait(max(0.0, deadline - time.monotonic()))
        return simulation.result()
    finally:
        simulation.stop()


@click.command()
@click.option("--broker", required=True, help="mqtt://user:pass@host:port")
@click.option("--site", required=True)
@click.option("--kiosks", type=click.IntRange(1, 10_000), default=10, show_default=True)
@click.option("--reports", "reports_per_kiosk", type=click.IntRange(1, 1_000_000), default=10, show_default=True)
@click.option("--rate", type=click.FloatRange(min=0.001), help="reports per second per kiosk (default: flat out)")
@click.option("--batch", type=click.IntRange(1, 10_000), default=1, show_default=True,
              help="reports committed per outbox transaction")
@click.option("--timeout", type=click.FloatRange(0.1, 24 * 3600), default=60.0, show_default=True)
@click.option("--password", help="one broker password for every kiosk (user = kiosk id)")
@click.option("--protocol", type=click.Choice(["5", "3.1.1"]), default="5", show_default=True)
@click.option("--outbox-dir", type=click.Path(file_okay=False), help="keep the outboxes here (default: temporary)")
@click.option("--json", "as_json", is_flag=True, help="print the result as JSON")
def main(broker: str, site: str, kiosks: int, reports_per_kiosk: int, rate: float | None, batch: int, timeout: float,
         password: str | None, protocol: str, outbox_dir: str | None, as_json: bool) -> None:
    """Run simulated kiosks against a broker and the service; exit 1 when any report was not acked."""
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    result = run_simulation(broker, site, kiosks=kiosks, reports_per_kiosk=reports_per_kiosk, rate=rate,
                            timeout=timeout, batch=batch, password=password, protocol=protocol,
                            outbox_dir=outbox_dir)
    click.echo(json.dumps(result.as_dict(), indent=2) if as_json else result.summary())
    sys.exit(0 if result.complete else 1)


if __name__ == "__main__":
    main()
