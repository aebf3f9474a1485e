"""Figures of help-education for counsellors: violations by kind, team and month; cases; repeats. Cut by a unit,
they count the workers who belong to it or to a unit under it (the person rule, ``units.cuts``)."""

from collections import Counter
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, exists, true
from sqlmodel import Session, col, func, select

from safety_service.clock import as_utc
from safety_service.counselling.models import CounsellingCase, Violation
from safety_service.counselling.schemas import CounsellingFigures, KindTeamMonth
from safety_service.counselling.states import ViolationKind
from safety_service.people.models import Person
from safety_service.units import cuts


def period_start(now: datetime, *, months: int, timezone: str) -> datetime:
    """The first instant of the local month ``months - 1`` months before now's, in UTC."""
    local = now.astimezone(ZoneInfo(timezone))
    index = local.year * 12 + local.month - 1 - (months - 1)
    start = datetime(index // 12, index % 12 + 1, 1, tzinfo=ZoneInfo(timezone))
    return start.astimezone(UTC)


def compute(session: Session, *, now: datetime, months: int, timezone: str,
            unit: str | None = None) -> CounsellingFigures:
    """The figures of the last ``months`` local months, this one included; with ``unit`` (a checked code), only
    of the workers of that unit and the units under it."""
    since = period_start(now, months=months, timezone=timezone)
    workers = col(Person.id).in_(cuts.people(cuts.coded(unit))) if unit else true()
    observed, repeated = _repeats(session, since, workers)
    return CounsellingFigures(
        since=since, until=now, unit=unit, violations=_by_kind_team_month(session, since, timezone, workers),
        cases_opened=_count(session, col(CounsellingCase.opened_at) >= since, workers),
        cases_closed=_count(session, col(CounsellingCase.closed_at) >= since, workers),
        cases_open_now=_count(session, col(CounsellingCase.active_person_id).is_not(None), workers),
        cases_observed=observed, cases_with_repeat=repeated,
        repeat_rate=round(repeated / observed, 4) if observed else None,
    )


def _count(session: Session, condition: ColumnElement[bool], workers: ColumnElement[bool]) -> int:
    query = (select(func.count()).select_from(CounsellingCase)
             .join(Person, col(Person.id) == CounsellingCase.person_id).where(condition, workers))
    return session.exec(query).one()


def _by_kind_team_month(session: Session, since: datetime, timezone: str,
                        workers: ColumnElement[bool]) -> list[KindTeamMonth]:
    # Months are local months; grouping in Python keeps it the same on SQLite and PostgreSQL.
    query = (select(Violation.occurred_at, Violation.kind, Person.team)
             .join(Person, col(Person.id) == Violation.person_id).where(col(Violation.occurred_at) >= since, workers))
    zone = ZoneInfo(timezone)
    counts = Counter((as_utc(at).astimezone(zone).strftime("%Y-%m"), team, ViolationKind(kind))
                     for at, kind, team in session.exec(query).all())
    return [KindTeamMonth(month=month, team=team, kind=kind, count=n)
            for (month, team, kind), n in sorted(counts.items(), key=lambda item: (item[0][0], item[0][1] or "",
                                                                                   item[0][2]))]


def _repeats(session: Session, since: datetime, workers: ColumnElement[bool]) -> tuple[int, int]:
    """Cases first observed in the period, and how many of their workers offended again afterwards."""
    later = exists().where(col(Violation.person_id) == CounsellingCase.person_id,
                           col(Violation.recorded_at) > CounsellingCase.first_observation_at)
    observed = col(CounsellingCase.first_observation_at) >= since
    return _count(session, observed, workers), _count(session, observed & later, workers)
