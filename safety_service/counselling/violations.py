"""Violations (三违): recording them, and who may see which."""

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, cast

from sqlmodel import Session, col, func, select
from sqlmodel.sql.expression import Select

from safety_service.clock import utc_now
from safety_service.config import Settings
from safety_service.counselling import items
from safety_service.counselling import service as cases
from safety_service.counselling.models import Violation, ViolationItem
from safety_service.counselling.states import (
    REPEAT_WINDOW_DAYS,
    VIOLATION_READERS,
    VIOLATION_RECORDERS,
    ViolationKind,
    ViolationSeverity,
)
from safety_service.counselling.violation_schemas import (
    MeasurePublic,
    ViolationCreate,
    ViolationPublic,
    ViolationsPublic,
)
from safety_service.database import saved_id, table_of
from safety_service.errors import DomainError, InvalidInput, NotFound, PermissionDenied
from safety_service.hazards.models import Hazard
from safety_service.locations import service as locations_service
from safety_service.locations.models import Location
from safety_service.people import service as people_service
from safety_service.people.models import Person, Role, User
from safety_service.validation import broken_rules

logger = logging.getLogger(__name__)
# Clocks of phones and office PCs drift; a violation a few minutes "in the future" is still real.
CLOCK_SKEW = timedelta(minutes=10)


def record_violation(session: Session, *, data: ViolationCreate, actor: User, settings: Settings,
                     now: datetime | None = None) -> Violation:
    """Record a violation and tie it to the worker's case (opening one when SAFETY_COUNSELLING_AUTO_OPEN)."""
    if actor.role not in VIOLATION_RECORDERS:
        raise PermissionDenied(f"role '{actor.role}' may not record violations")
    now = now or utc_now()
    item = items.item_for(session, item_id=data.item_id, kind=data.kind)
    person_id, occurred_at = saved_id(_worker(session, data.employee_no)), _when(data.occurred_at, now)
    violation = Violation(
        person_id=person_id, kind=data.kind, occurred_at=occurred_at,
        location_id=_location_id(session, data.location_code),
        description=data.description, hazard_id=_hazard_id(session, data.hazard_ref), recorded_by_id=saved_id(actor),
        recorded_at=now, item_id=item.id if item else None,
        severity=data.severity or (item.severity if item else ViolationSeverity.general),
        repeat=_is_repeat(session, person_id=person_id, occurred_at=occurred_at),
    )
    session.add(violation)
    session.flush()
    measures = data.measures if data.measures is not None else items.default_measures(item)
    items.add_measures(session, violation_id=saved_id(violation), measures=measures)
    cases.on_violation(session, violation=violation, actor=actor, now=now, settings=settings)
    logger.info("violation recorded", extra={"violation_id": violation.id, "kind": str(data.kind),
                                             "by": actor.username})
    return violation


def input_problems(session: Session, *, values: dict[str, Any], now: datetime) -> list[DomainError]:
    """Every rule of a violation's input the given values break, each checked alone whatever the others
    are (an unknown worker, location or hazard, a time ahead of now), so a form names them all at once."""
    return broken_rules({"employee_no": lambda no: _worker(session, no),
                         "location_code": lambda code: _location_id(session, code),
                         "hazard_ref": lambda ref: _hazard_id(session, ref),
                         "occurred_at": lambda moment: _when(moment, now)}, values)


def _is_repeat(session: Session, *, person_id: int, occurred_at: datetime) -> bool:
    """A violation within REPEAT_WINDOW_DAYS after the worker's previous one (不规范行为 do not count)."""
    since = occurred_at - timedelta(days=REPEAT_WINDOW_DAYS)
    query = select(Violation.id).where(Violation.person_id == person_id, Violation.occurred_at >= since,
                                       Violation.occurred_at <= occurred_at,
                                       Violation.severity != ViolationSeverity.irregular)
    return session.exec(query).first() is not None


def _worker(session: Session, employee_no: str) -> Person:
    person = people_service.get_person(session, employee_no=employee_no.strip())
    if person is None:
        raise InvalidInput(f"no worker with employee number {employee_no!r}", field="employee_no")
    return person


def _location_id(session: Session, code: str) -> int:
    try:
        return saved_id(locations_service.get_location(session, code=code, field="location_code"))
    except NotFound as exc:
        raise InvalidInput(exc.message, field="location_code") from exc


def _when(occurred_at: datetime, now: datetime) -> datetime:
    if occurred_at > now + CLOCK_SKEW:
        raise InvalidInput("a violation cannot be recorded before it happened", field="occurred_at")
    return occurred_at


