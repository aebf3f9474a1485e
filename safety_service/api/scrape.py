"""What ``GET /metrics`` reads when it is scraped, not on every request: the database's counts (open and
overdue hazards, the outbox, dead letters, kiosks) and the state this process's intake keeps."""

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from safety_service.clock import utc_now
from safety_service.hazards import counts as hazards_counts
from safety_service.kiosks import service as kiosks_service
from safety_service.metrics import PREFIX
from safety_service.mqtt import state as mqtt_state

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DatabaseCounts:
    """Everything ``/metrics`` counts in the database, read in one session."""

    grades: hazards_counts.GradeCounts
    outbox: mqtt_state.OutboxBacklog
    dead_letters: int
    kiosks: dict[str, int]
    at: float  # time.time() when read


def read_counts(session: Session) -> DatabaseCounts | None:
    """A handful of grouped counts, each served by an index; None (and a log line) when the database failed."""
    try:
        return DatabaseCounts(
            grades=hazards_counts.open_by_grade(session.connection(), now=utc_now()),
            outbox=mqtt_state.outbox_backlog(session), dead_letters=mqtt_state.dead_letters(session),
            kiosks=kiosks_service.count_by_status(session), at=time.time(),
        )
    except (SQLAlchemyError, OSError) as exc:
        logger.warning("metrics: database counts failed", extra={"error": str(exc)[:500]})
        return None


def _gauge(name: str, documentation: str, label: str, values: dict[str, int]) -> GaugeMetricFamily:
    family = GaugeMetricFamily(f"{PREFIX}_{name}", documentation, labels=[label])
    for key, value in values.items():
        family.add_metric([key], value)
    return family


class StateCollector(Collector):
    """The database's counts a scrape read (``reading``), and the app's writers and intake state."""

    def __init__(self, state: Any) -> None:
        self.state = state
        self._lock = threading.Lock()
        self._counts: DatabaseCounts | None = None

    @contextmanager
    def reading(self, counts: DatabaseCounts | None) -> Iterator[None]:
        """Collect with these counts (one scrape at a time: each shows its own)."""
        with self._lock:
            self._counts = counts
            try:
                yield
            finally:
                self._counts = None

    def collect(self) -> Iterator[Metric]:
        counts = self._counts
        yield GaugeMetricFamily(f"{PREFIX}_metrics_database_ok", "1 when this scrape read the counts from the "
                                "database, 0 when it failed (they are then missing).", value=int(counts is not None))
        if counts is not None:
            yield from self._database_families(counts)
        yield from self._writer_families()
        intake = getattr(self.state, "mqtt", None)
        if intake is not None:
            yield from self._intake_families(intake.state)

    def _database_families(self, counts: DatabaseCounts) -> Iterator[Metric]:
        yield _gauge("hazards_open", "Open hazards (reported to awaiting verification) by grade; "
                     "none: not yet confirmed.", "grade", counts.grades.open)
        yield _gauge("hazards_overdue", "Open hazards past their rectification deadline, by grade.", "grade",
                     counts.grades.overdue)
        yield _gauge("mqtt_outbox_pending", "Outbox messages the broker has not taken yet (acks, notices, "
                     "bulletins, boards).", "kind", counts.outbox.pending)
        oldest = 0.0 if counts.outbox.oldest is None else max(0.0, counts.at - counts.outbox.oldest.timestamp())
        yield GaugeMetricFamily(f"{PREFIX}_mqtt_outbox_oldest_pending_age_seconds", "Age of the oldest outbox "
                                "message not yet published; 0 when none waits.", value=oldest)
        yield GaugeMetricFamily(f"{PREFIX}_mqtt_dead_letters", "Kiosk messages that could not be applied, "
                                "waiting for an administrator.", value=counts.dead_letters)
        yield _gauge("kiosks", "Kiosks in service by their last reported status.", "status", counts.kiosks)

    def _writer_families(self) -> Iterator[Metric]:
        family = GaugeMetricFamily(f"{PREFIX}_batch_waiting", "Items submitted to a group-commit writer and "
                                   "not yet taken into a batch.", labels=["writer"])
        writers = [getattr(self.state, "report_writer", None), getattr(getattr(self.state, "mqtt", None),
                                                                        "writer", None)]
        for writer in writers:
            if writer is not None:
                family.add_metric([writer.name], writer.waiting)
        yield family

    def _intake_families(self, state: mqtt_state.IntakeState) -> Iterator[Metric]:
        yield GaugeMetricFamily(f"{PREFIX}_mqtt_connected", "1 while the intake's broker connection is up.",
                                value=int(state.connected))
        yield GaugeMetricFamily(f"{PREFIX}_mqtt_subscribed", "1 while the broker grants every kiosk subscription.",
                                value=int(state.subscribed))
        yield CounterMetricFamily(f"{PREFIX}_mqtt_connects", "Broker connections accepted since start.",
                                  value=state.connects)
        yield CounterMetricFamily(f"{PREFIX}_mqtt_disconnects", "Broker connections lost or taken over since "
                                  "start.", value=state.disconnects)
        yield CounterMetricFamily(f"{PREFIX}_mqtt_messages_applied", "Kiosk messages this instance applied "
                                  "(committed) since start.", value=state.applied)
        age = state.last_applied_age(utc_now())
        if age is not None:
            yield GaugeMetricFamily(f"{PREFIX}_mqtt_last_applied_age_seconds", "Seconds since a kiosk message "
                                    "was last applied (absent before the first).", value=age)
