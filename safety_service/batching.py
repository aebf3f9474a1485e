"""Group commit: many callers, one writer thread, short batched transactions.

One transaction per report makes writers queue on the database lock (SQLite has one writer);
here whatever has arrived while the previous commit ran goes into the next one. A caller's
future (or callback) resolves only after its batch committed, so an answer (an HTTP receipt,
an MQTT ack) is never given for a report that is not stored. A failed batch stores nothing.
When the database itself failed (gone, locked, timed out), every caller in the batch gets the
error. Any other failure may be one item's doing, so the items are applied again one at a time:
one bad item fails alone, and the rest of its batch is stored.
"""

import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, Generic, TypeVar

from sqlalchemy.engine import Engine
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeoutError
from sqlmodel import Session

from safety_service.database import writer
from safety_service.health import storage_fault
from safety_service.metrics import Metrics

logger = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")
# Told the item's result, or the error its batch failed with: done(result, None) or done(None, error).
Done = Callable[[R | None, BaseException | None], None]
STOP = object()  # put in a writer's queue: apply what came before, then end


def is_database_failure(error: BaseException) -> bool:
    """Whether the database failed (unreachable, locked, out of connections, its disk full, read-only),
    not the data: worth retrying. PostgreSQL's read-only refusal is an InternalError."""
    if isinstance(error, BatchFailed):
        return error.database
    return isinstance(error, (OperationalError, InterfaceError, SQLAlchemyTimeoutError)) \
        or storage_fault(error) is not None


class BatchFailed(RuntimeError):
    """An item's failure told across a process boundary (``mqtt.writer_process``): the original error as
    text, and whether it was the database's (worth retrying) or the item's own."""

    def __init__(self, text: str, *, database: bool) -> None:
        super().__init__(text)
        self.database = database

    @classmethod
    def of(cls, error: BaseException) -> "BatchFailed":
        """The text and kind of a failure as this process saw it."""
        return error if isinstance(error, BatchFailed) else cls(f"{type(error).__name__}: {error}",
                                                                    database=is_database_failure(error))


def take(source: queue.SimpleQueue[Any], max_items: int, *, weigh: Callable[[Any], int] | None = None,
         max_weight: int = 0) -> tuple[list[Any], bool]:
    """What waits in ``source`` (waiting for the first), up to ``max_items`` and, with ``weigh``, until the
    entries weigh ``max_weight`` in all (the one that reaches it is taken too: a batch weighs less than
    ``max_weight`` and one entry); and whether the stop (``STOP``) was among it. Entries that came after the stop
    are still taken, so none is left unanswered."""
    batch: list[Any] = []
    stopping = False
    weight = 0
    entry = source.get()
    while True:
        if entry is STOP:
            stopping = True
        else:
            batch.append(entry)
            weight += weigh(entry) if weigh is not None else 0
        if len(batch) >= max_items or (weigh is not None and weight >= max_weight):
            return batch, stopping
        try:
            entry = source.get_nowait()
        except queue.Empty:
            return batch, stopping


class WriterStopped(RuntimeError):
    """The batch writer is not running; nothing was stored."""


class BatchWriter(Generic[T, R]):
    """Applies submitted items in batches: ``apply(session, items)`` returns one result per item."""

    def __init__(self, engine: Engine, apply: Callable[[Session, list[T]], list[R]], *, name: str,
                 max_batch: int = 500, size: Callable[[T], int] | None = None, max_bytes: int = 0,
                 metrics: Metrics | None = None) -> None:
        """``size``: an item's bytes, for batches that also end at ``max_bytes`` (see ``take``)."""
        self.engine, self.apply, self.name, self.max_batch = engine, apply, name, max_batch
        self._weigh = None if size is None else (lambda entry: size(entry[0]))
        self.max_bytes = max_bytes
        self._sizes = None if metrics is None else metrics.batch_size.labels(name)
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        """Start the writer thread (idempotent)."""
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._loop, name=f"writer-{self.name}", daemon=True)
                self._thread.start()

    def stop(self, timeout: float = 30) -> None:
        """Apply everything already submitted, then stop."""
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is not None:
            self._queue.put(STOP)
            thread.join(timeout)

    @property
    def waiting(self) -> int:
        """Items submitted and not yet taken into a batch (approximate while callers submit)."""
        return self._queue.qsize()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def submit(self, item: T) -> Future[R]:
        """Queue one item; the future holds its result once its batch has committed."""
        future: Future[R] = Future()

        def done(result: R | None, error: BaseException | None) -> None:
            if error is None:
                future.set_result(result)  # type: ignore[arg-type]
            else:
                future.set_exception(error)

        self.submit_with(item, done)
        return future

    def submit_with(self, item: T, done: Done[R]) -> None:
        """Queue one item; ``done`` is called in the writer thread once its batch has committed or failed.

        Lighter than ``submit`` (no future and its lock per item): for the MQTT intake's every message.
        """
        if not self.running:
            done(None, WriterStopped(f"the {self.name} writer is not running"))
            return
        self._queue.put((item, done))

    def _loop(self) -> None:
        stopping = False
        while not stopping:
            batch, stopping = take(self._queue, self.max_batch, weigh=self._weigh, max_weight=self.max_bytes)
            if batch:
                self.write(batch)

    def write(self, batch: list[tuple[T, Done[R]]]) -> None:
        """Apply one batch now, in the caller's thread, and tell each item's ``done``."""
        items = [item for item, _ in batch]
        try:
            with Session(writer(self.engine), expire_on_commit=False) as session:
                results = self.apply(session, items)
                session.commit()
            if self._sizes is not None:
                self._sizes.observe(len(items))
        except BaseException as exc:
            logger.exception("batch failed", extra={"writer": self.name, "size": len(items)})
            if len(batch) > 1 and isinstance(exc, Exception) and not is_database_failure(exc):
                for entry in batch:  # find the item at fault; the others are stored
                    self.write([entry])
                return
            for _, done in batch:
                self._tell(done, None, exc)
            return
        for (_, done), result in zip(batch, results, strict=True):
            self._tell(done, result, None)

    def _tell(self, done: Done[R], result: R | None, error: BaseException | None) -> None:
        try:
            done(result, error)
        except Exception:
            logger.exception("a batch caller's callback failed", extra={"writer": self.name})
