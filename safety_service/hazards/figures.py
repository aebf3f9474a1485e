"""The register's figures (statistics page, ``GET /api/v1/hazards/figures``): aggregate queries on indexed
columns, for the whole mine or cut by one unit (the hazards about it and the units under it,
``hazards.attribution``)."""

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Table, and_, case, func, or_, select
from sqlalchemy.engine import Connection, Engine

from safety_service.database import table_of
from safety_service.hazards import attribution
from safety_service.hazards.library import LibraryItem
from safety_service.hazards.models import Hazard
from safety_service.hazards.states import Channel, HazardState
from safety_service.locations.models import Category, Location
from safety_service.units.models import OrgUnit

H = table_of(Hazard).c
WEEKS = 12
TOP_LOCATIONS = 10
TOP_LIBRARY_ITEMS = 10
_U = table_of(OrgUnit)


@dataclass(frozen=True)
class Figures:
    """Everything the statistics page shows, gathered at one moment."""

    at: datetime
    open_by_category: list[tuple[str, int]]
    open_by_grade: list[tuple[str, int]]
    top_locations: list[tuple[str, int]]
    weeks: list[datetime]
    reports_by_channel: dict[str, list[int]]
    overdue_by_week: list[int]
    closure_rate: float | None
    median_close_hours: float | None
    open_total: int
    overdue_now: int
    # Per responsible unit (a crew counted with its section or team): open hazards and those overdue.
    open_by_unit: tuple[tuple[str, int, int], ...] = ()
    # The unit the figures are cut by (its code), None for the whole mine.
    unit: str | None = None
    # Open hazards by the four report types of 安委〔2024〕7号 ("none" before confirmation names one).
    open_by_report_type: tuple[tuple[str, int], ...] = ()
    # The standard library items (隐患标准库) the hazards reported in the weeks shown matched, most first: the
    # same hazard counted alike whoever worded it.
    top_library_items: tuple[tuple[str, int], ...] = ()


Scope = tuple[ColumnElement[bool], ...]  # the conditions every count adds: none for the whole mine, else "about the unit"


def scope(connection: Connection, unit: str | None) -> Scope:
    """The conditions that cut the figures by this unit (by its code), or none for the whole mine."""
    return (attribution.about_read(connection, unit),) if unit else ()


def _grouped(connection: Connection, column: ColumnElement[Any], *where: ColumnElement[bool]) -> list[tuple[Any, int]]:
    query = select(column, func.count()).where(*where).group_by(column)
    return [(key, count) for key, count in connection.execute(query).all()]


def _named(connection: Connection, table: Table, counts: list[tuple[Any, int]]) -> list[tuple[str, int]]:
    names: dict[Any, str] = dict(connection.execute(select(table.c.id, table.c.name_zh)).all())
    return sorted(((names.get(key, ""), count) for key, count in counts), key=lambda item: -item[1])  # "": none yet


def _top_locations(connection: Connection, cut: Scope) -> list[tuple[str, int]]:
    query = (select(H.location_id, func.count().label("n")).where(H.is_open.is_(True), *cut)
             .group_by(H.location_id).order_by(func.count().desc()).limit(TOP_LOCATIONS))
    return _named(connection, table_of(Location), list(connection.execute(query).all()))


def _open_by_unit(connection: Connection, now: datetime, cut: Scope) -> tuple[tuple[str, int, int], ...]:
    """Open and overdue hazards per unit they are about, a crew's counted with the unit above it, most open first."""
    units = {row.id: row for row in connection.execute(select(_U.c.id, _U.c.parent_id, _U.c.kind, _U.c.name_zh))}
    overdue = func.sum(case((H.deadline < now, 1), else_=0))
    unit_id = attribution.UNIT_ID
    query = attribution.with_place(select(unit_id, func.count(), overdue)).where(
        H.is_open.is_(True), unit_id.is_not(None), *cut).group_by(unit_id)
    totals: dict[str, list[int]] = {}
    for unit_id, count, late in connection.execute(query).all():
        unit = units.get(unit_id)
        if unit is not None and unit.kind == "crew" and unit.parent_id in units:
            unit = units[unit.parent_id]
        name = unit.name_zh if unit is not None else "—"
        counts = totals.setdefault(name, [0, 0])
        counts[0], counts[1] = counts[0] + count, counts[1] + int(late or 0)
    return tuple(sorted(((name, n, late) for name, (n, late) in totals.items()), key=lambda row: (-row[1], row[0])))


