"""Each unit's scorecard (业绩考评) for a period: what the unit found and what was found about it, how its
hazards were closed, extensions, major hazards, its people's violations (三违) and repeats, its
supervisors' activity, and the reporters' satisfaction with its fixes.

A hazard is *about* a unit when the unit answers for its fix (责任单位), or before the five fixes name
one, when the unit is in charge of its location or area (``hazards.attribution``); it is *found by* a unit when
its reporter (or the account that recorded it) belongs there. A unit's row covers the units under it
(a 区队's 班组 count for the 区队; the mine's row is the whole mine). Rejected reports count nowhere.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select

from safety_service.counselling.models import Violation
from safety_service.database import known, saved_id
from safety_service.feedback.models import HazardRating
from safety_service.hazards import attribution
from safety_service.hazards.models import Hazard, HazardEvent
from safety_service.hazards.states import Action, Grade, HazardState
from safety_service.people.models import Person, User
from safety_service.scorecard import periods
from safety_service.scorecard.periods import Period
from safety_service.supervisors.models import Supervisor
from safety_service.units import service as units_service
from safety_service.units.models import OrgUnit

COUNTS = ("found", "about", "closed_on_time", "closed_late", "overdue", "extensions", "extensions_approved",
          "major", "violations", "repeat_violations", "supervisors", "supervisor_reports", "satisfied", "basic",
          "dissatisfied")


@dataclass
class UnitFigures:
    """One unit's counts for one period, with the two rates worked out from them."""

    counts: Counter[str] = field(default_factory=Counter)

    def __getitem__(self, key: str) -> int:
        return self.counts[key]

    @property
    def ratings(self) -> int:
        return self.counts["satisfied"] + self.counts["basic"] + self.counts["dissatisfied"]

    @property
    def satisfaction_rate(self) -> float | None:
        """满意率: satisfied and mostly satisfied among the ratings, in percent (None without ratings)."""
        total = self.ratings
        return round(100 * (self.counts["satisfied"] + self.counts["basic"]) / total, 1) if total else None

    @property
    def repeat_rate(self) -> float | None:
        """帮教重复违章率: repeat violations among the period's violations, in percent."""
        total = self.counts["violations"]
        return round(100 * self.counts["repeat_violations"] / total, 1) if total else None

    def as_dict(self) -> dict[str, Any]:
        return {**{key: self.counts[key] for key in COUNTS}, "ratings": self.ratings,
                "satisfaction_rate": self.satisfaction_rate, "repeat_rate": self.repeat_rate}


Rows = Iterable[tuple[Any, ...]]


def figures(session: Session, *, period: Period) -> dict[int, UnitFigures]:
    """Every unit's figures for the period, by unit id, each covering the units under it."""
    units = session.exec(select(OrgUnit.id, OrgUnit.parent_id)).all()
    parents = {known(unit_id): parent_id for unit_id, parent_id in units}
    found: dict[int, UnitFigures] = {unit_id: UnitFigures() for unit_id in parents}
    for key, rows in _base_counts(session, period):
        for row_unit_id, count in rows:
            unit_id = row_unit_id
            while unit_id is not None and unit_id in found:
                found[unit_id].counts[key] += count
                unit_id = parents.get(unit_id)
    return found


def _base_counts(session: Session, period: Period) -> Iterable[tuple[str, Rows]]:
    yield "found", session.exec(_found(period)).all()
    yield "about", _about(session, period)
    yield from _closing(session, period)
    yield "overdue", _overdue(session, period)
    yield from _extensions(session, period)
    yield "major", session.exec(_by_unit(and_(col(Hazard.grade) == Grade.major, _within(Hazard.confirmed_at, period),
                                              col(Hazard.state) != HazardState.rejected))).all()
    yield from _violations(session, period)
    yield from _supervisors(session, period)
    yield from _ratings(session, period)


def _within(column: Any, period: Period) -> ColumnElement[bool]:
    return and_(column >= period.start, column < period.end)


def _by_unit(condition: ColumnElement[bool]) -> Select[Any, int]:
    """Hazards counted by the unit they are about (``hazards.attribution``)."""
    unit = attribution.UNIT_ID
    query = attribution.with_place(select(unit, func.count(col(Hazard.id)))).where(unit.is_not(None), condition)
    return query.group_by(unit)


def _found(period: Period) -> Select[Any, int]:
    reporter, recorder, recorder_person = aliased(Person), aliased(User), aliased(Person)
    unit = func.coalesce(reporter.unit_id, recorder_person.unit_id)
    return (select(unit, func.count(col(Hazard.id))).select_from(Hazard)
            .outerjoin(reporter, col(reporter.id) == Hazard.reporter_person_id)
            .outerjoin(recorder, col(recorder.id) == Hazard.recorded_by_id)
            .outerjoin(recorder_person, col(recorder_person.id) == recorder.person_id)
            .where(_within(Hazard.reported_at, period), col(Hazard.state) != HazardState.rejected, unit.is_not(None))
            .group_by(unit))


def _about(session: Session, period: Period) -> Rows:
    return session.exec(_by_unit(and_(_within(Hazard.reported_at, period),
                                      col(Hazard.state) != HazardState.rejected))).all()


