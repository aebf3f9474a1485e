"""Delivering the notification outbox after commit: claim, send, record, retry with backoff.

Guarantees:

- A delivery row is written in the transaction of the change it tells of, so a rolled-back change
  sends nothing, and a sending fault never touches that change.
- No transaction is open while a channel is called. Due rows are claimed first (a lease in
  ``claimed_until``, committed), so two workers or instances never send the same row at once.
- Each send is recorded (``notify_attempt``) and its rows marked sent in one commit right after the
  answer, so a restart resends nothing already answered. A crash between a provider's answer and
  that commit (milliseconds) resends that one message when the lease expires: at least once. The
  generic webhook carries ``X-Safety-Delivery`` for its receiver to drop such a repeat.
- A failed send is retried after ``notify_retry_seconds`` × 2^(attempt-1) (capped at an hour), up
  to ``notify_max_attempts``; then the rows are ``failed``, visible in the console.
- One run sends at most one message per channel and recipient for the non-urgent rows due (a
  digest); urgent rows are sent first, each alone.
"""

import logging
import secrets
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select, update

from safety_service.clock import utc_now
from safety_service.config import Settings
from safety_service.database import saved_id, session_scope
from safety_service.notifications import channels, messages, sealing
from safety_service.notifications.models import Attempt, Channel, ChannelKind, Delivery
from safety_service.people.models import User

logger = logging.getLogger(__name__)
CLAIM_BATCH = 20_000
MAX_BACKOFF = timedelta(hours=1)
ITEMS_KEPT = 200  # a message lists at most this many items; its counts cover them all


@dataclass(frozen=True)
class Batch:
    """Rows sent as one message: one channel, one recipient (None: the channel's group)."""

    channel_id: int
    user_id: int | None
    ids: list[int]
    items: list[dict[str, Any]]
    urgent: bool
    kind: str
    counts: dict[str, int]


def deliver_due(engine: Engine, *, settings: Settings, now: datetime | None = None,
                stop: threading.Event | None = None) -> int:
    """Send what is due now; returns how many messages went out."""
    now = now or utc_now()
    claim = secrets.token_hex(8)
    batches = _claim(engine, now=now, claim=claim, lease=timedelta(seconds=settings.notify_lease_seconds))
    sent = 0
    for index, batch in enumerate(batches):
        if stop is not None and stop.is_set():
            _release(engine, [i for b in batches[index:] for i in b.ids], claim)
            break
        sent += _deliver(engine, batch, settings=settings, now=now, claim=claim)
    return sent


def _claim(engine: Engine, *, now: datetime, claim: str, lease: timedelta) -> list[Batch]:
    with session_scope(engine) as session:
        due = (select(Delivery.id).where(Delivery.state == "pending", col(Delivery.next_attempt_at) <= now,
                                         or_(col(Delivery.claimed_until).is_(None), col(Delivery.claimed_until) < now))
               .order_by(col(Delivery.urgent).desc(), col(Delivery.id)).limit(CLAIM_BATCH))
        ids = list(session.exec(due).all())
        if not ids:
            return []
        session.exec(update(Delivery).where(col(Delivery.id).in_(ids), or_(
            col(Delivery.claimed_until).is_(None), col(Delivery.claimed_until) < now))
            .values(claimed_until=now + lease, claim=claim))
        session.commit()
        rows = session.exec(select(Delivery).where(Delivery.claim == claim, Delivery.state == "pending")
                            .order_by(col(Delivery.urgent).desc(), col(Delivery.id))).all()
        return _batches(list(rows))


def _batches(rows: list[Delivery]) -> list[Batch]:
    urgent = [Batch(r.channel_id, r.user_id, [saved_id(r)], list((r.data or {}).get("items", [])), True, r.kind,
                    _counts(r)) for r in rows if r.urgent]
    grouped: dict[tuple[int, int | None], list[Delivery]] = defaultdict(list)
    for row in rows:
        if not row.urgent:
            grouped[(row.channel_id, row.user_id)].append(row)
    digests = [Batch(channel_id, user_id, [saved_id(r) for r in group],
                     [item for r in group for item in (r.data or {}).get("items", [])][:ITEMS_KEPT], False,
                     group[0].kind if len(group) == 1 else "digest", sum((_counts(r) for r in group), Counter[str]()))
               for (channel_id, user_id), group in grouped.items()]
    return urgent + digests


def _counts(row: Delivery) -> Counter[str]:
    """How many notifications of each kind the row carries (its items may be fewer)."""
    data = row.data or {}
    return Counter(data.get("counts") or {str(i.get("kind")): 1 for i in data.get("items", [])})


