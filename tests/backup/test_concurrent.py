"""A backup taken while the QR page's reports are being written restores a consistent prefix of them."""

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import text

from safety_service.database import session_scope
from safety_service.hazards.schemas import HazardReport
from safety_service.hazards.states import Channel
from safety_service.pages.intake import QrSubmission, apply_submissions
from tests.backup.conftest import Place
from tests.backup.test_service import PHOTO
from tests.locations.builders import make_location

MAX_REPORTS = 5000  # the writer stops when the backup is done, or here at the latest
COMMAND = Path(sys.executable).parent / "safety-service"


def _write_reports(place: Place, code: str, written: list[int], stop: threading.Event) -> None:
    """Report after report through the QR page's intake, each with a photo, one commit each."""
    engine = place.engine()
    try:
        for number in range(MAX_REPORTS):
            if stop.is_set():
                return
            report = HazardReport(location_code=code, description=f"巷道积水 {number}", source=Channel.qr,
                                  client_report_id=f"during-backup-{number:05d}")
            with session_scope(engine) as session:
                apply_submissions(session, [QrSubmission(report, PHOTO)], timezone="Asia/Shanghai")
            written.append(number)
    finally:
        engine.dispose()


def _wait_for(check: Callable[[], bool]) -> None:
    for _ in range(600):
        if check():
            return
        time.sleep(0.05)
    raise AssertionError("the writer made no reports")


def test_a_backup_taken_while_reports_arrive_restores_each_hazard_whole_up_to_one_moment(
        new_place: Callable[..., Place], tmp_path: Path) -> None:
    source, target = new_place("source"), new_place("target")
    engine = source.engine()
    with session_scope(engine) as session:
        code = make_location(session).code
    written: list[int] = []
    stop = threading.Event()
    writer = threading.Thread(target=_write_reports, args=(source, code, written, stop))
    writer.start()
    try:
        _wait_for(lambda: len(written) >= 5)
        before = len(written)
        environment = {**os.environ, "SAFETY_DATABASE_URL": source.url, "SAFETY_DATA_DIR": str(source.data_dir)}
        backup = subprocess.run([COMMAND, "backup", "-o", tmp_path / "backup.tar.gz"], env=environment,
                                capture_output=True, text=True, timeout=300, check=False)
        after = len(written)
    finally:
        stop.set()
        writer.join(timeout=120)
    assert backup.returncode == 0, backup.stderr

    restored = target.run("restore", str(tmp_path / "backup.tar.gz"))
    assert restored.exit_code == 0, restored.output
    restored_engine = target.engine()
    with restored_engine.connect() as connection:
        refs = connection.execute(text("SELECT ref FROM hazard ORDER BY id")).scalars().all()
        whole = connection.execute(text(
            "SELECT count(*) FROM hazard h WHERE "
            "(SELECT count(*) FROM hazard_event e WHERE e.hazard_id = h.id AND e.action = 'reported') = 1 "
            "AND (SELECT count(*) FROM hazard_photo p WHERE p.hazard_id = h.id) = 1")).scalar_one()
        events = connection.execute(text("SELECT count(*) FROM hazard_event")).scalar_one()
        photos = connection.execute(text("SELECT count(*) FROM hazard_photo")).scalar_one()
    with engine.connect() as connection:
        first_refs = connection.execute(text("SELECT ref FROM hazard ORDER BY id LIMIT :n"),
                                        {"n": len(refs)}).scalars().all()
    engine.dispose(), restored_engine.dispose()
    assert before < len(refs) <= after  # taken while the reports came in
    assert refs == first_refs  # the reports up to one moment, none missing before it
    assert whole == events == photos == len(refs)  # each with its first event and its photo, nothing else