def _hazard_id(session: Session, ref: str | None) -> int | None:
    if not ref:
        return None
    hazard_id = session.exec(select(Hazard.id).where(Hazard.ref == ref.strip())).first()
    if hazard_id is None:
        raise InvalidInput(f"no hazard {ref!r}", field="hazard_ref")
    return hazard_id


# A violation with its worker, place (code, name), hazard reference, recorder's username and standard-list entry.
Row = tuple[Violation, Person, str, str, str | None, str, str | None]
Rows = Select[Violation, Person, str, str, str | None, str, str | None]


def _rows(user: User) -> Rows:
    """Officers, the chief, counsellors and admins see every violation; a supervisor those they recorded."""
    Recorder = table_of(User).alias("recorder")
    # select() is typed for up to four columns; it builds this Select for more.
    query = (cast(Rows, Select(Violation, Person, col(Location.code), col(Location.name_zh), col(Hazard.ref),
                               Recorder.c.username, col(ViolationItem.title)))
             .join(Person, col(Person.id) == Violation.person_id)
             .join(Location, col(Location.id) == Violation.location_id)
             .join(Recorder, Recorder.c.id == Violation.recorded_by_id)
             .join(Hazard, col(Hazard.id) == Violation.hazard_id, isouter=True)
             .join(ViolationItem, col(ViolationItem.id) == Violation.item_id, isouter=True))
    if user.role == Role.supervisor:
        return query.where(Violation.recorded_by_id == user.id)
    if user.role not in VIOLATION_READERS:
        raise PermissionDenied(f"role '{user.role}' may not see violations")
    return query


def _publics(session: Session, rows: Sequence[Row]) -> list[ViolationPublic]:
    measures = items.measures_of(session, [saved_id(r[0]) for r in rows])
    return [_public(r, measures[saved_id(r[0])]) for r in rows]


def _public(row: Row, measures: list[MeasurePublic]) -> ViolationPublic:
    violation, person, location, location_name, hazard_ref, recorder, item_title = row
    return ViolationPublic(
        id=saved_id(violation), employee_no=person.employee_no, worker_name=person.name, team=person.team,
        kind=violation.kind, occurred_at=violation.occurred_at, location=location, location_name=location_name,
        description=violation.description,
        hazard_ref=hazard_ref, recorded_by=recorder, recorded_at=violation.recorded_at,
        severity=violation.severity, item_title=item_title, repeat=violation.repeat, measures=measures,
    )


def list_violations(session: Session, *, user: User, employee_no: str | None = None,
                    kind: ViolationKind | None = None, severity: ViolationSeverity | None = None,
                    limit: int = 50, offset: int = 0) -> ViolationsPublic:
    """The violations this user may see, newest first."""
    query = _rows(user)
    if employee_no is not None:
        query = query.where(Person.employee_no == employee_no)
    if kind is not None:
        query = query.where(Violation.kind == kind)
    if severity is not None:
        query = query.where(Violation.severity == severity)
    count = session.exec(select(func.count()).select_from(query.subquery())).one()
    page = query.order_by(col(Violation.occurred_at).desc(), col(Violation.id).desc()).limit(limit).offset(offset)
    return ViolationsPublic(data=_publics(session, session.exec(page).all()), count=count)


def worker_history(session: Session, *, user: User, employee_no: str) -> ViolationsPublic:
    """A worker's violations, newest first (never a supervisor's: they see only what they recorded)."""
    if user.role not in VIOLATION_READERS:
        raise PermissionDenied(f"role '{user.role}' may not see a worker's violation history")
    if people_service.get_person(session, employee_no=employee_no) is None:
        raise NotFound(f"no worker with employee number {employee_no!r}", field="employee_no")
    return list_violations(session, user=user, employee_no=employee_no, limit=500)


def get_violation(session: Session, *, violation_id: int, user: User) -> ViolationPublic:
    """One violation this user may see, or NotFound."""
    row = session.exec(_rows(user).where(Violation.id == violation_id)).first()
    if row is None:
        raise NotFound(f"no violation {violation_id}", field="violation_id")
    return _publics(session, [row])[0]


def case_violations(session: Session, *, case_id: int, user: User) -> list[ViolationPublic]:
    """The violations tied to a case, oldest first."""
    query = _rows(user).where(Violation.case_id == case_id).order_by(col(Violation.occurred_at))
    return _publics(session, session.exec(query).all())