def _release(engine: Engine, ids: list[int], claim: str) -> None:
    with session_scope(engine) as session:
        session.exec(update(Delivery).where(col(Delivery.id).in_(ids), col(Delivery.claim) == claim)
                     .values(claimed_until=None, claim=None))
        session.commit()


def _deliver(engine: Engine, batch: Batch, *, settings: Settings, now: datetime, claim: str) -> int:
    with session_scope(engine) as session:
        channel = session.get(Channel, batch.channel_id)
        user = session.get(User, batch.user_id) if batch.user_id is not None else None
        session.expunge_all()
    message = messages.render(batch.items, kind=batch.kind, urgent=batch.urgent, base_url=settings.base_url,
                              counts=batch.counts)
    if channel is None or not channel.enabled:
        outcome = channels.Outcome(False, None, "channel removed or disabled")
    else:
        outcome = send(channel, message, settings=settings, to=user.email if user else None,
                       delivery=f"{batch.ids[0]}-{len(batch.ids)}")
    _record(engine, batch, outcome, settings=settings, now=now, claim=claim,
            final=channel is None or not channel.enabled)
    return 1 if outcome.ok else 0


def send(channel: Channel, message: channels.Message, *, settings: Settings, to: str | None,
         delivery: str) -> channels.Outcome:
    """Send one message over the channel now (no database work); a fault is a failed outcome."""
    try:
        target = sealing.unseal(settings.data_dir, channel.target)
        secret = sealing.unseal(settings.data_dir, channel.secret) if channel.secret else None
    except sealing.SealBroken as exc:
        return channels.Outcome(False, None, str(exc))
    timeout = settings.notify_timeout_seconds
    if channel.kind == ChannelKind.email:
        if not to:
            return channels.Outcome(False, None, "the recipient has no email address")
        return channels.send_email(channels.smtp_target(target), to=to, message=message, timeout=timeout)
    now = time.time()
    request = {
        ChannelKind.wecom: lambda: channels.wecom_request(target, message),
        ChannelKind.dingtalk: lambda: channels.dingtalk_request(target, message, secret, now_ms=int(now * 1000)),
        ChannelKind.feishu: lambda: channels.feishu_request(target, message, secret, now_s=int(now)),
        ChannelKind.webhook: lambda: channels.webhook_request(target, message, secret, now_s=int(now),
                                                              delivery=delivery),
    }[ChannelKind(channel.kind)]()
    return channels.post(request, kind=ChannelKind(channel.kind), timeout=timeout)


def _record(engine: Engine, batch: Batch, outcome: channels.Outcome, *, settings: Settings, now: datetime,
            claim: str, final: bool) -> None:
    with session_scope(engine) as session:
        attempt = Attempt(channel_id=batch.channel_id, at=utc_now(), deliveries=len(batch.ids), ok=outcome.ok,
                          status=outcome.status, detail=outcome.detail[:500] or None)
        session.add(attempt)
        session.flush()
        rows = session.exec(select(Delivery).where(col(Delivery.id).in_(batch.ids), Delivery.claim == claim)).all()
        for row in rows:
            _after(row, outcome, attempt_id=attempt.id, settings=settings, now=now, final=final)
        session.add_all(rows)
        session.commit()
    log = logger.info if outcome.ok else logger.warning
    log("notification sent" if outcome.ok else "notification not delivered",
        extra={"channel": batch.channel_id, "rows": len(batch.ids), "status": outcome.status,
               "detail": outcome.detail})


def _after(row: Delivery, outcome: channels.Outcome, *, attempt_id: int | None, settings: Settings,
           now: datetime, final: bool) -> None:
    row.attempts += 1
    row.attempt_id, row.claim, row.claimed_until = attempt_id, None, None
    if outcome.ok:
        row.state, row.sent_at = "sent", utc_now()
    elif final or row.attempts >= settings.notify_max_attempts:
        row.state = "failed"
    else:
        backoff = timedelta(seconds=settings.notify_retry_seconds * 2 ** (row.attempts - 1))
        row.next_attempt_at = now + min(backoff, MAX_BACKOFF)


def recent_attempts(session: Session, *, channel_id: int, limit: int = 20) -> list[Attempt]:
    """The channel's newest sends and their outcomes."""
    query = select(Attempt).where(Attempt.channel_id == channel_id).order_by(col(Attempt.id).desc()).limit(limit)
    return list(session.exec(query).all())
