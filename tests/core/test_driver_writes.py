"""Rows written through the driver's executemany read back as the ORM wrote them."""

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, col, select

from safety_service.clock import utc_now
from safety_service.driver import insert_rows
from safety_service.hazards.models import Hazard, HazardEvent
from safety_service.outbox.models import OutboxMessage
from tests.hazards.builders import make_hazard


def test_times_and_json_written_at_the_driver_read_back_as_the_orm_reads_them(session: Session) -> None:
    hazard = make_hazard(session)
    at = utc_now() - timedelta(hours=3)
    data = {"level": 2, "notified": ["杨军", "officer1"], "nested": {"ok": True}}
    insert_rows(session.connection(), HazardEvent.__table__, ("hazard_id", "at", "action", "data"),
                [(hazard.id, at, "escalated", data), (hazard.id, at + timedelta(seconds=1), "escalated", None)])
    rows = session.exec(select(HazardEvent).where(HazardEvent.hazard_id == hazard.id,
                                                  HazardEvent.action == "escalated").order_by(col(HazardEvent.id))).all()
    assert [(r.at, r.data, r.note) for r in rows] == [(at, data, None), (at + timedelta(seconds=1), None, None)]



def test_each_kind_of_column_written_at_the_driver_reads_back_and_a_bad_value_is_the_databases_refusal(
        session: Session) -> None:
    """On PostgreSQL the rows go as a binary COPY (text where a column's type has no binary form here, a NUMERIC):
    every kind of column the service writes this way reads back as the ORM reads it, JSON given as text is stored
    as that JSON, and a value the column refuses is the database's error (a 503 or 4xx upstream), never a
    driver's TypeError."""
    hazard = make_hazard(session)
    at = utc_now().replace(microsecond=123456)
    insert_rows(session.connection(), OutboxMessage.__table__, ("key", "topic", "payload", "qos", "retain", "created_at"),
                [("k1", "safety/t/kiosks/K-1/ack", '{"v": "二"}', 1, False, at)])
    stored = session.exec(select(OutboxMessage).where(OutboxMessage.topic == "safety/t/kiosks/K-1/ack")).one()
    assert (stored.payload, stored.qos, stored.retain, stored.created_at) == ('{"v": "二"}', 1, False, at)
    insert_rows(session.connection(), HazardEvent.__table__, ("hazard_id", "at", "action", "data"),
                [(hazard.id, at, "noted", '{"level": 3}')], json_text=("data",))
    noted = session.exec(select(HazardEvent).where(HazardEvent.action == "noted")).one()
    assert (noted.at, noted.data) == (at, {"level": 3})
    copy = {name: getattr(hazard, name) for name in ("site_id", "location_id", "description", "source", "state",
                                                   "is_open", "reported_at", "updated_at", "escalation_level",
                                                   "version", "urgent")}
    insert_rows(session.connection(), Hazard.__table__, (*copy, "ref", "tracking_code", "funds"),
                [(*copy.values(), "YH-2026-990001", "TRACK99000001", Decimal("1234.50"))])
    assert session.exec(select(Hazard.funds).where(Hazard.ref == "YH-2026-990001")).one() == Decimal("1234.50")
    if session.get_bind().dialect.name == "postgresql":  # SQLite keeps any length, any text as JSON and NUL
        insert_rows(session.connection(), OutboxMessage.__table__, ("key", "topic", "payload", "qos", "retain", "created_at"),
                    [("k3", "safety/t/kiosks/K-1/ack", "a\x00b", 1, False, at)])
        assert session.exec(select(OutboxMessage.payload).where(OutboxMessage.key == "k3")).one() == "a\ufffdb"
        for columns, row in ((("key", "topic", "payload", "qos", "retain", "created_at"), ("k2", "x" * 300, "{}", 1, False, at)),
                             (("hazard_id", "at", "action", "data"), (hazard.id, at, "noted", "{not json"))):
            table = OutboxMessage.__table__ if "topic" in columns else HazardEvent.__table__
            with pytest.raises(DBAPIError), session.begin_nested():
                insert_rows(session.connection(), table, columns, [row], json_text=("data",))
