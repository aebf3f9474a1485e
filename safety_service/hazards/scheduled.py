"""The deadline jobs: a warning before a fix deadline, then the escalation ladder after it, per grade.

Each step is due at a fixed time relative to the deadline, so the outcome does not depend on how
often the jobs run; the stored ``warned_at`` and ``escalation_level`` make every step happen once.
A run tells each person about all its steps in one notification (a digest), not one per hazard, and
each kiosk of an escalated hazard's area about them in one notice (``feedback.area``, a connected reaction).
"""

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, func, update
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.orm.util import identity_key
from sqlmodel import Session, col, select

from safety_service.clock import as_utc
from safety_service.config import Settings
from safety_service.hazards import effects
from safety_service.hazards import events as hazard_events
from safety_service.hazards import overdue as overdue_rule
from safety_service.hazards.models import Hazard
from safety_service.hazards.states import Grade
from safety_service.hazards.urgent import notice, notice_of
from safety_service.notifications import service as notifications_service
from safety_service.notifications.service import Notice
from safety_service.people import service as people_service
from safety_service.people.models import Role, User

logger = logging.getLogger(__name__)
BATCH = 2000
EVENT_COLUMNS = ("hazard_id", "at", "action", "data")  # what a step's event row says, in order


@dataclass(frozen=True)
class Step:
    level: int
    role: Role
    after: timedelta


def ladder(settings: Settings, grade: str | None = None) -> tuple[Step, ...]:
    """The escalation ladder of a grade: owner at the deadline, then officer, then chief (hours for major)."""
    if grade == Grade.major:
        officer, chief = settings.escalate_major_officer_after_hours, settings.escalate_major_chief_after_hours
    else:
        officer, chief = settings.escalate_officer_after_hours, settings.escalate_chief_after_hours
    return (Step(1, Role.owner, timedelta(0)), Step(2, Role.officer, timedelta(hours=officer)),
            Step(3, Role.chief, timedelta(hours=chief)))


def warning_lead(settings: Settings, grade: str | None) -> timedelta:
    """How long before the deadline the warning goes out (zero: no warning)."""
    hours = settings.warn_major_before_hours if grade == Grade.major else settings.warn_general_before_hours
    return timedelta(hours=hours)


class _Outbox:
    """The notices of one run, per person, sent together at the end."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.people: dict[int, User] = {}
        self.notices: dict[int, list[Notice]] = defaultdict(list)
        self._roles: dict[Role, list[User]] = {}
        self._users: dict[int | None, User | None] = {}
        self.names: dict[Role, list[str]] = {}
        self.shared: dict[Role, list[Notice]] = defaultdict(list)  # for every active holder of the role
        self.places: dict[int, tuple[str, str | None]] = {}
        self.escalated: list[effects.Escalated] = []  # for the kiosks of each hazard's area

    def role(self, role: Role) -> list[User]:
        if role not in self._roles:
            self._roles[role] = people_service.active_users_with_roles(self.session, roles=[role])
            self.names[role] = sorted(u.username for u in self._roles[role])
        return self._roles[role]

    def add_role(self, role: Role, item: Notice) -> None:
        self.role(role)
        self.shared[role].append(item)

    def user(self, user_id: int | None) -> list[User]:
        if user_id not in self._users:  # one owner has many hazards: look each up once a run
            self._users[user_id] = self.session.get(User, user_id) if user_id is not None else None
        user = self._users[user_id]
        return [user] if user is not None and user.is_active else []

    def add(self, users: list[User], item: Notice) -> None:
        for user in users:
            self.people[user.id] = user
            self.notices[user.id].append(item)

    def send(self) -> None:
        for role, items in self.shared.items():
            for user in self._roles[role]:
                self.people[user.id] = user
                self.notices[user.id] = self.notices[user.id] + items if user.id in self.notices else items
        if self.notices:
            notifications_service.send(self.session, [(self.people[uid], items) for uid, items in self.notices.items()])


def _open_with_deadline(session: Session, after_id: int):
    return (select(Hazard).where(col(Hazard.is_open), col(Hazard.deadline).is_not(None), col(Hazard.id) > after_id)
            .order_by(col(Hazard.id)).limit(BATCH))


def warn_before_deadline(session: Session, *, now: datetime, settings: Settings) -> int:
    """Warn the owner and the assigning officer once when a deadline comes within its grade's lead."""
    out, warned, last = _Outbox(session), 0, 0
    while hazards := list(session.exec(_open_with_deadline(session, last).where(
            col(Hazard.warned_at).is_(None), col(Hazard.deadline) > now)).all()):
        last = hazards[-1].id
        for hazard in hazards:
            lead = warning_lead(settings, hazard.grade)
            if lead and now >= as_utc(hazard.deadline) - lead:
                hazard.warned_at = now
                hazard_events.append_event(session, hazard, action="deadline_warning", actor=None, now=now,
                                           data={"deadline": as_utc(hazard.deadline).isoformat()})
                item = notice(session, hazard, "deadline_warning", out.places)
                out.add(out.user(hazard.owner_id) + out.user(hazard.assigned_by_id), item)
                warned += 1
        session.flush()
    out.send()
    return warned


