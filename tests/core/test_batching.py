"""Group commit: results only after the commit; a failed batch stores nothing and tells every caller."""

import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from safety_service.batching import BatchWriter, WriterStopped
from safety_service.database import session_scope
from safety_service.hazards import intake as hazards_intake
from safety_service.hazards.models import Hazard, HazardEvent
from safety_service.hazards.schemas import HazardReport
from safety_service.hazards.states import Channel
from safety_service.locations.models import Location
from tests.locations.builders import make_location


@pytest.fixture
def location_code(engine: Engine) -> Iterator[str]:
    with session_scope(engine) as session:
        location = make_location(session)
    yield location.code
    with session_scope(engine) as session:
        ids = select(Hazard.id).where(Hazard.location_id == location.id)
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
