"""A kiosk report (kiosk-report/3) may name a risk point of its location: stored when it is the location's,
refused with the field named when it is not (nothing stored)."""

import json
import uuid

from sqlmodel import Session, select

from safety_service.clock import utc_now
from safety_service.hazards.models import Hazard
from safety_service.locations.models import Location
from safety_service.mqtt import intake
from safety_service.protocol.kiosk_reads import KioskAck
from tests.kiosks.builders import make_kiosk
from tests.locations.builders import make_location
from tests.risks.builders import make_risk_point

SITE = "tianchen"


def _send(session: Session, kiosk_id: str, payload: dict) -> KioskAck:
    item = intake.Incoming(topic=f"safety/{SITE}/kiosk/{kiosk_id}/report",
                           payload=json.dumps(payload, ensure_ascii=False).encode(), received_at=utc_now())
    [applied] = intake.apply_batch(session, [item], site=SITE, timezone="Asia/Shanghai")
    return KioskAck.model_validate_json(applied.outbox[0].payload)


def _report(**extra: object) -> dict:
    return {"schema": "kiosk-report/3", "report_id": str(uuid.uuid4()), "created_at": "2026-11-24T08:00:00+08:00",
            "description": "主井提升机制动闸瓦间隙超限", **extra}


def test_a_risk_point_of_the_kiosk_location_is_stored_on_the_hazard(session: Session) -> None:
    kiosk, _ = make_kiosk(session)
    point = make_risk_point(session, location=session.get(Location, kiosk.location_id), name="主井提升机")
    ack = _send(session, kiosk.kiosk_id, _report(risk_point=point.code))
    assert ack.outcome == "accepted", ack
    assert session.exec(select(Hazard).where(Hazard.ref == ack.hazard_ref)).one().risk_point_id == point.id


def test_a_risk_point_of_another_location_is_refused_naming_the_field(session: Session) -> None:
    kiosk, _ = make_kiosk(session)
    other = make_risk_point(session, location=make_location(session))
    report = _report(risk_point=other.code)
    ack = _send(session, kiosk.kiosk_id, report)
    assert ack.outcome == "rejected" and ack.error.field == "risk_point_code", ack
    assert session.exec(select(Hazard).where(Hazard.client_report_id == f"{kiosk.kiosk_id}:{report['report_id']}")
                        ).first() is None


def test_a_report_without_a_risk_point_still_works_on_version_3(session: Session) -> None:
    kiosk, _ = make_kiosk(session)
    ack = _send(session, kiosk.kiosk_id, _report(category="roof"))
    hazard = session.exec(select(Hazard).where(Hazard.ref == ack.hazard_ref)).one()
    assert ack.outcome == "accepted" and hazard.risk_point_id is None