def escalate_overdue(session: Session, *, now: datetime, settings: Settings) -> int:
    """Take every step now due for open hazards past their deadline; returns the steps taken.

    Core statements, a batch at a time: the steps' events in one executemany, the levels in another
    whose guard (the level read) makes a concurrent run's overlap fail the whole run, not repeat a step.
    """
    out, taken, last = _Outbox(session), 0, 0
    ladders = {grade: ladder(settings, grade) for grade in (None, *Grade)}  # not rebuilt per hazard
    while rows := session.execute(_overdue_batch(last, now)).all():
        last = rows[-1].id
        events, levels = [], []
        for row in rows:
            steps = [s for s in ladders[row.grade][row.escalation_level:] if now >= as_utc(row.deadline) + s.after]
            for step in steps:
                events.append(_take(out, row, step, now=now))
            if steps:
                levels.append({"b_id": row.id, "b_old": row.escalation_level, "b_new": steps[-1].level})
        _apply(session, events, levels)
        taken += len(events)
    out.send()
    effects.reactions().escalated(session, out.escalated, now=now)
    if taken:
        logger.info("hazards escalated", extra={"steps": taken})
    return taken


def _overdue_batch(after_id: int, now: datetime):
    columns = (Hazard.id, Hazard.ref, Hazard.deadline, Hazard.grade, Hazard.escalation_level, Hazard.owner_id,
               Hazard.location_id, Hazard.description)
    return (select(*columns).where(overdue_rule.condition(now), col(Hazard.escalation_level) < 3,
                                   col(Hazard.id) > after_id).order_by(col(Hazard.id)).limit(BATCH))


def _apply(session: Session, events: list[tuple], levels: list[dict]) -> None:
    if not levels:
        return
    table = Hazard.__table__
    statement = (update(table).where(table.c.id == bindparam("b_id"), table.c.escalation_level == bindparam("b_old"))
                 .values(escalation_level=bindparam("b_new"), version=table.c.version + 1,
                         overdue_since=func.coalesce(table.c.overdue_since, table.c.deadline)))
    changed = session.execute(statement, levels).rowcount
    if changed != len(levels):
        raise StaleDataError(f"{len(levels) - changed} hazards were escalated by another run meanwhile")
    hazard_events.append_many(session.connection(), EVENT_COLUMNS, events)
    for level in levels:  # hazards the session holds reload what the statement changed (version included)
        loaded = session.identity_map.get(identity_key(Hazard, level["b_id"]))
        if loaded is not None:
            session.expire(loaded)


def _take(out: _Outbox, row, step: Step, *, now: datetime) -> tuple:
    item = notice_of(out.session, kind="overdue", hazard_id=row.id, ref=row.ref, location_id=row.location_id,
                     grade=row.grade, description=row.description, places=out.places)
    item.data["level"] = step.level
    out.escalated.append(effects.Escalated(hazard_id=row.id, ref=row.ref, location_id=row.location_id,
                                          level=step.level, description=row.description))
    if step.role == Role.owner:
        owner = out.user(row.owner_id)
        out.add(owner, item)
        notified = [u.username for u in owner]
    else:
        out.add_role(step.role, item)
        notified = out.names[step.role]
    return _event_row(hazard_id=row.id, at=now, action="escalated", data={
        "level": step.level, "to": str(step.role), "deadline": as_utc(row.deadline).isoformat(), "notified": notified})


def _event_row(*, hazard_id: int, at: datetime, action: str, data: dict) -> tuple:
    """A step's event as the plain row ``insert_rows`` takes (the order of EVENT_COLUMNS)."""
    return hazard_id, at, action, data