def _closing(session: Session, period: Period) -> Iterable[tuple[str, Rows]]:
    closed = and_(col(Hazard.state) == HazardState.closed, _within(Hazard.closed_at, period))
    late = and_(col(Hazard.deadline).is_not(None), col(Hazard.closed_at) > col(Hazard.deadline))
    yield "closed_on_time", session.exec(_by_unit(and_(closed, ~late))).all()
    yield "closed_late", session.exec(_by_unit(and_(closed, late))).all()


def _overdue(session: Session, period: Period) -> Rows:
    """Hazards past their deadline at some moment of the period: due before its end, and not closed by the
    deadline nor before the period began."""
    return session.exec(_by_unit(and_(
        col(Hazard.state) != HazardState.rejected, col(Hazard.deadline) < period.end,
        or_(col(Hazard.closed_at).is_(None), and_(col(Hazard.closed_at) > col(Hazard.deadline),
                                                  col(Hazard.closed_at) >= period.start))))).all()


def _extensions(session: Session, period: Period) -> Iterable[tuple[str, Rows]]:
    query = (select(Hazard.unit_id, HazardEvent.action, HazardEvent.data)
             .join(Hazard, col(Hazard.id) == HazardEvent.hazard_id)
             .where(col(Hazard.unit_id).is_not(None), _within(HazardEvent.at, period),
                    col(HazardEvent.action).in_([Action.request_extension, Action.decide_extension])))
    requested: Counter[int] = Counter()
    approved: Counter[int] = Counter()
    for unit_id, action, data in session.exec(query).all():
        if action == Action.request_extension:
            requested[known(unit_id)] += 1
        elif (data or {}).get("approved"):
            approved[known(unit_id)] += 1
    yield "extensions", requested.items()
    yield "extensions_approved", approved.items()


def _violations(session: Session, period: Period) -> Iterable[tuple[str, Rows]]:
    base = (select(Person.unit_id, func.count(col(Violation.id))).join(Person, col(Person.id) == Violation.person_id)
            .where(col(Person.unit_id).is_not(None), _within(Violation.occurred_at, period))
            .group_by(col(Person.unit_id)))
    yield "violations", session.exec(base).all()
    yield "repeat_violations", session.exec(base.where(col(Violation.repeat))).all()


def _supervisors(session: Session, period: Period) -> Iterable[tuple[str, Rows]]:
    serving = and_(col(Supervisor.term_from) <= period.last,
                   or_(col(Supervisor.term_to).is_(None), col(Supervisor.term_to) >= period.first))
    yield "supervisors", session.exec(
        select(Person.unit_id, func.count(func.distinct(Supervisor.person_id)))
        .join(Person, col(Person.id) == Supervisor.person_id)
        .where(serving, col(Person.unit_id).is_not(None)).group_by(col(Person.unit_id))).all()
    reports: dict[int, set[int]] = defaultdict(set)
    query = (select(Person.unit_id, Hazard.id).join(Person, col(Person.id) == Hazard.reporter_person_id)
             .join(Supervisor, col(Supervisor.person_id) == Person.id)
             .where(serving, col(Person.unit_id).is_not(None), _within(Hazard.reported_at, period),
                    col(Hazard.state) != HazardState.rejected))
    for unit_id, hazard_id in session.exec(query).all():
        reports[known(unit_id)].add(known(hazard_id))
    yield "supervisor_reports", [(unit_id, len(ids)) for unit_id, ids in reports.items()]


def _ratings(session: Session, period: Period) -> Iterable[tuple[str, Rows]]:
    query = (select(Hazard.unit_id, HazardRating.rating, func.count(col(HazardRating.id)))
             .join(Hazard, col(Hazard.id) == HazardRating.hazard_id)
             .where(col(Hazard.unit_id).is_not(None), _within(func.coalesce(HazardRating.changed_at,
                                                                            HazardRating.rated_at), period))
             .group_by(col(Hazard.unit_id), col(HazardRating.rating)))
    by_rating: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for unit_id, rating, count in session.exec(query).all():
        by_rating[rating].append((known(unit_id), count))
    for rating in ("satisfied", "basic", "dissatisfied"):
        yield rating, by_rating[rating]


@dataclass(frozen=True)
class ScorecardRow:
    """One unit's figures for the month and the month before."""

    unit: OrgUnit
    current: UnitFigures
    previous: UnitFigures


@dataclass(frozen=True)
class Scorecard:
    month: str
    previous_month: str
    rows: list[ScorecardRow]


def monthly(session: Session, *, month: str, timezone: str) -> Scorecard:
    """Every active unit's figures for ``YYYY-MM`` beside the month before (InvalidInput on a bad month)."""
    before = periods.previous_month(periods.month(month, timezone).first.strftime("%Y-%m"))
    current = figures(session, period=periods.month(month, timezone))
    previous = figures(session, period=periods.month(before, timezone))
    rows = [ScorecardRow(unit, current.get(saved_id(unit), UnitFigures()), previous.get(saved_id(unit), UnitFigures()))
            for unit in units_service.in_tree_order(session)]
    return Scorecard(month=month, previous_month=before, rows=rows)
