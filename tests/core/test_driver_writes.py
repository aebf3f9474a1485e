"""Rows written through the driver's executemany read back as the ORM wrote them."""

from datetime import timedelta

from sqlmodel import Session, col, select

from safety_service.clock import utc_now
from safety_service.database import insert_rows
from safety_service.hazards.models import HazardEvent
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

