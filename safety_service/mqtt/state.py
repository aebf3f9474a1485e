"""What the MQTT intake knows of itself (``/readyz`` and ``/metrics`` read it), and the counts of
what waits in the database: the outbox and the dead letters."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from safety_service.mqtt.models import DeadLetter
from safety_service.outbox.models import OutboxMessage

# What an outbox row tells kiosks, by its topic (protocol.topics), tried in this order; anything else is "other".
OUTBOX_TOPICS = (("ack", "safety/%/kiosk/%/ack"), ("notice", "safety/%/kiosk/%/notice"),
                 ("bulletin", "safety/%/bulletin"), ("board", "safety/%/board/%"),
                 ("categories", "safety/%/categories"))
OUTBOX_KINDS = (*(kind for kind, _ in OUTBOX_TOPICS), "other")


@dataclass
class IntakeState:
    """The intake's connection and progress. The paho, writer and relay threads write single
    attributes; anyone may read them (each read is of one consistent value)."""

    connected: bool = False  # the broker accepted the CONNECT and the connection is up
    subscribed: bool = False  # the broker granted every subscription on this connection
    last_applied_at: datetime | None = None  # when a batch of kiosk messages last committed
    applied: int = 0  # kiosk messages this instance applied since it started
    dead_letters: int = 0  # dead letters waiting for an admin (every instance's; refreshed by the relay)
    connects: int = 0  # connections the broker accepted since start
    disconnects: int = 0  # connections lost or taken over since start
    last_disconnect_reason: str | None = None
    last_disconnect_at: datetime | None = None

    def last_applied_age(self, now: datetime) -> float | None:
        """Seconds since a kiosk message was last applied; None before the first."""
        return None if self.last_applied_at is None else max(0.0, (now - self.last_applied_at).total_seconds())


def count_dead_letters(engine: Engine) -> int:
    """Dead letters waiting to be applied again (a replayed letter is removed)."""
    with Session(engine) as session:
        return dead_letters(session)


def dead_letters(session: Session) -> int:
    """Dead letters waiting to be applied again, counted in the caller's session."""
    return session.exec(select(func.count()).select_from(DeadLetter)).one()


@dataclass(frozen=True)
class OutboxBacklog:
    """Outbox rows the broker has not taken yet, by kind, and the oldest one's creation time."""

    pending: dict[str, int]
    oldest: datetime | None


def outbox_backlog(session: Session) -> OutboxBacklog:
    """The unpublished rows (read through the pending index: normally none or a few)."""
    topic = col(OutboxMessage.topic)
    kind = case(*((topic.like(pattern), name) for name, pattern in OUTBOX_TOPICS), else_="other")
    waiting = col(OutboxMessage.published_at).is_(None)
    pending = dict.fromkeys(OUTBOX_KINDS, 0)
    for name, count in session.exec(select(kind, func.count()).where(waiting).group_by(kind)).all():
        pending[name] = count
    oldest = session.exec(select(func.min(OutboxMessage.created_at)).where(waiting)).one()
    return OutboxBacklog(pending=pending, oldest=oldest)
