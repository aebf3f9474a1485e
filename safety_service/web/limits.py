"""Per-client rate limits (token buckets), for the public pages' middleware and the public API routes."""

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

MAX_CLIENTS = 50_000


class RateLimiter:
    """Token buckets per key: ``rate_per_minute`` requests a minute, bursts up to the same number."""

    def __init__(self, rate_per_minute: int, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity, self.per_second, self.clock = float(rate_per_minute), rate_per_minute / 60.0, clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def acquire(self, key: str) -> float:
        """0 when the request may go ahead, else the seconds until it may (nothing is taken then)."""
        if self.capacity <= 0:
            return 0.0
        with self._lock:
            now = self.clock()
            tokens, last = self._buckets.pop(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.per_second)
            wait = 0.0 if tokens >= 1 else (1 - tokens) / self.per_second
            self._buckets[key] = (tokens - 1 if wait == 0 else tokens, now)
            while len(self._buckets) > MAX_CLIENTS:
                self._buckets.popitem(last=False)  # the least recently seen client
            return wait
