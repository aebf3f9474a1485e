"""Sign-in throttling: failures per account and per client address slow sign-in, then stop it a while.

Each attempt counts as a failure as it starts (so parallel guesses are counted before any is
checked) and a success clears its account and address. From ``FREE_FAILURES`` on, an attempt waits
before it is checked (doubling, up to ``MAX_DELAY_SECONDS``); at the limit, further attempts are
refused without checking the password until ``lockout_seconds`` after the last counted failure.
The counts live in this process (several instances each count their own).
"""

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from safety_service.errors import DomainError

FREE_FAILURES = 3
FIRST_DELAY_SECONDS = 0.25
MAX_DELAY_SECONDS = 4.0
MAX_KEYS = 50_000


class SignInThrottled(DomainError):
    """Too many failed sign-ins for this account or from this address; ``retry_after`` in seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed sign-ins; try again in {retry_after} s", retry_after=retry_after)
        self.retry_after = retry_after


@dataclass
class _Failures:
    count: int
    last: float


class SignInThrottle:
    """Failure counts per key (``user:NAME``, ``addr:ADDRESS``), each with its own limit."""

    def __init__(self, *, per_account: int, per_address: int, lockout_seconds: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = {"user": per_account, "addr": per_address}
        self.lockout, self.clock = lockout_seconds, clock
        self._failures: OrderedDict[str, _Failures] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def keys(username: str, address: str) -> tuple[str, str]:
        return f"user:{username.strip().lower()[:64]}", f"addr:{address}"

    def attempt(self, keys: tuple[str, ...]) -> float:
        """Count an attempt; the seconds it must wait before its password is checked, or SignInThrottled."""
        with self._lock:
            now = self.clock()
            records = [self._record(key, now) for key in keys]
            refused = [r.last + self.lockout - now for key, r in zip(keys, records, strict=True)
                       if 0 < self._limit(key) <= r.count]
            if refused:
                raise SignInThrottled(max(1, int(max(refused)) + 1))
            for record in records:
                record.count, record.last = record.count + 1, now
            worst = max(record.count for record in records) - 1  # failures before this attempt
        return 0.0 if worst < FREE_FAILURES else min(MAX_DELAY_SECONDS,
                                                      FIRST_DELAY_SECONDS * 2 ** (worst - FREE_FAILURES))

    def succeeded(self, keys: tuple[str, ...]) -> None:
        """A correct password: its account and address start afresh."""
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)

    def _limit(self, key: str) -> int:
        return self.limits[key.partition(":")[0]]

    def _record(self, key: str, now: float) -> _Failures:
        record = self._failures.pop(key, None)
        if record is None or now - record.last >= self.lockout:
            record = _Failures(0, now)
        self._failures[key] = record  # the most recently seen last
        while len(self._failures) > MAX_KEYS:
            self._failures.popitem(last=False)
        return record