def _top_library_items(connection: Connection, since: datetime, cut: Scope) -> tuple[tuple[str, int], ...]:
    query = (select(H.library_item_id, func.count()).where(H.library_item_id.is_not(None), H.reported_at >= since,
                                                           *cut)
             .group_by(H.library_item_id).order_by(func.count().desc(), H.library_item_id).limit(TOP_LIBRARY_ITEMS))
    counts = list(connection.execute(query).all())
    items = table_of(LibraryItem).c
    titles = dict(connection.execute(select(items.id, items.title).where(
        items.id.in_([item for item, _ in counts]))).all()) if counts else {}
    return tuple((titles[item], count) for item, count in counts)


def _week_starts(now: datetime, timezone: str) -> list[datetime]:
    """The local Mondays starting the last WEEKS weeks, this one included."""
    today = now.astimezone(ZoneInfo(timezone))
    start = (today - timedelta(days=today.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    return [start - timedelta(weeks=WEEKS - 1 - i) for i in range(WEEKS)]


def _reports_by_channel(connection: Connection, weeks: list[datetime], now: datetime,
                        cut: Scope) -> dict[str, list[int]]:
    counts = {str(channel): [0] * len(weeks) for channel in Channel}
    for i, start in enumerate(weeks):
        end = weeks[i + 1] if i + 1 < len(weeks) else now
        for source, count in _grouped(connection, H.source, H.reported_at >= start, H.reported_at < end, *cut):
            counts.setdefault(source, [0] * len(weeks))[i] = count
    return counts


def _overdue_by_week(connection: Connection, weeks: list[datetime], now: datetime, cut: Scope) -> list[int]:
    """Hazards whose deadline fell in each week and that were not closed by then."""
    found = []
    for i, start in enumerate(weeks):
        end = weeks[i + 1] if i + 1 < len(weeks) else now
        late = or_(H.closed_at.is_(None), H.closed_at > H.deadline)
        query = select(func.count()).where(H.deadline >= start, H.deadline < end, late, *cut)
        found.append(connection.execute(query).scalar_one())
    return found


def _closure(connection: Connection, since: datetime, cut: Scope) -> tuple[float | None, float | None]:
    """Of the hazards reported since, the share closed, and the median hours from report to closing."""
    decided = connection.execute(select(H.state, func.count()).where(H.reported_at >= since, *cut)
                                 .group_by(H.state)).all()
    total = sum(count for state, count in decided if state != HazardState.rejected)
    closed = connection.execute(select(H.reported_at, H.closed_at).where(
        H.state == HazardState.closed, H.reported_at >= since, *cut)).all()
    hours = [(c - r).total_seconds() / 3600 for r, c in closed if c is not None]
    return (len(closed) / total if total else None), (statistics.median(hours) if hours else None)


def gather_from(engine: Engine, now: datetime, timezone: str, unit: str | None = None) -> Figures:
    """Every figure, on a connection of its own (for the background refresh)."""
    with engine.connect() as connection:
        return gather(connection, now, timezone, unit)


def gather(connection: Connection, now: datetime, timezone: str, unit: str | None = None) -> Figures:
    """Every figure, read on one connection, for the whole mine or about one unit (its code; the caller checks
    it exists); weeks start on the mine's local Monday."""
    weeks, cut = _week_starts(now, timezone), scope(connection, unit)
    # Grouping on an expression keeps SQLite from walking the whole category index to get the order.
    by_category = _grouped(connection, func.coalesce(H.category_id, 0), H.is_open.is_(True), *cut)
    rate, median = _closure(connection, weeks[0], cut)
    return Figures(
        at=now, unit=unit, open_by_category=_named(connection, table_of(Category), by_category),
        open_by_grade=[(str(g or "none"), n) for g, n in _grouped(connection, H.grade, H.is_open.is_(True), *cut)],
        top_locations=_top_locations(connection, cut), weeks=weeks,
        reports_by_channel=_reports_by_channel(connection, weeks, now, cut),
        overdue_by_week=_overdue_by_week(connection, weeks, now, cut), closure_rate=rate, median_close_hours=median,
        open_total=sum(n for _, n in by_category),
        overdue_now=connection.execute(select(func.count()).where(
            and_(H.is_open.is_(True), H.deadline < now), *cut)).scalar_one(),
        open_by_unit=_open_by_unit(connection, now, cut),
        open_by_report_type=tuple(sorted(((str(kind or "none"), n) for kind, n in _grouped(
            connection, H.report_type, H.is_open.is_(True), *cut)), key=lambda item: (-item[1], item[0]))),
        top_library_items=_top_library_items(connection, weeks[0], cut),
    )
