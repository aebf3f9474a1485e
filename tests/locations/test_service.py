"""Categories: adding one queues the kiosks' retained category list, and a start queues it only when it changed."""

import json
from pathlib import Path

from amqtt.contexts import Action
from jsonschema import Draft202012Validator, FormatChecker
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from safety_service.clock import utc_now
from safety_service.kiosks.service import broker_acl
from safety_service.locations import service as locations_service
from safety_service.locations.schemas import CategoryCreate
from safety_service.mqtt.broker import AccessPolicy
from safety_service.outbox.models import OutboxMessage

SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "schemas" / "categories.schema.json").read_text("utf-8"))
TOPIC = "safety/tianchen/categories"


def _category_rows(session: Session) -> list[OutboxMessage]:
    query = select(OutboxMessage).where(col(OutboxMessage.topic) == TOPIC).order_by(col(OutboxMessage.id))
    return list(session.exec(query).all())


def test_adding_a_category_queues_the_new_list_retained_and_schema_valid(session: Session) -> None:
    locations_service.add_category(session, data=CategoryCreate(code="heat", name_zh="热害", name_en="Heat"),
                                   site="tianchen", now=utc_now())
    [row] = _category_rows(session)
    payload = json.loads(row.payload)
    Draft202012Validator(SCHEMA, format_checker=FormatChecker()).validate(payload)
    assert row.retain and payload["schema"] == "categories/1" and payload["site"] == "tianchen"
    codes = [c["code"] for c in payload["categories"]]
    assert codes[:3] == ["roof", "rock_burst", "gas"] and codes[-1] == "heat" and "dust" in codes
    assert payload["categories"][-1]["name"] == {"zh": "热害", "en": "Heat"}


def test_a_start_queues_the_list_once_and_again_only_when_it_changed(session: Session) -> None:
    assert locations_service.ensure_categories_published(session, site="tianchen", now=utc_now()) is not None
    assert locations_service.ensure_categories_published(session, site="tianchen", now=utc_now()) is None
    category = locations_service.get_category(session, code="dust")
    category.active = False
    session.add(category)
    session.flush()
    assert locations_service.ensure_categories_published(session, site="tianchen", now=utc_now()) is not None
    rows = _category_rows(session)
    assert len(rows) == 2 and "dust" not in rows[-1].payload


def test_kiosks_may_read_the_category_list_and_not_write_it(engine: Engine) -> None:
    assert "pattern read safety/tianchen/categories" in broker_acl("tianchen", "safety-service").splitlines()
    embedded = AccessPolicy(engine=engine, site="tianchen", service_password="x")
    assert embedded.allows("PH-1", TOPIC, Action.SUBSCRIBE) and embedded.allows("PH-1", TOPIC, Action.RECEIVE)
    assert not embedded.allows("PH-1", TOPIC, Action.PUBLISH)
    assert not embedded.allows("PH-1", "safety/other/categories", Action.SUBSCRIBE)
