"""The deadline jobs: a warning before a fix deadline, then the escalation ladder after it, per grade.

Each step is due at a fixed time relative to the deadline, so the outcome does not depend on how
often the jobs run; the stored ``warned_at`` and ``escalation_level`` make every step happen once.
A run tells each person about all its steps in one notification (a digest), not one per hazard, and
each kiosk of an escalated hazard's area about them in one notice (``feedback.area``, a connected reaction).
"""

import json
import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Row, Select, func, update
from sqlalchemy import select as select_columns
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.orm.util import identity_key
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from safety_service.clock import as_utc
from safety_service.config import Settings
from safety_service.database import known, saved_id, table_of
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
OWNER = Role.owner  # fetched once: looking an enum member up costs a microsecond, 20,000 times a sweep
EVENT_COLUMNS = ("hazard_id", "at", "action", "data")  # what a step's or a warning's event row says, in order
# An event row in the order of EVENT_COLUMNS: the step's data is JSON text already, a warning's a dict.
EventRow = tuple[int, datetime, str, str | dict[str, str]]
# The columns of an overdue hazard the sweep reads, in the order ``_take`` unpacks them.
Due = tuple[int | None, str, datetime | None, Grade | None, int, int | None, int, str]
WARNING_ACTION = "deadline_warning"  # a warning's event, written in bulk too
ESCALATED_ACTION = "escalated"  # a step's event, written in bulk (its kind named here for the timeline's messages)


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
        self._names_json: dict[int | None, str] = {}
        self.names_json: dict[Role, str] = {}  # who holds the role, as an event records them
        self.shared: dict[Role, list[Notice]] = defaultdict(list)  # for every active holder of the role
        self.places: dict[int, tuple[str, str | None]] = {}
        self.escalated: list[effects.Escalated] = []  # for the kiosks of each hazard's area

    def role(self, role: Role) -> list[User]:
        if role not in self._roles:
            self._roles[role] = people_service.active_users_with_roles(self.session, roles=[role])
            self.names_json[role] = json.dumps(sorted(u.username for u in self._roles[role]))
        return self._roles[role]

    def add_role(self, role: Role, item: Notice) -> None:
        self.role(role)
        self.shared[role].append(item)

    def user(self, user_id: int | None) -> list[User]:
        if user_id not in self._users:  # one owner has many hazards: look each up once a run
            self._users[user_id] = self.session.get(User, user_id) if user_id is not None else None
        user = self._users[user_id]
        return [user] if user is not None and user.is_active else []

    def user_json(self, user_id: int | None) -> str:
        """The user's name as the list of people an event records (none: inactive or unknown), as JSON."""
        if user_id not in self._names_json:
            self._names_json[user_id] = json.dumps([u.username for u in self.user(user_id)])
        return self._names_json[user_id]

    def add(self, users: list[User], item: Notice) -> None:
        for user in users:
            user_id = saved_id(user)
            self.people[user_id] = user
            self.notices[user_id].append(item)

    def send(self) -> None:
        for role, items in self.shared.items():
            for user in self._roles[role]:
                user_id = saved_id(user)
                self.people[user_id] = user
                self.notices[user_id] = self.notices[user_id] + items if user_id in self.notices else items
        if self.notices:
            notifications_service.send(self.session, [(self.people[uid], items) for uid, items in self.notices.items()])


def _open_with_deadline(after_id: int) -> SelectOfScalar[Hazard]:
    return (select(Hazard).where(col(Hazard.is_open), col(Hazard.deadline).is_not(None), col(Hazard.id) > after_id)
            .order_by(col(Hazard.id)).limit(BATCH))


