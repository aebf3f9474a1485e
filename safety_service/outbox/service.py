"""Queue messages to kiosks in the caller's transaction; they are published after it commits."""

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import uuid4

from pydantic import BaseModel
from sqlmodel import Session, col, select

from safety_service.clock import utc_now
from safety_service.database import table_of
from safety_service.driver import insert_rows
from safety_service.outbox.models import OutboxMessage
from safety_service.protocol.topics import QOS, is_retained


@dataclass(frozen=True)
class Outgoing:
    """An outbox row made ahead of its insert, so a batch is written in one statement and published by key."""

    topic: str
    payload: str
    key: str = field(default_factory=lambda: uuid4().hex)
    qos: int = QOS
    retain: bool = False


def encode(payload: BaseModel) -> str:
    """The JSON a kiosk reads: field names as the schemas in ``schemas/`` spell them (``schema``, not ``schema_``)."""
    return payload.model_dump_json(by_alias=True)


def outgoing(topic: str, payload: BaseModel, *, qos: int = QOS) -> Outgoing:
    """A message for ``topic``, retained where the topic layout says so."""
    return Outgoing(topic=topic, payload=encode(payload), qos=qos, retain=is_retained(topic))


def enqueue(session: Session, topic: str, payload: BaseModel, *, now: datetime | None = None) -> OutboxMessage:
    """Queue one message in the session's transaction (flushed, so the row has its id)."""
    message = outgoing(topic, payload)
    row = OutboxMessage(key=message.key, topic=topic, payload=message.payload, qos=message.qos,
                        retain=message.retain, created_at=now or utc_now())
    session.add(row)
    session.flush()
    return row


_STORED = ("key", "topic", "payload", "qos", "retain", "created_at")


def store(session: Session, messages: list[Outgoing], *, at: datetime) -> None:
    """Queue many messages in one executemany on the driver, a plain tuple each (the MQTT intake's acks of a
    whole batch)."""
    insert_rows(session.connection(), table_of(OutboxMessage), _STORED,
                [(m.key, m.topic, m.payload, m.qos, m.retain, at) for m in messages])


def last_payload(session: Session, topic: str) -> dict[str, Any] | None:
    """The last message queued on ``topic`` (decoded), or None when none ever was: what a retained topic holds."""
    last = session.exec(select(OutboxMessage.payload).where(OutboxMessage.topic == topic)
                        .order_by(col(OutboxMessage.id).desc())).first()
    return json.loads(last) if last is not None else None


def ensure_retained(session: Session, topic: str, payload: BaseModel, *, content: str, now: datetime,
                    broker_empty: bool = False) -> OutboxMessage | None:
    """At start: queue ``payload`` on a retained topic when none was ever queued, the last one's ``content``
    field differs (a migration, a restore or a time window changed it) or the broker lost its retained messages
    (the embedded one keeps none across a restart); None when the kiosks have it already."""
    last = last_payload(session, topic)
    if not broker_empty and last is not None and last.get(content) == payload.model_dump(mode="json", by_alias=True)[content]:
        return None
    return enqueue(session, topic, payload, now=now)
