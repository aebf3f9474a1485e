"""A kiosk report (kiosk-report/3) may name the standard hazard library item (隐患标准库) the worker chose: kept on
the hazard and in its first event when the item is active and of the report's category (it gives the category when
none was chosen); dropped, never refused, when the kiosk's copy was stale."""

import json
import uuid

from sqlmodel import Session, col, select

from safety_service.clock import utc_now
from safety_service.hazards import library
from safety_service.hazards.library import LibraryItemCreate, LibraryItemUpdate
from safety_service.hazards.models import Hazard, HazardEvent
from safety_service.locations.models import Category
from safety_service.mqtt import intake
from safety_service.people.models import Role
from safety_service.protocol.kiosk_reads import KioskAck
from tests.kiosks.builders import make_kiosk
from tests.people.builders import make_user

SITE = "tianchen"


def _send(session: Session, kiosk_id: str, payload: dict) -> Hazard:
    item = intake.Incoming(topic=f"safety/{SITE}/kiosk/{kiosk_id}/report",
                           payload=json.dumps(payload, ensure_ascii=False).encode(), received_at=utc_now())
    [applied] = intake.apply_batch(session, [item], site=SITE, timezone="Asia/Shanghai")
    ack = KioskAck.model_validate_json(applied.outbox[0].payload)
    assert ack.outcome == "accepted", ack
    return session.exec(select(Hazard).where(Hazard.ref == ack.hazard_ref)).one()


def _report(**extra: object) -> dict:
    return {"schema": "kiosk-report/3", "report_id": str(uuid.uuid4()), "created_at": "2026-12-03T08:00:00+08:00",
            "description": "架空乘人装置托绳轮缺失：机尾第三组", **extra}


def _item(session: Session, category: str = "transport") -> int:
    admin = make_user(session, role=Role.admin)
    title = f"架空乘人装置托绳轮缺失{uuid.uuid4().hex[:6]}"
    return library.add_item(session, data=LibraryItemCreate(category_code=category, title=title, fix_days=2),
                            actor=admin, site=SITE).id


def test_the_chosen_match_is_kept_on_the_hazard_and_in_its_first_event(session: Session) -> None:
    kiosk, _ = make_kiosk(session)
    item_id = _item(session)
    hazard = _send(session, kiosk.kiosk_id, _report(category="transport", library_item=item_id))
    assert hazard.library_item_id == item_id
    event = session.exec(select(HazardEvent).where(HazardEvent.hazard_id == hazard.id)).one()
    assert event.action == "reported" and event.data["library_item"] == item_id


def test_the_match_gives_its_category_when_the_worker_chose_none(session: Session) -> None:
    kiosk, _ = make_kiosk(session)
    item_id = _item(session)
    hazard = _send(session, kiosk.kiosk_id, _report(library_item=item_id))
    transport = session.exec(select(Category.id).where(Category.code == "transport")).one()
    assert hazard.library_item_id == item_id and hazard.category_id == transport


def test_a_stale_match_is_dropped_and_the_report_still_taken(session: Session) -> None:
    kiosk, _ = make_kiosk(session)
    other_category, retired = _item(session), _item(session)
    library.update_item(session, item_id=retired, data=LibraryItemUpdate(active=False),
                        actor=make_user(session, role=Role.admin), site=SITE)
    missing = (session.exec(select(col(library.LibraryItem.id)).order_by(col(library.LibraryItem.id).desc())).first()
               or 0) + 1000
    for item_id, category in ((other_category, "roof"), (retired, "transport"), (missing, None)):
        hazard = _send(session, kiosk.kiosk_id, _report(category=category, library_item=item_id))
        assert hazard.library_item_id is None, item_id
        event = session.exec(select(HazardEvent).where(HazardEvent.hazard_id == hazard.id)).one()
        assert "library_item" not in event.data


def test_a_report_without_a_match_is_as_before(session: Session) -> None:
    kiosk, _ = make_kiosk(session)
    hazard = _send(session, kiosk.kiosk_id, _report(category="roof"))
    assert hazard.library_item_id is None
