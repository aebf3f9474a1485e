"""The intake's writing half in a process of its own (``SAFETY_MQTT_WRITER_PROCESS``, issue 22's fifth decision).

The paho client's process receives the kiosks' messages, publishes the acks and tells the broker
(PUBACK); a child process applies the batches (parsing, the register's checks, the database, the
outbox rows). The two halves no longer take turns on one interpreter lock, so on two cores each has a
core. The guarantee is the group-commit writer's, unchanged: an item's ``done`` is told only once its
batch committed in the child, so the broker hears that a report arrived only when it is stored.

The child is spawned (it copies none of the parent's threads or connections), ignores SIGINT and
SIGTERM and ends when told through the pipe, or when the pipe closes because its parent died. Should
the child die, every item it had in hand is told ``WriterStopped`` (the client submits it again) and
another child starts; a batch it committed before dying is answered as duplicates the second time.

On PostgreSQL two children write (``Concurrency.mqtt_writers``), each kiosk's messages in one of them.
"""

import itertools
import logging
import multiprocessing
import queue
import signal
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from datetime import datetime
from functools import partial
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from sqlalchemy.engine import Engine

from safety_service import logs
from safety_service.batching import STOP, BatchFailed, BatchWriter, Done, WriterStopped, take
from safety_service.config import MQTT_BATCH_BYTES, Settings
from safety_service.database import make_engine
from safety_service.heap import settle_heap
from safety_service.metrics import Metrics
from safety_service.mqtt import intake
from safety_service.outbox.service import Outgoing

logger = logging.getLogger(__name__)
_CONTEXT = multiprocessing.get_context("spawn")
RESTART_SECONDS = 1.0

# An item through the pipe: its number, topic, payload, arrival time and earlier failure.
Sent = tuple[int, str, bytes, datetime, str | None]
# What became of one item: its number, then (report, refused, outbox rows) once committed, else the failure's
# text and whether the database failed (worth trying again) rather than the item.
Lean = tuple[str | None, str | None, list[tuple[str, str, str, int, bool]]]
Answer = tuple[int, Lean | None, str | None, bool]


