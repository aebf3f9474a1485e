"""Notifications, written in the same transaction as the change they tell of.

``send`` is the one domain-level call: "tell these people about these events". It writes the console
inbox rows and, for hazard events, one delivery row per configured channel that takes the event (per
person for email), all in the caller's transaction; ``outbox.deliver_due`` sends them after commit.
A recipient's several events in one call make one inbox row and one message per channel (a digest).
"""

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select, update

from safety_service.clock import utc_now
from safety_service.database import saved_id
from safety_service.notifications.models import GROUP_KINDS, Channel, ChannelKind, Delivery, Notification, Preference
from safety_service.people.models import Role, User

URGENT_EVENTS = frozenset({"urgent", "urgent_unacknowledged"})
# Urgent events reach these roles whatever their own preferences say.
URGENT_LOCKED_ROLES = frozenset({Role.dispatcher, Role.chief})
DIGEST_KIND = "digest"
INBOX_ITEMS = 200  # a digest (inbox row or delivery) lists this many items; its counts cover them all


@dataclass(slots=True)
class Notice:
    """One event about one hazard (or none) as the recipients will read it. Not frozen: a sweep builds
    20,000 of them, and a frozen dataclass's ``__init__`` takes four times as long."""

    kind: str
    hazard_id: int | None = None
    ref: str | None = None
    area: str | None = None  # area code, for channels limited to areas
    grade: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    external: bool = True  # False: the console inbox only (counselling matters never leave it)

    @property
    def urgent(self) -> bool:
        return self.kind in URGENT_EVENTS

    def item(self) -> dict[str, Any]:
        return {"kind": self.kind, "ref": self.ref, **self.data}


def notify(session: Session, *, users: Iterable[User], hazard_id: int | None, kind: str,
           data: dict[str, Any] | None = None) -> list[Notification]:
    """One notification to each distinct user; about no hazard (counselling), the inbox only."""
    notice = Notice(kind=kind, hazard_id=hazard_id, ref=(data or {}).get("ref"), data=dict(data or {}),
                    external=hazard_id is not None)
    return send(session, [(user, [notice]) for user in _unique(users)])


Recipients = list[tuple[User, list[Notice]]]


def send(session: Session, notices: Recipients) -> list[Notification]:
    """Inbox rows and channel deliveries for each user's notices: one of each per user (and channel)."""
    muted = _muted(session, [u.id for u, _ in notices if u.id is not None])
    rows: list[Notification] = []
    for user, items in notices:
        inbox = _wanted(user, muted, "inbox", items)
        if inbox:
            rows.append(_inbox_row(user, inbox))
    session.add_all(rows)
    _enqueue(session, notices, muted)
    session.flush()
    return rows


def _unique(users: Iterable[User]) -> list[User]:
    return list({u.id: u for u in users if u.id is not None}.values())


def _inbox_row(user: User, notices: list[Notice]) -> Notification:
    if len(notices) == 1:
        only = notices[0]
        return Notification(user_id=saved_id(user), hazard_id=only.hazard_id, kind=only.kind, data=only.item())
    items = [n.item() for n in notices[:INBOX_ITEMS]]
    return Notification(user_id=saved_id(user), kind=DIGEST_KIND, data={"count": len(notices), "items": items})


def _muted(session: Session, user_ids: list[int]) -> set[tuple[int, str, str]]:
    if not user_ids:
        return set()
    query = select(Preference).where(col(Preference.user_id).in_(user_ids), col(Preference.enabled).is_(False))
    return {(p.user_id, p.channel, p.event) for p in session.exec(query).all()}


def _wanted(user: User, muted: set[tuple[int, str, str]], channel: str, items: list[Notice]) -> list[Notice]:
    """The notices the user has not turned off on this channel (all of them for most people)."""
    if not any(uid == user.id and kind == channel for uid, kind, _ in muted):
        return items
    return [n for n in items if _wants(user, muted, channel, n)]


def _wants(user: User, muted: set[tuple[int, str, str]], channel: str, notice: Notice) -> bool:
    if notice.urgent and user.role in URGENT_LOCKED_ROLES:
        return True
    return (user.id, channel, notice.kind) not in muted


def _takes(channel: Channel, notice: Notice) -> bool:
    """Whether the channel is configured for the notice's event, area and grade."""
    return (notice.external
            and (not channel.events or notice.kind in channel.events)
            and (not channel.areas or notice.area in channel.areas)
            and (not channel.grades or notice.grade is None or notice.grade in channel.grades))


