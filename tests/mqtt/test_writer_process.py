"""The intake's writing half in a child process: answers only after commit, a stop that drains, a child that
dies replaced, and every item told once (``mqtt.writer_process``). The broker side is in test_faults.py."""

import json
import logging
import multiprocessing
import os
import signal
import threading
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from safety_service.batching import BatchFailed, WriterStopped, is_database_failure
from safety_service.clock import utc_now
from safety_service.config import Settings
from safety_service.database import session_scope
from safety_service.hazards.models import Hazard
from safety_service.mqtt import intake, writer_process
from safety_service.mqtt.writer_process import WriterProcess
from tests.conftest import make_settings
from tests.kiosks.builders import make_kiosk
from tests.mqtt.clients import wait_until


class Told:
    """What each submitted item was told, by report id."""

    def __init__(self) -> None:
        self.results: dict[str, intake.Applied | None] = {}
        self.errors: dict[str, BaseException] = {}
        self.calls = 0
        self.threads: set[int] = set()
        self._lock = threading.Lock()

    def done_for(self, report_id: str):
        def done(result: intake.Applied | None, error: BaseException | None) -> None:
            with self._lock:
                self.calls += 1
                self.threads.add(threading.get_ident())
                if error is None:
                    self.results[report_id] = result
                else:
                    self.errors[report_id] = error
        return done


@pytest.fixture
def kiosk_site(engine: Engine) -> tuple[str, str]:
    site = f"w{uuid.uuid4().hex[:8]}"
    with session_scope(engine) as session:
        return site, make_kiosk(session, site=site)[0].kiosk_id


@pytest.fixture
def writer(settings: Settings, kiosk_site: tuple[str, str]) -> Iterator[tuple[WriterProcess, list[int]]]:
    claimed: list[int] = []
    process = WriterProcess(make_settings(settings.database_url, site=kiosk_site[0]), max_batch=50,
                            claim=lambda applied: claimed.append(len(applied)))
    process.start()
    yield process, claimed
    process.stop()


def report(kiosk_site: tuple[str, str], report_id: str, description: str = "皮带机托辊异响") -> intake.Incoming:
    site, kiosk_id = kiosk_site
    payload = json.dumps({"schema": "kiosk-report/1", "report_id": report_id, "description": description,
                          "created_at": "2026-11-24T08:00:00+08:00"})
    return intake.Incoming(f"safety/{site}/kiosk/{kiosk_id}/report", payload.encode(), utc_now())


def stored(engine: Engine, kiosk_id: str) -> list[str]:
    with Session(engine) as session:
        return list(session.exec(select(Hazard.client_report_id).where(
            col(Hazard.client_report_id).startswith(f"{kiosk_id}:"))).all())


def test_each_report_is_answered_after_its_commit_in_another_process(
        engine: Engine, writer: tuple[WriterProcess, list[int]], kiosk_site: tuple[str, str]) -> None:
    process, claimed = writer
    told, ids = Told(), [str(uuid.uuid4()) for _ in range(120)]
    for report_id in ids:
        process.submit_with(report(kiosk_site, report_id), told.done_for(report_id))
    process.submit_with(intake.Incoming(f"safety/{kiosk_site[0]}/kiosk/{kiosk_site[1]}/report", b"{not json",
                                        utc_now()), told.done_for("bad"))
    assert wait_until(lambda: told.calls == 121, timeout=60)
    assert len(process.pids) == 1 and os.getpid() not in process.pids
    assert not told.errors and {r.report for r in told.results.values()} == {"created", "refused"}
    assert sorted(stored(engine, kiosk_site[1])) == sorted(f"{kiosk_site[1]}:{r}" for r in ids)
    assert told.results["bad"].refused.startswith("invalid_json")
    acks = [row for result in told.results.values() for row in result.outbox]
    assert acks and {row.topic for row in acks} == {f"safety/{kiosk_site[0]}/kiosk/{kiosk_site[1]}/ack"}
    assert sum(claimed) == 121 and max(claimed) <= 100  # batches of about max_batch, claimed before the answers
    assert told.threads and threading.get_ident() not in told.threads


def test_a_report_sent_again_is_a_duplicate(engine: Engine, writer: tuple[WriterProcess, list[int]],
                                            kiosk_site: tuple[str, str]) -> None:
    process, _ = writer
    told, report_id = Told(), str(uuid.uuid4())
    process.submit_with(report(kiosk_site, report_id), told.done_for("first"))
    assert wait_until(lambda: told.calls == 1, timeout=60)
    process.submit_with(report(kiosk_site, report_id), told.done_for("again"))
    assert wait_until(lambda: told.calls == 2, timeout=60)
    assert told.results["first"].report == "created" and told.results["again"].report == "duplicate"
    assert stored(engine, kiosk_site[1]) == [f"{kiosk_site[1]}:{report_id}"]