def warn_before_deadline(session: Session, *, now: datetime, settings: Settings) -> int:
    """Warn the owner and the assigning officer once when a deadline comes within its grade's lead; a batch's
    warnings are written together (their events in one executemany, the hazards in one flush)."""
    out, warned, last = _Outbox(session), 0, 0
    while hazards := list(session.exec(_open_with_deadline(last).where(
            col(Hazard.warned_at).is_(None), col(Hazard.deadline) > now)).all()):
        last = saved_id(hazards[-1])
        events: list[EventRow] = []
        for hazard in hazards:
            lead, deadline = warning_lead(settings, hazard.grade), as_utc(known(hazard.deadline))
            if lead and now >= deadline - lead:
                hazard.warned_at = now
                events.append((saved_id(hazard), now, WARNING_ACTION, {"deadline": deadline.isoformat()}))
                item = notice(session, hazard, "deadline_warning", out.places)
                out.add(out.user(hazard.owner_id) + out.user(hazard.assigned_by_id), item)
        session.flush()
        hazard_events.append_many(session.connection(), EVENT_COLUMNS, events)
        warned += len(events)
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
        events: list[EventRow] = []
        levels: dict[tuple[int, int], list[int]] = defaultdict(list)  # hazard ids per (level read, level reached)
        for row in rows:
            late = now - known(row.deadline)  # aware UTC, as the column type reads it
            steps = [s for s in ladders[row.grade][row.escalation_level:] if late >= s.after]
            if steps:
                events += _take(out, row, steps, now=now)
                levels[row.escalation_level, steps[-1].level].append(row.id)
        _apply(session, events, levels)
        taken += len(events)
    out.send()
    effects.reactions().escalated(session, out.escalated, now=now)
    if taken:
        logger.info("hazards escalated", extra={"steps": taken})
    return taken


def _overdue_batch(after_id: int, now: datetime) -> Select[*Due]:
    # ``_take`` unpacks the rows in this order (``Due``).
    columns = select_columns(col(Hazard.id), col(Hazard.ref), col(Hazard.deadline), col(Hazard.grade),
                             col(Hazard.escalation_level), col(Hazard.owner_id), col(Hazard.location_id),
                             col(Hazard.description))
    return (columns.where(overdue_rule.condition(now), col(Hazard.escalation_level) < 3, col(Hazard.id) > after_id)
            .order_by(col(Hazard.id)).limit(BATCH))


def _apply(session: Session, events: list[EventRow], levels: dict[tuple[int, int], list[int]]) -> None:
    """The new levels, one statement per (level read, level reached), then the steps' events."""
    if not levels:
        return
    table, changed, expected = table_of(Hazard), 0, 0
    for (old, new), ids in levels.items():
        statement = (update(table).where(table.c.id.in_(ids), table.c.escalation_level == old)
                     .values(escalation_level=new, version=table.c.version + 1,
                             overdue_since=func.coalesce(table.c.overdue_since, table.c.deadline)))
        changed += session.exec(statement).rowcount
        expected += len(ids)
    if changed != expected:
        raise StaleDataError(f"{expected - changed} hazards were escalated by another run meanwhile")
    hazard_events.append_many(session.connection(), EVENT_COLUMNS, events, json_text=("data",))
    for ids in levels.values():  # hazards the session holds reload what the statement changed (version included)
        for hazard_id in ids:
            loaded = session.identity_map.get(identity_key(Hazard, hazard_id))
            if loaded is not None:
                session.expire(loaded)


def _take(out: _Outbox, row: Row[*Due], steps: list[Step], *, now: datetime) -> list[EventRow]:
    """The notices and event rows of one hazard's steps; the kiosks of its area hear of the highest."""
    row_id, ref, deadline, grade, _, owner_id, location_id, description = row
    hazard_id, at = known(row_id), known(deadline).isoformat()  # the query's key, and its filter's column
    events: list[EventRow] = []
    for step in steps:
        item = notice_of(out.session, kind="overdue", hazard_id=hazard_id, ref=ref, location_id=location_id,
                         grade=grade, description=description, places=out.places)
        item.data["level"] = step.level
        if step.role is OWNER:
            owner = out.user(owner_id)
            out.add(owner, item)
            notified = out.user_json(owner_id)
        else:
            out.add_role(step.role, item)
            notified = out.names_json[step.role]
        events.append((hazard_id, now, ESCALATED_ACTION, _event_data(step, deadline=at, notified=notified)))
    out.escalated.append(effects.Escalated(hazard_id=hazard_id, ref=ref, location_id=location_id,
                                          level=steps[-1].level, description=description))
    return events


def _event_data(step: Step, *, deadline: str, notified: str) -> str:
    """A step's event data as JSON text: its level, the role it went to, the deadline (ISO text needs no
    escaping) and who was notified (a list encoded once per run, not once per hazard)."""
    return f'{{"level": {step.level}, "to": "{step.role!s}", "deadline": "{deadline}", "notified": {notified}}}'
