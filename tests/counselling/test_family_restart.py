"""Family messages (亲情寄语) and the areas' boards survive a restart of the service with its embedded broker,
which keeps no retained message: at start the service queues them again, and a kiosk connecting afterwards gets
them."""

import uuid
from pathlib import Path

from fastapi.testclient import TestClient as WebClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select, update

from devices.kiosk.client import KioskClient, KioskConfig
from safety_service.clock import utc_now
from safety_service.config import Settings
from safety_service.counselling import cosupervision, family, messages
from safety_service.counselling.cosupervision_schemas import FamilyLinkCreate, FamilyMessageCreate
from safety_service.counselling.states import CaseState
from safety_service.database import session_scope
from safety_service.locations import service as locations_service
from safety_service.locations.schemas import AreaCreate
from safety_service.main import create_app
from safety_service.mqtt import runtime
from safety_service.outbox.models import OutboxMessage
from safety_service.people.models import Role
from safety_service.protocol.topics import (
    awards_topic,
    board_topic,
    bulletin_topic,
    categories_topic,
    family_messages_topic,
    hazard_library_topic,
)
from tests.conftest import make_settings
from tests.counselling.builders import make_case
from tests.kiosks.builders import make_kiosk
from tests.mqtt.clients import wait_until
from tests.mqtt.mosquitto import free_port
from tests.people.builders import make_user


def _shown_message(session: Session, settings: Settings, site: str, text: str) -> None:
    """A family's consented message a counsellor let show on the site's kiosks."""
    counsellor = make_user(session, role=Role.counsellor)
    case = make_case(session, state=CaseState.counselling, counsellor=counsellor)
    contact = family.list_contacts(session, person_id=case.person_id)[0]
    link = cosupervision.issue(session, case=case, actor=counsellor, settings=settings,
                               data=FamilyLinkCreate(family_contact_id=contact.id))
    message = messages.leave(session, link=link, photo=None,
                             data=FamilyMessageCreate(text=text, signature="妻子", kiosk_consent=True))
    messages.review(session, case=case, message_id=message.id, show=True, actor=counsellor, site=site)


def _areas(session: Session, site: str, *codes: str) -> None:
    """Areas of the site, each with its board."""
    row = locations_service.ensure_site(session, code=site, name_zh="田陈煤矿")
    for code in codes:
        locations_service.add_area(session, site=row, data=AreaCreate(code=code, name_zh=f"采区{code}"))


def _published_long_ago(engine: Engine, site: str) -> None:
    """Every row of the site marked as taken by a broker of an earlier run (which has since lost them)."""
    with session_scope(engine) as session:
        session.exec(update(OutboxMessage).where(col(OutboxMessage.topic).startswith(f"safety/{site}/"))
                     .values(published_at=utc_now()))


def test_a_kiosk_gets_the_family_messages_after_a_restart_with_an_empty_broker(engine: Engine, settings: Settings,
                                                                               tmp_path: Path) -> None:
    site, text = f"f{uuid.uuid4().hex[:8]}", f"平安回家 {uuid.uuid4().hex[:6]}"
    with session_scope(engine) as session:
        kiosk, credentials = make_kiosk(session, site=site)
        _shown_message(session, settings, site, text)
        _areas(session, site, "N1")
    _published_long_ago(engine, site)
    app_settings = make_settings(settings.database_url, site=site, mqtt_enabled=True, mqtt_url="embedded",
                                 mqtt_embedded_port=free_port())
    with WebClient(create_app(app_settings, engine, run_scheduler=False)) as web:
        assert web.get("/healthz").status_code == 200
        config = KioskConfig(broker_url=f"mqtt://127.0.0.1:{app_settings.mqtt_embedded_port}", site=site,
                             kiosk_id=kiosk.kiosk_id, outbox_path=tmp_path / "kiosk.db", protocol="3.1.1",
                             username=credentials.username, password=credentials.password, resend_interval=2)
        with KioskClient(config) as client:
            assert wait_until(lambda: text in [m["text"] for m in client.family_messages()], timeout=20)
            assert wait_until(lambda: "N1" in client.boards, timeout=20)


def test_an_empty_broker_gets_every_retained_set_again_and_a_kept_one_only_what_changed(
        engine: Engine, settings: Settings) -> None:
    site = f"g{uuid.uuid4().hex[:8]}"
    with session_scope(engine) as session:
        _shown_message(session, settings, site, "早点回家")
        _areas(session, site, "E1", "W2")
    _published_long_ago(engine, site)

    def queued() -> list[str]:
        with Session(engine) as session:
            return list(session.exec(select(OutboxMessage.topic).where(
                col(OutboxMessage.topic).startswith(f"safety/{site}/"),
                col(OutboxMessage.published_at).is_(None))).all())

    start = make_settings(settings.database_url, site=site)
    runtime.publish_retained(start, engine, broker_empty=False)  # Mosquitto kept them: only the sets never
    never = [categories_topic(site), hazard_library_topic(site), awards_topic(site)]  # queued for this site before
    assert sorted(queued()) == sorted(never)
    _published_long_ago(engine, site)
    runtime.publish_retained(start, engine, broker_empty=False)
    assert queued() == []
    runtime.publish_retained(start, engine, broker_empty=True)
    boards = [board_topic(site, "E1"), board_topic(site, "W2")]
    assert sorted(queued()) == sorted([*never, family_messages_topic(site), bulletin_topic(site), *boards])
