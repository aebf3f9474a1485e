"""Kiosk reports applied in-process by ``apply_batch``, the intake's database half, without a broker.

Builds 20 kiosks' ``kiosk-report/1`` messages and applies them in batches (each batch one
transaction, as the intake commits it), then once more to measure the idempotent answer to a
redelivered batch. Prints messages per second for each, and checks that every report is stored once.
The kiosks read ``kiosk-ack/2`` (one ack per kiosk per batch) unless ``--acks 1`` (one ack per report).
``--writer-process`` sends the same messages through the intake's writer process instead (``WriterProcess``:
the pipe, the child's batches of up to ``--batch``, the answers back), as fast as it takes them: the writing
half of the MQTT intake without the broker, paho or the publishers, whose noise hides a change to the child.

    .venv/bin/python bench/intake_batch.py [--backend sqlite|postgresql] [--reports 20000] [--batch 500] [--acks 1|2]
                                           [--writer-process]
"""

import argparse
import json
import os
import sys
import threading
import time
import uuid
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from bench.common import PG_ADMIN_URL, RESULTS, create_database, kiosk_status, settings_for
from safety_service import migrate
from safety_service.clock import utc_now
from safety_service.config import Settings
from safety_service.database import make_engine, session_scope
from safety_service.hazards.models import Hazard
from safety_service.kiosks.models import Kiosk
from safety_service.locations import service as locations_service
from safety_service.locations.models import Location
from safety_service.mqtt.intake import Applied, Incoming, apply_batch
from safety_service.mqtt.writer_process import WriterProcess

SITE, KIOSKS = "bench", 20
CHILD_START_SECONDS, ANSWER_SECONDS = 30, 600


def _url(backend: str) -> str:
    if backend == "sqlite":
        return f"sqlite:///{RESULTS / 'intake_batch.db'}"
    return make_url(PG_ADMIN_URL).set(database="bench_intake_batch").render_as_string(hide_password=False)


def _messages(count: int) -> list[Incoming]:
    now = utc_now()
    return [Incoming(topic=f"safety/{SITE}/kiosk/kiosk-{n % KIOSKS:02d}/report", received_at=now,
                     payload=json.dumps({"schema": "kiosk-report/1", "report_id": str(uuid.uuid4()),
                                         "created_at": "2026-11-24T08:00:00+08:00",
                                         "description": f"皮带机托辊异响 {n}"}).encode())
            for n in range(count)]


def _apply(engine, messages: list[Incoming], batch: int) -> float:
    started = time.perf_counter()
    for start in range(0, len(messages), batch):
        with session_scope(engine) as session:
            results = apply_batch(session, messages[start:start + batch], site=SITE, timezone="Asia/Shanghai")
            assert not any(r.refused for r in results), [r.refused for r in results if r.refused][:3]
    return len(messages) / (time.perf_counter() - started)


def _status(acks: int) -> Incoming:
    """A kiosk's status (what the intake's first batch reads: its ack versions), to wait for a child's start."""
    return Incoming(topic=f"safety/{SITE}/kiosk/kiosk-00/status", received_at=utc_now(),
                    payload=kiosk_status("bench", acks=acks).encode())


def _through_child(settings: Settings, messages: list[Incoming], batch: int, acks: int) -> float:
    """The messages through a writer process, submitted at once; the rate from the first submission to the
    last answer (the child's start-up is not counted: a kiosk's status goes through it first)."""
    answered, refused, failed = threading.Event(), [], []
    left = [len(messages)]
    lock = threading.Lock()

    def done(result: Applied | None, error: BaseException | None) -> None:
        with lock:
            if error is not None:
                failed.append(error)
            elif result is not None and result.refused:
                refused.append(result.refused)
            left[0] -= 1
            if not left[0]:
                answered.set()

    writer = WriterProcess(settings, claim=lambda results: None, max_batch=batch)
    writer.start()
    try:
        started_up = threading.Event()
        writer.submit_with(_status(acks), lambda result, error: started_up.set())
        if not started_up.wait(CHILD_START_SECONDS):
            raise SystemExit(f"the writer process did not answer within {CHILD_START_SECONDS} s")
        started = time.perf_counter()
        for message in messages:
            writer.submit_with(message, done)
        if not answered.wait(ANSWER_SECONDS):
            raise SystemExit(f"{left[0]} of {len(messages)} messages unanswered after {ANSWER_SECONDS} s")
        elapsed = time.perf_counter() - started
    finally:
        writer.stop()
    if failed or refused:
        raise SystemExit(f"{len(failed)} failed, {len(refused)} refused: {(failed + refused)[:3]}")
    return len(messages) / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--reports", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--acks", type=int, choices=(1, 2), default=2, help="the kiosks' ack version")
    parser.add_argument("--writer-process", action="store_true",
                        help="through the intake's writer process (pipe and child) instead of in this process")
    args = parser.parse_args()
    url = _url(args.backend)
    create_database(args.backend, url)
    settings = settings_for(url, data_dir=str(RESULTS), site=SITE)
    engine = make_engine(settings)
    migrate.upgrade(engine)
    with session_scope(engine) as session:
        site = locations_service.ensure_site(session, code=SITE, name_zh="基准矿")
        location = Location(code="PH-1", name_zh="主井井口", site_id=site.id)
        session.add(location)
        session.flush()
        session.add_all([Kiosk(kiosk_id=f"kiosk-{n:02d}", site_id=site.id, location_id=location.id, password_hash="-",
                               ack_version=args.acks) for n in range(KIOSKS)])
    messages = _messages(args.reports)
    try:
        cpu = time.process_time()
        if args.writer_process:
            first = _through_child(settings, messages, args.batch, args.acks)
            again = _through_child(settings, messages, args.batch, args.acks)
        else:
            first = _apply(engine, messages, args.batch)
            cpu = time.process_time() - cpu
            again = _apply(engine, messages, args.batch)
        with session_scope(engine) as session:
            stored = session.execute(select(func.count(), func.count(func.distinct(Hazard.client_report_id)))).one()
    finally:
        engine.dispose()
    where = "through the writer process" if args.writer_process else "in this process"
    print(f"backend {args.backend}: {args.reports} kiosk reports in batches of {args.batch}, kiosk-ack/{args.acks}, "
          f"{where} (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    spent = "" if args.writer_process else f" ({cpu / args.reports * 1e6:.0f} µs CPU a report)"
    print(f"first delivery: {first:,.0f} msg/s{spent}; redelivered: {again:,.0f} msg/s")
    print(f"stored: {stored[0]} hazards, {stored[1]} distinct report ids (expected {args.reports} each)")
    if tuple(stored) != (args.reports, args.reports):
        raise SystemExit("lost or doubled reports")


if __name__ == "__main__":
    main()
