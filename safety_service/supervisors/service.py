"""The supervisors' roster and their monthly figures.

A report counts as a supervisor's when its reporter's employee number is on the roster with a term
of office covering the (local) report date; the mark is read from the roster, so it needs no copy
on the hazard.
"""

import logging
from collections import defaultdict
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from safety_service.clock import as_utc
from safety_service.database import saved_id
from safety_service.errors import DomainError, InvalidInput, InvalidTransition, NotFound
from safety_service.hazards import attribution
from safety_service.hazards.models import Hazard
from safety_service.hazards.states import Grade, HazardState
from safety_service.locations.models import Area, Location
from safety_service.people.models import Person, User
from safety_service.supervisors.models import Supervisor
from safety_service.supervisors.schemas import Figures, MonthlyFigures, SupervisorCreate, SupervisorPublic
from safety_service.units import cuts
from safety_service.validation import broken_rules, month_in_calendar

logger = logging.getLogger(__name__)


def get_supervisor(session: Session, *, supervisor_id: int) -> Supervisor:
    """The roster entry, or NotFound."""
    entry = session.get(Supervisor, supervisor_id)
    if entry is None:
        raise NotFound(f"no supervisor {supervisor_id}", field="supervisor_id")
    return entry


def input_problems(session: Session, *, values: dict[str, Any]) -> list[DomainError]:
    """Every rule of an appointment the given values break (dates as dates), each checked alone: an unknown
    employee or area, a term overlapping another of the person's; so a form names them all at once."""
    return broken_rules({"employee_no": lambda no: _person(session, no), "area_code": lambda code: _area(session, code),
                         "term_from": lambda start: _free_term(session, values.get("employee_no"), start,
                                                               values.get("term_to"))}, values)


def _person(session: Session, employee_no: str) -> Person:
    person = session.exec(select(Person).where(Person.employee_no == employee_no)).first()
    if person is None:
        raise InvalidInput(f"no employee {employee_no!r}", field="employee_no")
    return person


def _free_term(session: Session, employee_no: str | None, start: date, end: date | None) -> None:
    if employee_no and any(_overlap(t, start, end) for t in _terms(session, employee_no)):
        raise InvalidInput("this person already has a term of office in that period", field="term_from")


def appoint(session: Session, *, data: SupervisorCreate, actor: User) -> Supervisor:
    """Put a person on the roster for a term; terms of one person never overlap."""
    person = _person(session, data.employee_no)
    area = _area(session, data.area_code)
    _free_term(session, data.employee_no, data.term_from, data.term_to)
    entry = Supervisor(person_id=saved_id(person), employee_no=person.employee_no, team=data.team or person.team,
                       area_id=area.id if area else None, term_from=data.term_from, term_to=data.term_to,
                       appointed_by_id=actor.id)
    session.add(entry)
    session.flush()
    logger.info("supervisor appointed", extra={"employee_no": person.employee_no, "from": str(data.term_from)})
    return entry


def _area(session: Session, code: str | None) -> Area | None:
    if code is None:
        return None
    area = session.exec(select(Area).where(Area.code == code)).first()
    if area is None:
        raise InvalidInput(f"no area with code {code!r}", field="area_code")
    return area


def _terms(session: Session, employee_no: str) -> list[Supervisor]:
    return list(session.exec(select(Supervisor).where(Supervisor.employee_no == employee_no)).all())


def _overlap(term: Supervisor, start: date, end: date | None) -> bool:
    return (term.term_to is None or term.term_to >= start) and (end is None or end >= term.term_from)


def end_term(session: Session, *, entry: Supervisor, term_to: date, today: date) -> Supervisor:
    """End a term of office on a date (not before it began, not into the person's next term); a term
    already over stays as it ended."""
    if entry.term_to is not None and entry.term_to < today:
        raise InvalidTransition("this term of office has already ended", field="term_to")
    if term_to < entry.term_from:
        raise InvalidInput("a term cannot end before it began", field="term_to")
    others = (t for t in _terms(session, entry.employee_no) if t.id != entry.id)
    if any(_overlap(t, entry.term_from, term_to) for t in others):
        raise InvalidInput("this person has another term of office by then; end this one before it", field="term_to")
    entry.term_to = term_to
    session.add(entry)
    session.flush()
    return entry


