"""Group commit: results only after the commit; a failed batch stores nothing; one bad item fails alone."""

import queue
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, col, select

from safety_service.batching import STOP, BatchWriter, WriterStopped, take
from safety_service.database import session_scope
from safety_service.hazards import intake as hazards_intake
from safety_service.hazards.models import Hazard, HazardEvent
from safety_service.hazards.schemas import HazardReport
from safety_service.hazards.states import Channel
from safety_service.locations.models import Location
from tests.history import history_unlocked
from tests.locations.builders import make_location
from tests.mqtt.clients import wait_until


@pytest.fixture
def location_code(engine: Engine) -> Iterator[str]:
    with session_scope(engine) as session:
        location = make_location(session)
    yield location.code
    with session_scope(engine) as session:
        ids = select(Hazard.id).where(Hazard.location_id == location.id)
        with history_unlocked(session, "hazard_event"):
            session.exec(delete(HazardEvent).where(col(HazardEvent.hazard_id).in_(ids)))
        session.exec(delete(Hazard).where(Hazard.location_id == location.id))
        session.exec(delete(Location).where(Location.id == location.id))


def _apply(session: Session, reports: list[HazardReport]) -> list[hazards_intake.Receipt]:
    return hazards_intake.report_hazards(session, reports=reports)


def test_many_threads_submitting_get_their_own_receipts_after_commit(engine: Engine, location_code: str) -> None:
    writer = BatchWriter(engine, _apply, name="test", max_batch=50)
    writer.start()
    try:
        reports = [HazardReport(location_code=location_code, description=f"隐患 {i}", source=Channel.qr,
                                client_report_id=f"batch-test-{i:06d}") for i in range(200)]
        futures: list = [None] * len(reports)

        def send(start: int) -> None:
            for i in range(start, len(reports), 8):
                futures[i] = writer.submit(reports[i])

        threads = [threading.Thread(target=send, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        receipts = [f.result(timeout=30) for f in futures]
    finally:
        writer.stop()
    assert all(r.created and r.error is None for r in receipts)
    with Session(engine) as session:
        stored = dict(session.exec(select(Hazard.client_report_id, Hazard.ref).where(
            col(Hazard.client_report_id).like("batch-test-%"))).all())
    assert {r.ref for r in receipts} == set(stored.values()) and len(stored) == 200


def test_a_failing_batch_stores_nothing_and_every_caller_hears_of_it(engine: Engine, location_code: str) -> None:
    def apply_then_fail(session: Session, reports: list[HazardReport]) -> list:
        hazards_intake.report_hazards(session, reports=reports)
        raise RuntimeError("disk full")

    writer = BatchWriter(engine, apply_then_fail, name="failing")
    writer.start()
    try:
        future = writer.submit(HazardReport(location_code=location_code, description="x", source=Channel.qr,
                                            client_report_id="batch-fail-000001"))
        with pytest.raises(RuntimeError, match="disk full"):
            future.result(timeout=30)
    finally:
        writer.stop()
    with Session(engine) as session:
        assert session.exec(select(Hazard).where(Hazard.client_report_id == "batch-fail-000001")).first() is None


def test_a_stopped_writer_refuses_at_once(engine: Engine) -> None:
    writer = BatchWriter(engine, _apply, name="stopped")
    future = writer.submit(HazardReport(location_code="X", description="x", source=Channel.qr))
    with pytest.raises(WriterStopped):
        future.result(timeout=1)


def _held_batches(engine: Engine, apply, descriptions: list[str], location_code: str, **writer_options) -> list:
    """Submit "first", then the others while the first batch is held, so they form one batch together (or, given
    the writer's ``size`` and ``max_bytes``, batches of that many bytes)."""
    held, calls = threading.Event(), []

    def apply_held(session: Session, reports: list[HazardReport]) -> list:
        calls.append([r.description for r in reports])
        if reports[0].description == "first":
            held.wait(10)
        return apply(session, reports)

    writer = BatchWriter(engine, apply_held, name="held", **writer_options)
    writer.start()
    try:
        futures = [writer.submit(HazardReport(location_code=location_code, description=text, source=Channel.qr,
                                              client_report_id=f"batch-held-{text}")) for text in ["first"]]
        assert wait_until(lambda: bool(calls))
        futures += [writer.submit(HazardReport(location_code=location_code, description=text, source=Channel.qr,
                                               client_report_id=f"batch-held-{text}")) for text in descriptions]
        held.set()
        outcomes = []
        for future in futures:
            try:
                outcomes.append(future.result(timeout=30).created)
            except Exception as exc:  # noqa: BLE001 - the outcome under test
                outcomes.append(type(exc).__name__)
    finally:
        writer.stop()
    return [calls, outcomes]


def test_one_bad_item_fails_alone_and_the_rest_of_its_batch_is_stored(engine: Engine, location_code: str) -> None:
    def apply(session: Session, reports: list[HazardReport]) -> list:
        if any(r.description == "poison" for r in reports):
            raise ValueError("cannot store this one")
        return _apply(session, reports)

    calls, outcomes = _held_batches(engine, apply, ["good-1", "poison", "good-2"], location_code)
    assert calls == [["first"], ["good-1", "poison", "good-2"], ["good-1"], ["poison"], ["good-2"]]
    assert outcomes == [True, True, "ValueError", True]
    with Session(engine) as session:
        stored = set(session.exec(select(Hazard.description).where(
            col(Hazard.client_report_id).like("batch-held-%"))).all())
    assert stored == {"first", "good-1", "good-2"}


def test_a_database_failure_fails_the_whole_batch_without_retrying_item_by_item(engine: Engine,
                                                                                location_code: str) -> None:
    def apply(session: Session, reports: list[HazardReport]) -> list:
        if reports[0].description != "first":
            raise OperationalError("INSERT", {}, Exception("database is locked"))
        return _apply(session, reports)

    calls, outcomes = _held_batches(engine, apply, ["a", "b"], location_code)
    assert calls == [["first"], ["a", "b"]]
    assert outcomes == [True, "OperationalError", "OperationalError"]


def test_a_batch_ends_once_its_entries_weigh_enough_and_the_stop_still_ends_it() -> None:
    source: queue.SimpleQueue[object] = queue.SimpleQueue()
    for entry in (3, 3, 3, 10, 1, 1, 1, STOP):
        source.put(entry)

    def weigh(entry: object) -> int:
        return int(entry)  # type: ignore[call-overload]

    assert take(source, 100, weigh=weigh, max_weight=6) == ([3, 3], False)
    assert take(source, 100, weigh=weigh, max_weight=6) == ([3, 10], False)  # the one that passes it is taken
    assert take(source, 2, weigh=weigh, max_weight=6) == ([1, 1], False)  # the count still bounds it
    assert take(source, 100, weigh=weigh, max_weight=6) == ([1], True)
    source.put(10**9)
    assert take(source, 100) == ([10**9], False)  # unweighed, as before


def test_the_writer_splits_what_waits_by_bytes_and_stores_all_of_it(engine: Engine, location_code: str) -> None:
    calls, outcomes = _held_batches(engine, _apply, ["aaaa", "bbbb", "cccc", "dddd", "e"], location_code,
                                    size=lambda report: len(report.description), max_bytes=8)
    assert calls == [["first"], ["aaaa", "bbbb"], ["cccc", "dddd"], ["e"]]
    assert outcomes == [True] * 6
