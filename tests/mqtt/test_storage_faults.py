"""A database that refuses writes (here PostgreSQL gone read-only, as after a fail-over to a standby)
holds kiosk reports back; they are neither rejected nor dead-lettered, and are stored once it writes."""

import json
import time
import uuid
from pathlib import Path

import psycopg
from sqlalchemy import func
from sqlmodel import Session, select

from safety_service import migrate
from safety_service.database import make_engine, session_scope
from safety_service.mqtt.client import MqttService
from safety_service.mqtt.models import DeadLetter
from tests.conftest import admin_conninfo, create_pg_database, drop_pg_database, make_settings
from tests.kiosks.builders import make_kiosk
from tests.mqtt.clients import TestClient, wait_until
from tests.mqtt.mosquitto import Mosquitto


def set_read_only(url: str, on: bool) -> None:
    """Every session of the database read-only (or not) from now on; the open ones are ended."""
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(admin_conninfo(), autocommit=True) as connection:
        connection.execute(f'ALTER DATABASE "{name}" SET default_transaction_read_only = {"on" if on else "off"}')
        connection.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))


def test_reports_wait_out_a_read_only_postgresql_and_are_then_accepted(tmp_path: Path) -> None:
    url, site = create_pg_database(), f"ro{uuid.uuid4().hex[:8]}"
    broker = Mosquitto(tmp_path).start()
    engine = make_engine(make_settings(url))
    try:
        migrate.upgrade(engine)
        with session_scope(engine) as session:
            kiosk_id = make_kiosk(session, site=site)[0].kiosk_id
        service = MqttService(make_settings(url, site=site, mqtt_url=broker.url(),
                                            mqtt_client_id=f"safety-ro-{site}"), engine)
        service.start()
        try:
            assert service.connected.wait(10) and wait_until(lambda: service.state.subscribed)
            set_read_only(url, True)
            kiosk = TestClient(broker.url(), client_id=kiosk_id)
            kiosk.subscribe(f"safety/{site}/kiosk/{kiosk_id}/ack")
            kiosk.publish(f"safety/{site}/kiosk/{kiosk_id}/report", json.dumps(
                {"schema": "kiosk-report/1", "report_id": str(uuid.uuid4()),
                 "created_at": "2026-11-24T08:00:00+08:00", "description": "主井井口信号灯不亮"}))
            time.sleep(5)  # two retries' worth
            assert kiosk.on(f"safety/{site}/kiosk/{kiosk_id}/ack") == []
            set_read_only(url, False)
            assert wait_until(lambda: kiosk.on(f"safety/{site}/kiosk/{kiosk_id}/ack"), timeout=20)
            [ack] = [json.loads(m.payload) for m in kiosk.on(f"safety/{site}/kiosk/{kiosk_id}/ack")]
            assert ack["outcome"] == "accepted", ack
            with Session(engine) as session:
                assert session.exec(select(func.count()).select_from(DeadLetter)).one() == 0
            kiosk.close()
        finally:
            service.stop()
    finally:
        engine.dispose()
        broker.stop()
        drop_pg_database(url)
