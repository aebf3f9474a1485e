"""One escalation sweep over 10,000 overdue hazards with 50 recipients and 5 kiosks in their area, then its delivery.

Prints the sweep's time (the `escalate_overdue` job), the delivery's time (loopback webhook and SMTP
receivers), the inbox rows and messages sent, messages per recipient and kiosk notices per kiosk (the
target: one per recipient and channel, one per kiosk, a sweep under 2 s on SQLite).

    .venv/bin/python bench/notify_sweep.py [--hazards 10000] [--recipients 50] [--kiosks 5] [--backend sqlite|postgresql]
"""

import argparse
import os
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, insert, select

from bench.common import RESULTS, create_database, settings_for
from safety_service import migrate, reactions
from safety_service.clock import utc_now
from safety_service.database import make_engine, session_scope
from safety_service.feedback.models import KioskNoticeRecord
from safety_service.hazards.models import Hazard
from safety_service.hazards.scheduled import escalate_overdue
from safety_service.kiosks.models import Kiosk
from safety_service.locations import service as locations_service
from safety_service.locations.models import Area, Location
from safety_service.notifications import configure, outbox
from safety_service.notifications.models import Notification
from safety_service.people.models import Role, User
from tests.notifications.receivers import Robot, SmtpServer


def _url(backend: str) -> str:
    if backend == "sqlite":
        return f"sqlite:///{RESULTS / 'notify_sweep.db'}"
    from sqlalchemy.engine import make_url

    from bench.common import PG_ADMIN_URL
    return make_url(PG_ADMIN_URL).set(database="bench_notify_sweep").render_as_string(hide_password=False)


def _fill(engine, settings, *, hazards: int, recipients: int, kiosks: int, robot: Robot, smtp: SmtpServer) -> None:
    now = utc_now()
    with session_scope(engine) as session:
        site = locations_service.ensure_site(session, code=settings.site, name_zh=settings.site_name)
        area = Area(code="D3", name_zh="三采区", site_id=site.id)
        session.add(area)
        session.flush()
        location = Location(code="WF-1", name_zh="综采工作面", site_id=site.id, area_id=area.id)
        pithead = Location(code="PH-1", name_zh="主井井口", site_id=site.id, area_id=area.id)
        session.add_all([location, pithead])
        session.flush()
        session.add_all([Kiosk(kiosk_id=f"kiosk-{i}", site_id=site.id, location_id=pithead.id, password_hash="-")
                         for i in range(kiosks)])
        owner = User(username="owner1", role=Role.owner, hashed_password="-", email="owner1@mine.example.cn")
        officers = [User(username=f"officer{i}", role=Role.officer, hashed_password="-",
                         email=f"officer{i}@mine.example.cn") for i in range(recipients - 1)]
        session.add_all([owner, *officers])
        session.flush()
        rows = [{"ref": f"YH-2026-{i:06d}", "tracking_code": f"T{i:09d}", "site_id": site.id,
                 "location_id": location.id, "description": "顶板有裂缝，锚杆松动", "source": "qr",
                 "state": "rectifying", "is_open": True, "grade": "general", "reported_at": now - timedelta(days=5),
                 "updated_at": now - timedelta(days=5), "owner_id": owner.id, "measures": "补打锚杆",
                 "funds": Decimal(100), "deadline": now - timedelta(hours=30), "contingency_plan": "设警戒",
                 "escalation_level": 0, "version": 1, "search_text": "", "urgent": False}
                for i in range(1, hazards + 1)]
        session.execute(insert(Hazard.__table__), rows)
        for name, kind, target in (("group", "webhook", robot.url("/group")),
                                   ("mail", "email", f"smtp://127.0.0.1:{smtp.port}?from=safety@mine.example.cn")):
            configure.add_channel(session, settings=settings, data=configure.ChannelCreate(
                name=name, kind=kind, target=target, events=["overdue"]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hazards", type=int, default=10_000)
    parser.add_argument("--recipients", type=int, default=50)
    parser.add_argument("--kiosks", type=int, default=5)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args()
    url = _url(args.backend)
    create_database(args.backend, url)
    settings = settings_for(url, data_dir=str(RESULTS), notify_timeout_seconds=5)
    engine = make_engine(settings)
    migrate.upgrade(engine)
    reactions.wire(settings)  # the sweep tells the areas' kiosks through them, as at start-up
    robot, smtp = Robot().start(), SmtpServer()
    try:
        _fill(engine, settings, hazards=args.hazards, recipients=args.recipients, kiosks=args.kiosks, robot=robot, smtp=smtp)
        started, cpu = time.perf_counter(), time.process_time()
        with session_scope(engine) as session:
            steps = escalate_overdue(session, now=utc_now(), settings=settings)
        swept, swept_cpu = time.perf_counter() - started, time.process_time() - cpu
        started = time.perf_counter()
        sent = outbox.deliver_due(engine, settings=settings)
        delivered = time.perf_counter() - started
        with session_scope(engine) as session:
            inbox = session.execute(select(func.count()).select_from(Notification)).scalar_one()
            notices = session.execute(select(func.count()).select_from(KioskNoticeRecord)).scalar_one()
    finally:
        robot.stop()
        smtp.stop()
        engine.dispose()
    print(f"backend {args.backend}: {args.hazards} overdue hazards, {args.recipients} recipients")
    print(f"sweep (escalate_overdue): {swept:.2f} s wall, {swept_cpu:.2f} s CPU of this process, {steps} steps "
          f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    print(f"inbox rows: {inbox} ({inbox / args.recipients:.2f} per recipient); kiosk notices: {notices} "
          f"({notices / max(args.kiosks, 1):.2f} per kiosk)")
    print(f"delivery: {delivered:.2f} s, {sent} messages (webhook {len(robot.received)}, email {len(smtp.mails)}); "
          f"email per recipient {len(smtp.mails) / args.recipients:.2f}")


if __name__ == "__main__":
    main()