def roster(session: Session, *, on: date | None = None) -> list[SupervisorPublic]:
    """The roster (or those in office on a date), with names and area codes."""
    query = (select(Supervisor, Person.name, Area.code).join(Person, col(Supervisor.person_id) == Person.id)
             .join(Area, col(Supervisor.area_id) == Area.id, isouter=True))
    if on is not None:
        query = query.where(col(Supervisor.term_from) <= on,
                            (col(Supervisor.term_to).is_(None)) | (col(Supervisor.term_to) >= on))
    rows = session.exec(query.order_by(col(Supervisor.employee_no), col(Supervisor.term_from))).all()
    return [SupervisorPublic(**s.model_dump(), name=name, area_code=code) for s, name, code in rows]


def on_duty(session: Session, *, employee_no: str | None, at: datetime, timezone: str) -> Supervisor | None:
    """The term of office this employee was serving at that moment, if any."""
    if not employee_no:
        return None
    day = as_utc(at).astimezone(ZoneInfo(timezone)).date()
    return next((t for t in _terms(session, employee_no) if _overlap(t, day, day)), None)


def month_range(month: str, timezone: str) -> tuple[datetime, datetime]:
    """The UTC bounds of a local calendar month given as YYYY-MM."""
    try:
        year, number = (int(part) for part in month.split("-"))
        month_in_calendar(year)
        start = datetime(year, number, 1, tzinfo=ZoneInfo(timezone))
    except ValueError as exc:
        raise InvalidInput("month must look like 2026-11", field="month") from exc
    end = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=ZoneInfo(timezone))
    return start.astimezone(UTC), end.astimezone(UTC)


def monthly_figures(session: Session, *, month: str, timezone: str, unit: str | None = None) -> MonthlyFigures:
    """Per supervisor and per area: reports made, confirmed, major, closed in time; with a unit's code, only the
    hazards about that unit and the units under it (InvalidInput naming ``unit`` for no such unit)."""
    cut = (attribution.about_code(cuts.check_unit(session, unit)),) if unit else ()
    terms = list(session.exec(select(Supervisor)).all())
    names = dict(session.exec(select(Person.id, Person.name).where(
        col(Person.id).in_({t.person_id for t in terms}))).all())
    people: defaultdict[str, Figures] = defaultdict(Figures)
    areas: defaultdict[str | None, Figures] = defaultdict(Figures)
    refs: list[str] = []
    for hazard, area_code in _reports(session, month_range(month, timezone), {t.employee_no for t in terms}, cut):
        day = as_utc(hazard.reported_at).astimezone(ZoneInfo(timezone)).date()
        term = next((t for t in terms if t.employee_no == hazard.reporter_employee_no and _overlap(t, day, day)), None)
        if term is not None:
            refs.append(hazard.ref)
            _count(people[term.employee_no], hazard, key=term.employee_no, name=names.get(term.person_id))
            _count(areas[area_code], hazard, key=area_code)
    return MonthlyFigures(month=month, refs=refs, by_supervisor=sorted(people.values(), key=lambda f: f.key or ""),
                          by_area=sorted(areas.values(), key=lambda f: (f.key is None, f.key or "")))


def _reports(session: Session, bounds: tuple[datetime, datetime], employee_nos: set[str], cut: tuple[Any, ...] = ()
             ) -> list[tuple[Hazard, str | None]]:
    """The hazards reported in the period by these employees, with their location's area code."""
    query = (select(Hazard, Area.code).join(Location, col(Hazard.location_id) == Location.id)
             .join(Area, col(Location.area_id) == Area.id, isouter=True)
             .where(col(Hazard.reported_at) >= bounds[0], col(Hazard.reported_at) < bounds[1],
                    col(Hazard.reporter_employee_no).in_(employee_nos), *cut))
    return list(session.exec(query.order_by(col(Hazard.id))).all())


def _count(figures: Figures, hazard: Hazard, *, key: str | None, name: str | None = None) -> None:
    figures.key, figures.name = key, name
    figures.reports += 1
    confirmed = hazard.confirmed_at is not None and hazard.state != HazardState.rejected
    figures.confirmed += confirmed
    figures.major += confirmed and hazard.grade == Grade.major
    figures.closed_in_time += (hazard.state == HazardState.closed and hazard.deadline is not None
                               and hazard.closed_at is not None and as_utc(hazard.closed_at) <= as_utc(hazard.deadline))
