"""The statistics page's figures kept in a small cache, one per unit they are cut by.

Over a million hazards the figures take a few hundred milliseconds to gather, so they are
computed at most once per ``SAFETY_CONSOLE_STATS_TTL_SECONDS`` per process and unit; after that a
page is served from the cache while one background thread refreshes it (stale-while-revalidate).
"""

import logging
import threading
import time
from collections.abc import Callable

from safety_service.hazards.figures import Figures

logger = logging.getLogger(__name__)


class FiguresCache:
    """The last figures of one engine; refreshed in the background once older than the TTL."""

    def __init__(self, ttl_seconds: float, compute: Callable[[], Figures]) -> None:
        self.ttl, self.compute = ttl_seconds, compute
        self._value: Figures | None = None
        self._stamp = 0.0
        self._lock = threading.Lock()
        self._refreshing = False

    def get(self) -> Figures:
        """Fresh figures, or the cached ones while a refresh runs; computed inline the first time."""
        if self._value is None or self.ttl == 0:
            return self._refresh()
        if time.monotonic() - self._stamp > self.ttl and not self._refreshing:
            self._refreshing = True
            threading.Thread(target=self._refresh, name="console-figures", daemon=True).start()
        return self._value

    def _refresh(self) -> Figures:
        with self._lock:
            started = time.perf_counter()
            try:
                self._value, self._stamp = self.compute(), time.monotonic()
            finally:
                self._refreshing = False
            logger.info("console figures gathered", extra={"ms": round((time.perf_counter() - started) * 1000)})
            return self._value
