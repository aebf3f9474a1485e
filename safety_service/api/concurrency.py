"""At most as many requests at work as the pool has connections for them.

A sync route hops between worker threads (dependencies, the route, the session's clean-up) while
its session holds a pooled connection. With more requests in flight than connections, threads
waiting for a connection can hold every worker slot the holders need to finish: a deadlock until
the pool times out with a 500. Queuing requests here, before they take a thread or a connection,
keeps every request that runs able to finish; the rest wait their turn in the event loop.
"""

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from starlette.types import ASGIApp, Receive, Scope, Send

T = TypeVar("T")


def _never(scope: Scope) -> bool:
    return False


class ConcurrencyLimit:
    """Pure ASGI middleware: lets ``limit`` HTTP requests run at once, queues the others.

    Requests ``separate`` names hold no pooled connection while they wait (the QR report waits on
    the batch writer's own connection): counted with the others they would only cap the size of
    its batches, so they have their own ``separate_limit`` (each may hold an uploaded photo).
    """

    def __init__(self, app: ASGIApp, *, limit: int, separate: Callable[[Scope], bool] = _never,
                 separate_limit: int = 64) -> None:
        self.app, self.separate = app, separate
        self._limits = (limit, separate_limit)
        self._slots: tuple[asyncio.Semaphore, asyncio.Semaphore] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self._slots is None:  # made inside the running loop
            self._slots = (asyncio.Semaphore(self._limits[0]), asyncio.Semaphore(self._limits[1]))
        async with self._slots[1] if self.separate(scope) else self._slots[0]:
            await self.app(scope, receive, send)


class ReadThreads:
    """The threads the hottest read (the hazard list) runs on, fed from one queue.

    A thread busy with queued reads takes the next without sleeping and without handing the GIL to
    a peer, where the sync routes' pool (anyio) wakes a thread per request and lets its threads
    take turns at the GIL (docs/performance.md has the hazard list's figures on one, two and four).
    """

    def __init__(self, threads: int) -> None:
        self._executor = ThreadPoolExecutor(threads, thread_name_prefix="reads")

    async def run(self, call: Callable[[], T]) -> T:
        """``call``'s result, computed on one of the threads."""
        return await asyncio.get_running_loop().run_in_executor(self._executor, call)

    def close(self) -> None:
        self._executor.shutdown(wait=True)
