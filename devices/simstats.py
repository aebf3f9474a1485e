"""What a simulation run counts: outcomes, missing and repeated acks, ack latency percentiles, rates."""

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

from devices.kiosk.outbox import OutgoingMessage


@dataclass(frozen=True)
class SimulationResult:
    """The outcome of one simulation run; latencies in seconds (None when nothing was acked)."""

    kiosks: int
    sent: int
    accepted: int
    duplicate: int
    rejected: int
    missing: int
    duplicate_acks: int
    latency_p50: float | None
    latency_p95: float | None
    latency_p99: float | None
    elapsed: float
    rate: float
    missing_ids: list[str] = field(default_factory=list)

    @property
    def acked(self) -> int:
        """Reports the service answered, whatever the outcome."""
        return self.accepted + self.duplicate + self.rejected

    @property
    def complete(self) -> bool:
        """Every report sent got its ack."""
        return self.missing == 0 and self.acked == self.sent

    def as_dict(self) -> dict[str, object]:
        """The result as plain data (for JSON)."""
        return asdict(self) | {"acked": self.acked, "complete": self.complete}

    def summary(self) -> str:
        """A few lines for people."""
        def ms(value: float | None) -> str:
            return "-" if value is None else f"{value * 1000:.1f} ms"

        return "\n".join([
            (f"kiosks {self.kiosks}  sent {self.sent}  acked {self.acked} (accepted {self.accepted}, "
             f"duplicate {self.duplicate}, rejected {self.rejected})  missing {self.missing}  "
             f"repeated acks {self.duplicate_acks}"),
            f"ack latency p50 {ms(self.latency_p50)}  p95 {ms(self.latency_p95)}  p99 {ms(self.latency_p99)}",
            f"elapsed {self.elapsed:.2f} s  rate {self.rate:.0f} acked reports/s",
        ])


def percentile(values: Sequence[float], fraction: float) -> float | None:
    """Nearest-rank percentile of ``values`` (``fraction`` in 0..1), None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def summarize(*, kiosks: int, sent: int, receipts: Sequence[OutgoingMessage], pending: Sequence[OutgoingMessage],
              latencies: Sequence[float], elapsed: float) -> SimulationResult:
    """Count one run from the kiosks' outboxes and the measured ack latencies."""
    outcomes = Counter(receipt.outcome for receipt in receipts)
    reports = [message for message in pending if message.kind == "report"]
    acked = len(receipts)
    return SimulationResult(
        kiosks=kiosks, sent=sent, accepted=outcomes["accepted"], duplicate=outcomes["duplicate"],
        rejected=outcomes["rejected"], missing=len(reports),
        duplicate_acks=sum(max(0, receipt.ack_count - 1) for receipt in receipts),
        latency_p50=percentile(latencies, 0.50), latency_p95=percentile(latencies, 0.95),
        latency_p99=percentile(latencies, 0.99), elapsed=elapsed, rate=acked / elapsed if elapsed > 0 else 0.0,
        missing_ids=[message.key for message in reports[:20]],
    )