def test_stop_applies_what_was_submitted_then_refuses_more(
        engine: Engine, writer: tuple[WriterProcess, list[int]], kiosk_site: tuple[str, str]) -> None:
    process, _ = writer
    told, ids = Told(), [str(uuid.uuid4()) for _ in range(200)]
    for report_id in ids:
        process.submit_with(report(kiosk_site, report_id), told.done_for(report_id))
    children = process.pids
    process.stop()
    assert told.calls == 200 and not told.errors
    assert len(stored(engine, kiosk_site[1])) == 200
    assert not process.running and not process.pids and len(children) == 1
    process.submit_with(report(kiosk_site, str(uuid.uuid4())), told.done_for("late"))
    assert isinstance(told.errors["late"], WriterStopped)


def test_a_child_killed_fails_what_it_held_and_another_takes_over(
        engine: Engine, writer: tuple[WriterProcess, list[int]], kiosk_site: tuple[str, str]) -> None:
    process, _ = writer
    told = Told()
    (first,) = process.pids
    held = [str(uuid.uuid4()) for _ in range(300)]
    for report_id in held:
        process.submit_with(report(kiosk_site, report_id), told.done_for(report_id))
    os.kill(first, signal.SIGKILL)
    assert wait_until(lambda: told.calls == 300, timeout=60)  # each told once: stored, or to try again
    assert all(isinstance(error, WriterStopped) for error in told.errors.values())
    assert wait_until(lambda: len(process.pids) == 1 and first not in process.pids, timeout=60)
    retried = Told()
    for report_id in told.errors:  # what the client does with WriterStopped: submit again
        process.submit_with(report(kiosk_site, report_id), retried.done_for(report_id))
    assert wait_until(lambda: retried.calls == len(told.errors), timeout=60)
    assert not retried.errors
    keys = stored(engine, kiosk_site[1])
    assert sorted(keys) == sorted(f"{kiosk_site[1]}:{r}" for r in held)  # every report once, none lost


def test_a_kiosks_messages_all_go_to_one_writer_and_the_kiosks_spread_over_all() -> None:
    """Each kiosk's messages, of every kind, are applied by one child (in the order they came, its batch ack
    one per batch); twenty kiosks reach each of two and of three children."""
    for lanes in (2, 3):
        chosen = {kiosk: {writer_process.lane_of(f"safety/tianchen/kiosk/{kiosk}/{kind}", lanes)
                          for kind in ("report", "status", "bulletin-read", "rating")}
                  for kiosk in (f"kiosk-{n:03d}" for n in range(20))}
        assert all(len(lane) == 1 for lane in chosen.values())
        assert set().union(*chosen.values()) == set(range(lanes))
    assert {writer_process.lane_of(topic, 1) for topic in ("safety/x/kiosk/a/report", "not/a/kiosk", "")} == {0}


@pytest.fixture
def kiosks_site(engine: Engine) -> tuple[str, list[str]]:
    """A site with six kiosks, enough for two children to share."""
    site = f"w{uuid.uuid4().hex[:8]}"
    with session_scope(engine) as session:
        return site, [make_kiosk(session, site=site)[0].kiosk_id for _ in range(6)]


@pytest.fixture
def two_writers(settings: Settings, kiosks_site: tuple[str, list[str]]) -> Iterator[WriterProcess]:
    process = WriterProcess(make_settings(settings.database_url, site=kiosks_site[0]), max_batch=50, writers=2,
                            claim=lambda applied: None)
    process.start()
    yield process
    process.stop()


def test_two_writers_store_every_kiosks_reports_once(engine: Engine, two_writers: WriterProcess,
                                                     kiosks_site: tuple[str, list[str]]) -> None:
    site, kiosks = kiosks_site
    assert len(two_writers.pids) == 2
    assert {writer_process.lane_of(f"safety/{site}/kiosk/{kiosk}/report", 2) for kiosk in kiosks} == {0, 1}
    told = Told()
    sent = {kiosk: [str(uuid.uuid4()) for _ in range(60)] for kiosk in kiosks}
    for number in range(60):
        for kiosk in kiosks:
            report_id = sent[kiosk][number]
            two_writers.submit_with(report((site, kiosk), report_id), told.done_for(report_id))
    again = sent[kiosks[0]][0]
    two_writers.submit_with(report((site, kiosks[0]), again), told.done_for("again"))
    assert wait_until(lambda: told.calls == 361, timeout=60)
    assert not told.errors and told.results["again"].report == "duplicate"
    for kiosk in kiosks:
        assert sorted(stored(engine, kiosk)) == sorted(f"{kiosk}:{r}" for r in sent[kiosk])
    refs = [ack for result in told.results.values() for row in result.outbox
            for ack in json.loads(row.payload).get("results", [json.loads(row.payload)])]
    hazards = [ack["hazard_ref"] for ack in refs if ack.get("outcome") == "accepted"]
    assert len(hazards) == len(set(hazards)) == 360  # two transactions at once, no reference given twice