class WriterProcess:
    """The group-commit writer's face (``start``, ``submit_with``, ``stop``) over child processes that write.

    With more than one child (``writers``), each kiosk's messages go to one of them (by its topic), so a
    kiosk's messages are applied in the order they came and its batch ack stays one per batch; the
    children's transactions overlap, each waiting on the database while another parses."""

    def __init__(self, settings: Settings, *, claim: Callable[[list[intake.Applied]], None], name: str = "mqtt",
                 max_batch: int = 500, max_bytes: int = MQTT_BATCH_BYTES, writers: int = 1,
                 metrics: Metrics | None = None) -> None:
        self.settings, self.claim, self.name, self.max_batch = settings, claim, name, max_batch
        self.max_bytes = max_bytes
        self._sizes = None if metrics is None else metrics.batch_size.labels(name)
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._pending: dict[int, tuple[_Lane, Done[intake.Applied]]] = {}
        self._numbers = itertools.count()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self._lanes = [_Lane(number) for number in range(writers)]

    @property
    def running(self) -> bool:
        return bool(self._threads) and not self._stopping.is_set()

    @property
    def waiting(self) -> int:
        """Items submitted and not yet committed (approximate while callers submit)."""
        return self._queue.qsize() + len(self._pending)

    @property
    def pids(self) -> list[int]:
        """The process ids of the children that run."""
        return [lane.process.pid for lane in self._lanes
                if lane.process is not None and lane.process.is_alive() and lane.process.pid is not None]

    def start(self) -> None:
        """Start the children and the threads that feed them and read their answers (idempotent)."""
        with self._lock:
            if self._threads:
                return
            self._stopping.clear()
            for lane in self._lanes:
                self._spawn(lane)
            self._threads = [threading.Thread(target=self._send_loop, name=f"writer-{self.name}-send", daemon=True)]
            self._threads += [threading.Thread(target=self._receive_loop, args=(lane,), daemon=True,
                                               name=f"writer-{self.name}-receive-{lane.number}")
                              for lane in self._lanes]
        for thread in self._threads:
            thread.start()

    def stop(self, timeout: float = 30) -> None:
        """Apply everything already submitted, then stop the children."""
        with self._lock:
            threads, self._threads = self._threads, []
        if not threads:
            return
        self._queue.put(STOP)
        for thread in threads:
            thread.join(timeout)
        for lane in self._lanes:
            if lane.process is not None:
                lane.process.join(timeout)
                if lane.process.is_alive():
                    lane.process.kill()

    def submit_with(self, item: intake.Incoming, done: Done[intake.Applied]) -> None:
        """Queue one item; ``done`` is called (in this process) once its batch has committed or failed."""
        if not self.running:
            done(None, WriterStopped(f"the {self.name} writer is not running"))
            return
        self._queue.put((item, done))

    def _spawn(self, lane: "_Lane") -> None:
        parent, child = _CONTEXT.Pipe()
        process = _CONTEXT.Process(target=serve, args=(child_settings(self.settings), child, self.max_batch,
                                                       self.max_bytes),
                                   name=f"safety-{self.name}-writer-{lane.number}", daemon=True)
        process.start()
        child.close()
        lane.process, lane.conn = process, parent
        logger.info("writer process started", extra={"writer": self.name, "lane": lane.number, "pid": process.pid})

    def _send_loop(self) -> None:
        """Whatever arrived since the last send goes in one piece to its child; the stop goes after everything before it."""
        stopping = False
        while not stopping:
            entries, stopping = take(self._queue, self.max_batch, weigh=_entry_bytes, max_weight=self.max_bytes)
            chunks: dict[_Lane, list[Sent]] = {}
            with self._lock:
                for item, done in entries:
                    number, lane = next(self._numbers), self._lanes[lane_of(item.topic, len(self._lanes))]
                    self._pending[number] = (lane, done)
                    chunks.setdefault(lane, []).append((number, item.topic, item.payload, item.received_at, item.failure))
            for lane, chunk in chunks.items():
                self._send(lane, chunk)
        self._stopping.set()
        for lane in self._lanes:
            self._send(lane, None)

    def _send(self, lane: "_Lane", chunk: list[Sent] | None) -> None:
        try:
            lane.conn.send(chunk)  # type: ignore[union-attr]
        except (OSError, ValueError):  # the child is gone; its receiving thread starts another
            for number, *_ in chunk or []:
                self._fail(number, WriterStopped(f"the {self.name} writer process is gone"))

    def _receive_loop(self, lane: "_Lane") -> None:
        """Tell each item what became of it; when the child ends unasked, fail what it held and start another."""
        while True:
            try:
                while True:
                    self._tell(lane.conn.recv())  # type: ignore[union-attr]
            except (EOFError, OSError):
                pass
            with self._lock:
                held = [number for number, (holder, _) in self._pending.items() if holder is lane]
            for number in held:
                self._fail(number, WriterStopped(f"the {self.name} writer process ended"))
            if self._stopping.is_set():
                return
            logger.error("writer process ended; starting another", extra={
                "writer": self.name, "lane": lane.number,
                "exitcode": lane.process.exitcode if lane.process else None})
            time.sleep(RESTART_SECONDS)
            self._spawn(lane)

    def _tell(self, answers: list[Answer]) -> None:
        if self._sizes is not None:
            self._sizes.observe(len(answers))
        told: list[tuple[Done[intake.Applied], intake.Applied | None, BaseException | None]] = []
        with self._lock:
            for number, lean, failure, database in answers:
                _, done = self._pending.pop(number, (None, None))
                if done is not None:
                    told.append((done, _applied(lean), None) if lean is not None
                                else (done, None, BatchFailed(failure or "", database=database)))
        self.claim([result for _, result, _ in told if result is not None])
        for done, result, error in told:
            _call(done, result, error, self.name)

    def _fail(self, number: int, error: BaseException) -> None:
        with self._lock:
            _, done = self._pending.pop(number, (None, None))
        if done is not None:
            _call(done, None, error, self.name)