def _enqueue(session: Session, notices: Recipients, muted: set[tuple[int, str, str]]) -> None:
    # The people of one role share one list of notices: each list is read once, not once per person.
    lists = list({id(items): items for _, items in notices}.values())
    if not any(n.external for items in lists for n in items):
        return
    now = utc_now()
    distinct = list({id(n): n for items in lists for n in items}.values())
    alike: dict[tuple[Any, ...], list[Notice]] = defaultdict(list)  # what a channel's rule reads, per notice
    for n in distinct:
        alike[n.kind, n.area, n.grade, n.external].append(n)
    for channel in session.exec(select(Channel).where(col(Channel.enabled))).all():
        groups = [group for group in alike.values() if _takes(channel, group[0])]
        if not groups:
            continue
        every = len(groups) == len(alike)
        taken = set() if every else {id(n) for group in groups for n in group}
        if channel.kind in GROUP_KINDS:
            _enqueue_group(session, channel, distinct if every else [n for n in distinct if id(n) in taken], now)
        elif channel.kind == ChannelKind.email:
            digests = _Digests()
            for user, items in notices:
                if user.email:
                    mine = _wanted(user, muted, "email", items if every else [n for n in items if id(n) in taken])
                    _add_deliveries(session, channel, mine, user_id=user.id, now=now, digests=digests)


def _enqueue_group(session: Session, channel: Channel, taken: list[Notice], now: datetime) -> None:
    """One delivery for the group: each event once, however many of its people it concerns."""
    seen: dict[tuple[str, int | None, str | None, str | None], Notice] = {}
    for notice in taken:  # a notice about no hazard may be about a unit (the ten-day summary)
        seen.setdefault((notice.kind, notice.hazard_id, notice.ref, notice.data.get("unit")), notice)
    _add_deliveries(session, channel, list(seen.values()), user_id=None, now=now, digests=_Digests())


@dataclass
class _Digest:
    source: list[Notice]  # held, so that no other list takes its id while the cache lives
    urgent: list[Notice]
    rest: list[Notice]
    data: dict[str, Any]


class _Digests(dict[int, _Digest]):
    """Each list of notices split and summed once, however many people share it."""

    def of(self, notices: list[Notice]) -> _Digest:
        if id(notices) not in self:
            urgent = [n for n in notices if n.kind in URGENT_EVENTS]
            rest = [n for n in notices if n.kind not in URGENT_EVENTS] if urgent else notices
            data = {"items": [n.item() for n in rest[:INBOX_ITEMS]], "count": len(rest),
                    "counts": dict(Counter(n.kind for n in rest))}
            self[id(notices)] = _Digest(notices, urgent, rest, data)
        return self[id(notices)]


def _add_deliveries(session: Session, channel: Channel, notices: list[Notice], *, user_id: int | None, now: datetime,
                    digests: _Digests) -> None:
    """Urgent notices one delivery each; the rest one digest delivery."""
    digest = digests.of(notices)
    for notice in digest.urgent:
        session.add(Delivery(channel_id=saved_id(channel), user_id=user_id, hazard_id=notice.hazard_id,
                             kind=notice.kind, urgent=True, data={"items": [notice.item()]}, created_at=now,
                             next_attempt_at=now))
    if rest := digest.rest:
        kind = rest[0].kind if len(rest) == 1 else DIGEST_KIND
        session.add(Delivery(channel_id=saved_id(channel), user_id=user_id,
                             hazard_id=rest[0].hazard_id if len(rest) == 1 else None, kind=kind, created_at=now,
                             next_attempt_at=now, data=digest.data))


def list_for_user(session: Session, *, user: User, unread_only: bool = False, limit: int = 50) -> list[Notification]:
    """The user's newest notifications."""
    query = select(Notification).where(Notification.user_id == user.id)
    if unread_only:
        query = query.where(col(Notification.read_at).is_(None))
    return list(session.exec(query.order_by(col(Notification.id).desc()).limit(limit)).all())


def unread_count(session: Session, *, user: User) -> int:
    """How many of the user's notifications are unread."""
    query = select(func.count()).select_from(Notification).where(
        Notification.user_id == user.id, col(Notification.read_at).is_(None))
    return int(session.exec(query).one())


def mark_read(session: Session, *, user: User, ids: list[int] | None) -> int:
    """Mark the user's own notifications read (all of them when ``ids`` is None); returns how many changed."""
    statement = update(Notification).where(col(Notification.user_id) == user.id, col(Notification.read_at).is_(None))
    if ids is not None:
        statement = statement.where(col(Notification.id).in_(ids))
    return session.exec(statement.values(read_at=utc_now())).rowcount