def test_one_of_two_writers_killed_fails_only_what_it_held(engine: Engine, two_writers: WriterProcess,
                                                          kiosks_site: tuple[str, list[str]]) -> None:
    site, kiosks = kiosks_site
    first, second = two_writers.pids
    lanes = {kiosk: writer_process.lane_of(f"safety/{site}/kiosk/{kiosk}/report", 2) for kiosk in kiosks}
    told, sent = Told(), {}
    for _ in range(150):
        for kiosk in kiosks:
            report_id = str(uuid.uuid4())
            sent[report_id] = kiosk
            two_writers.submit_with(report((site, kiosk), report_id), told.done_for(report_id))
    os.kill(first, signal.SIGKILL)
    assert wait_until(lambda: told.calls == 900, timeout=60)  # each told once: stored, or to try again
    assert all(isinstance(error, WriterStopped) for error in told.errors.values())
    assert {lanes[sent[report_id]] for report_id in told.errors} <= {0}  # the other child's all stored
    assert wait_until(lambda: len(two_writers.pids) == 2 and first not in two_writers.pids, timeout=60)
    assert second in two_writers.pids
    retried = Told()
    for report_id in told.errors:  # what the client does with WriterStopped: submit again
        two_writers.submit_with(report((site, sent[report_id]), report_id), retried.done_for(report_id))
    assert wait_until(lambda: retried.calls == len(told.errors), timeout=60)
    assert not retried.errors
    for kiosk in kiosks:  # every report once, none lost
        assert sorted(stored(engine, kiosk)) == sorted(f"{kiosk}:{r}" for r, k in sent.items() if k == kiosk)


def test_a_failure_crosses_the_pipe_with_its_kind() -> None:
    database = BatchFailed("OperationalError: database is locked", database=True)
    item = BatchFailed.of(ValueError("a fault in this report"))
    assert is_database_failure(database) and not is_database_failure(item)
    assert str(item) == "ValueError: a fault in this report" and BatchFailed.of(item) is item


def test_the_child_logs_as_its_parent_does(settings: Settings, capfd: pytest.CaptureFixture[str]) -> None:
    """On a server logging JSON lines, the child's lines are JSON too (here: the one it writes when the pipe
    closes because its parent is gone)."""
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    process = context.Process(target=writer_process.serve, daemon=True, args=(
        make_settings(settings.database_url, log_format="json"), child, 10))
    process.start()
    child.close()
    parent.close()  # as when the receiving process dies
    process.join(60)
    assert process.exitcode == 0
    lines = [json.loads(line) for line in capfd.readouterr().err.splitlines() if line.startswith("{")]
    assert [(entry["level"], entry["logger"], entry["message"]) for entry in lines] == [
        ("WARNING", "safety_service.mqtt.writer_process", "the intake's receiving process is gone; the writer process stops")]


def test_the_child_takes_the_level_its_parent_logs_at(settings: Settings) -> None:
    """``--log-level`` sets the parent's level over SAFETY_LOG_LEVEL; the child starts at the same."""
    root = logging.getLogger()
    before = root.level
    root.setLevel(logging.ERROR)
    try:
        assert writer_process.child_settings(make_settings(settings.database_url, log_level="INFO")).log_level == "ERROR"
    finally:
        root.setLevel(before)


def test_the_child_settles_its_heap_once_it_can_write(settings: Settings) -> None:
    """The child freezes what start-up loaded, as its parent does, so the collector's full passes do not scan it
    in the middle of a batch."""
    import gc

    gc.unfreeze()
    engine, _ = writer_process.start_writing(settings, 10)
    try:
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
        engine.dispose()


def _piece(*sizes: int) -> list[writer_process.Sent]:
    return [(number, "safety/w/kiosk/k/report", b"x" * size, utc_now(), None) for number, size in enumerate(sizes)]


def test_the_child_joins_what_waits_in_the_pipe_up_to_the_batchs_bytes_and_count() -> None:
    parent, child = multiprocessing.Pipe()
    for piece in (_piece(4, 4), _piece(4), _piece(4, 4), _piece(1), _piece(2, 2), _piece(2, 2), _piece(2)):
        parent.send(piece)
    parent.send(None)
    bounded = [[len(sent[2]) for sent in batch] for batch in writer_process._batches(child, 5, 8)]
    assert bounded == [[4, 4], [4, 4, 4], [1, 2, 2, 2, 2], [2]]  # a piece is never split


def test_each_batch_stops_at_its_bytes_in_both_processes(settings: Settings, engine: Engine,
                                                          kiosk_site: tuple[str, str]) -> None:
    claimed: list[int] = []
    process = WriterProcess(make_settings(settings.database_url, site=kiosk_site[0]), max_batch=50, max_bytes=1,
                            claim=lambda applied: claimed.append(len(applied)))
    process.start()
    try:
        told, ids = Told(), [str(uuid.uuid4()) for _ in range(30)]
        for report_id in ids:
            process.submit_with(report(kiosk_site, report_id), told.done_for(report_id))
        assert wait_until(lambda: told.calls == 30, timeout=60)
    finally:
        process.stop()
    assert not told.errors and claimed == [1] * 30
    assert sorted(stored(engine, kiosk_site[1])) == sorted(f"{kiosk_site[1]}:{r}" for r in ids)