def lane_of(topic: str, lanes: int) -> int:
    """The child a message goes to, of ``lanes``: the same for every message of one kiosk (its topic but the kind)."""
    return 0 if lanes == 1 else zlib.crc32(topic.rsplit("/", 1)[0].encode()) % lanes


class _Lane:
    """One writing child: its number, its process, and this side of the pipe to it."""

    def __init__(self, number: int) -> None:
        self.number = number
        self.process: BaseProcess | None = None
        self.conn: Connection | None = None


def _call(done: Done[intake.Applied], result: intake.Applied | None, error: BaseException | None, name: str) -> None:
    try:
        done(result, error)
    except Exception:
        logger.exception("a batch caller's callback failed", extra={"writer": name})


def _applied(lean: Lean) -> intake.Applied:
    report, refused, rows = lean
    return intake.Applied(outbox=[Outgoing(*row) for row in rows], refused=refused, report=report)


def _lean(applied: intake.Applied) -> Lean:
    """What the receiving process needs of a result: the answer's outbox rows, the outcome the metrics count."""
    return applied.report, applied.refused, [(o.topic, o.payload, o.key, o.qos, o.retain) for o in applied.outbox]


def child_settings(settings: Settings) -> Settings:
    """The settings the child starts with: this process's log level, which ``--log-level`` may have set over
    ``SAFETY_LOG_LEVEL``, so the child logs as its parent does."""
    return settings.model_copy(update={"log_level": logging.getLevelName(logging.getLogger().getEffectiveLevel())})


def serve(settings: Settings, conn: Connection, max_batch: int, max_bytes: int = MQTT_BATCH_BYTES) -> None:
    """The child: apply what arrives through the pipe in batches, answer each batch once it committed."""
    for signum in (signal.SIGINT, signal.SIGTERM):  # the parent stops it, through the pipe
        signal.signal(signum, signal.SIG_IGN)
    logs.configure(settings.log_level, fmt=settings.log_format, timezone=settings.timezone)  # as its parent's
    engine, writer = start_writing(settings, max_batch)
    try:
        for batch in _batches(conn, max_batch, max_bytes):
            answers: list[Answer] = []
            writer.write([(intake.Incoming(topic, payload, received_at, failure), partial(_answer, answers, number))
                          for number, topic, payload, received_at, failure in batch])
            conn.send(answers)
    except (EOFError, OSError):
        logger.warning("the intake's receiving process is gone; the writer process stops")
    finally:
        engine.dispose()


def start_writing(settings: Settings, max_batch: int) -> tuple[Engine, BatchWriter[intake.Incoming, intake.Applied]]:
    """The child's engine and batch writer, its start-up heap then settled as the parent's is: a full
    collection that scanned all of it stalled a batch by 55 to 215 ms, every second or so under load."""
    engine = make_engine(settings)
    writer = BatchWriter(engine, intake.applier(settings), name="mqtt", max_batch=max_batch)
    settle_heap()
    return engine, writer


def _answer(answers: list[Answer], number: int, result: intake.Applied | None, error: BaseException | None) -> None:
    if result is not None:
        answers.append((number, _lean(result), None, False))
    else:
        failed = BatchFailed.of(error or WriterStopped("no result"))
        answers.append((number, None, str(failed), failed.database))


def _batches(conn: Connection, max_batch: int, max_bytes: int) -> Iterator[list[Sent]]:
    """What is in the pipe a batch at a time: whatever arrived while the last one was written, up to about
    ``max_batch`` items and ``max_bytes`` of payloads (a piece is never split)."""
    while (chunk := conn.recv()) is not None:
        size = _chunk_bytes(chunk)
        while len(chunk) < max_batch and size < max_bytes and conn.poll():
            more = conn.recv()
            if more is None:
                yield chunk
                return
            chunk.extend(more)
            size += _chunk_bytes(more)
        yield chunk


def _entry_bytes(entry: tuple[intake.Incoming, Done[intake.Applied]]) -> int:
    return intake.payload_bytes(entry[0])


def _chunk_bytes(chunk: list[Sent]) -> int:
    return sum(len(payload) for _, _, payload, _, _ in chunk)
