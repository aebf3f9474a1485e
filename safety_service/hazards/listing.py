"""The hazard list: one page of it, and its count alone, each written once as a plan.

The list is the hottest path. A page is a plan (``safety_service.reading``): the API runs it on a read thread
or, on PostgreSQL, on the event loop, the console and the tests in a session. The plan reads what names the
shape of the list (an owner's led units, a unit cut's reach), takes the shape's statements (``list_statements``,
built once per shape), runs them with the filters' values as parameters, and makes the answer: the rows' summaries
and the capped count.
"""

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Dialect
from sqlmodel import Session

from safety_service.database import known, table_of
from safety_service.driver import utc_value
from safety_service.errors import InvalidInput
from safety_service.hazards import attribution, search
from safety_service.hazards import overdue as overdue_rule
from safety_service.hazards.conditions import (
    LED_UNITS,
    Visibility,
    late,
    late_params,
    viewer,
    viewer_params,
    visibility,
)
from safety_service.hazards.list_statements import (
    CODE_LOOKUPS,
    FILTERS,
    SORT_KEYS,
    PageRow,
    Shape,
    Statements,
    build,
    statements,
)
from safety_service.hazards.models import Hazard
from safety_service.hazards.schemas import COUNT_LIMIT, SEARCH_COUNT_LIMIT, HazardFilters, StepLimits
from safety_service.people.models import STAFF_ROLES, User, Viewer
from safety_service.reading import ConnectionReader, Plan, Query, Rows, run

_TOTAL = PageRow._fields.index("total")


def list_hazards(session: Session, *, filters: HazardFilters, user: User, now: datetime,
                 limits: StepLimits) -> dict[str, Any]:
    """One page of hazards this user may see, and how many match, in the session's transaction."""
    return _in_session(page, session, filters=filters, user=user, now=now, limits=limits)


def count_hazards(session: Session, *, filters: HazardFilters, user: User, now: datetime,
                  limits: StepLimits) -> dict[str, Any]:
    """How many hazards this user may see match, capped as the list's count is, without reading a page (the
    console's tab counts: a page of the overdue tab is sorted from every late hazard, its count is not)."""
    return _in_session(counted, session, filters=filters, user=user, now=now, limits=limits)


def _in_session(plan: Callable[..., Plan[dict[str, Any]]], session: Session, *, filters: HazardFilters,
                user: User, now: datetime, limits: StepLimits) -> dict[str, Any]:
    connection = session.connection()
    return run(ConnectionReader(connection), plan(filters, viewer(session, user), now=now, limits=limits,
                                                  dialect=connection.dialect))


def page(filters: HazardFilters, reader: Viewer, *, now: datetime, limits: StepLimits,
         dialect: Dialect) -> Plan[dict[str, Any]]:
    """One page of hazards this reader may see, and how many match (capped at COUNT_LIMIT, or SEARCH_COUNT_LIMIT)."""
    shape, built, params, found = yield from _prepared(filters, reader, now, limits, dialect)
    if found is not None and found.index is None and shape.keys == SORT_KEYS["-id"]:
        rows, count = yield from _newest_matches_first(built, params, filters.limit)
    else:
        # The count rides along with the page: one round trip for both.
        rows = yield Query(built.page, params, cached=found is None)
        count = rows[0][_TOTAL] if rows else (yield Query(built.counted, params, cached=found is None))[0][0]
    if not rows:
        yield from _check_codes(filters)
    return _answer(filters, rows, count, now, limits)


def counted(filters: HazardFilters, reader: Viewer, *, now: datetime, limits: StepLimits,
            dialect: Dialect) -> Plan[dict[str, Any]]:
    """The count of ``page`` alone: ``count``, ``count_capped`` and ``count_limit`` as the page gives them."""
    _, built, params, found = yield from _prepared(filters, reader, now, limits, dialect)
    count: int = (yield Query(built.counted, params, cached=found is None))[0][0]
    if not count:
        yield from _check_codes(filters)
    return _capped(filters, count)


def _prepared(filters: HazardFilters, reader: Viewer, now: datetime, limits: StepLimits,
              dialect: Dialect) -> Plan[tuple[Shape, Statements, dict[str, Any], search.Match | None]]:
    """The statements of these filters for this reader, their values, and the text search's match if any."""
    units = (yield from _led_units(reader)) if visibility(reader.role) == Visibility.owned_or_own else None
    # SQLite keeps the sub-selects: it walks the report times' index and tests each hazard, which a unit with many
    # hazards ends early (18 ms for the busiest place's unit on a million, against 190 ms for the named lists,
    # whose matches it would read all and sort); PostgreSQL took 121 ms that way, 29 ms with the lists.
    cut = (yield from _unit_cut(filters.unit)) if filters.unit and dialect.name == "postgresql" else None
    shape, params = _plan(filters, reader, now, limits, units, cut)
    found = (yield from _search(filters, dialect)) if filters.q else None
    return shape, (build(shape, found) if found else statements(shape)), params, found


def _search(filters: HazardFilters, dialect: Dialect) -> Plan[search.Match]:
    found = search.match(filters.q or "", dialect)
    if found is None:
        yield from _check_codes(filters)  # an unknown code is the first thing reported, as ever
        raise InvalidInput("the search text holds no letters or digits", field="q")
    return found


def _check_codes(filters: HazardFilters) -> Plan[None]:
    """Raise InvalidInput for a filter naming an unknown code (checked only when nothing matched)."""
    for field, lookup in CODE_LOOKUPS.items():
        if (value := getattr(filters, field)) and not (yield Query(lookup, {"code": value})):
            raise InvalidInput(f"unknown {field} {value!r}", field=field)


def _led_units(reader: Viewer) -> Plan[list[int]]:
    """The units this owner leads and those under them (``visible``)."""
    return [unit_id for unit_id, in (yield Query(LED_UNITS, {"viewer_id": reader.user_id}))]


def _unit_cut(code: str) -> Plan[tuple[list[int], list[int]]]:
    """The unit with this code and those under it, and the places in their charge
    (``list_statements._UNIT_CUTS``)."""
    units = [unit_id for unit_id, in (yield Query(attribution.UNIT_REACH, {"unit": code}))]
    places = [place_id for place_id, in (yield Query(attribution.UNIT_PLACES, {"unit": code}))] if units else []
    return units, places


def _plan(filters: HazardFilters, reader: Viewer, now: datetime, limits: StepLimits, units: list[int] | None = None,
          cut: tuple[list[int], list[int]] | None = None) -> tuple[Shape, dict[str, Any]]:
    """The shape of the list's statements and the values of their parameters (``units``: an owner's led units;
    ``cut``: the unit cut's units and places, read)."""
    given = _given(filters)
    named = _named_cut(given, cut) if cut is not None else {}
    keys = SORT_KEYS[filters.sort or ("deadline" if filters.overdue else "-id" if filters.q else "-reported_at")]
    shape = Shape(frozenset(given), filters.overdue, keys, visibility(reader.role),
                  bool(given) or reader.role not in STAFF_ROLES, None if units is None else bool(units))
    params = {**given, **viewer_params(reader), "now": now, "limit": filters.limit, "offset": filters.offset,
              "count_limit": _count_limit(filters) + 1}
    if units:
        params["viewer_units"] = sorted(units)
    params.update(named)
    if filters.overdue is not None:
        params.update(late_params(now, limits), reach=filters.offset + filters.limit)
    return shape, params


def _named_cut(given: dict[str, Any], cut: tuple[list[int], list[int]]) -> dict[str, Any]:
    """The unit cut in ``given`` under the name of its condition with the units and places named
    (``list_statements._UNIT_CUTS``), and the values of their parameters."""
    del given["unit"]
    units, places = cut
    given["unit_places" if places else "unit_units" if units else "unit_unknown"] = None  # its values: below
    return {"unit_units": sorted(units), "unit_places": sorted(places)} if units else {}


def _given(filters: HazardFilters) -> dict[str, Any]:
    """The filters given, with the values their parameters take."""
    values = {name: getattr(filters, name) for name in FILTERS}
    given = {name: value for name, value in values.items() if value is not None and value != []}
    if "state" in given:
        given["state"] = list(dict.fromkeys(str(s) for s in given["state"]))
    for name in ("grade", "source"):
        if name in given:
            given[name] = str(given[name])
    return given


def _count_limit(filters: HazardFilters) -> int:
    return SEARCH_COUNT_LIMIT if filters.q else COUNT_LIMIT


# PostgreSQL's GIN index tells which rows match a text search, not in id order: a page of the
# newest matches bitmap-scans every match, and for a phrase whose bigrams always occur together
# the planner (multiplying their selectivities) expects a hundred rows where 22,000 match. So the
# newest ids are searched first, in widening windows; a window that fills the page gives the same
# page as the whole table would, since every id in it comes before every id outside it.
ID_WINDOWS = (20_000, 200_000)
_NEWEST_ID = select(func.max(table_of(Hazard).c.id))


def _newest_matches_first(built: Statements, params: dict[str, Any], limit: int) -> Plan[tuple[Rows, int]]:
    """A newest-first page of text-search matches on PostgreSQL, and their capped count."""
    count: int = (yield Query(built.counted, params, cached=False))[0][0]
    if not count:
        return [], 0
    newest: int = (yield Query(_NEWEST_ID, {}))[0][0]
    for window in ID_WINDOWS:
        floor = newest - window
        if floor <= 0:
            break
        rows = yield Query(built.window, {**params, "id_floor": floor}, cached=False)
        if len(rows) == limit:
            return rows, count
    return (yield Query(built.window, {**params, "id_floor": 0}, cached=False)), count


def _answer(filters: HazardFilters, rows: Rows, count: int, now: datetime,
            limits: StepLimits) -> dict[str, Any]:
    return {"data": [_summary(row, now, limits) for row in rows], **_capped(filters, count),
            "limit": filters.limit, "offset": filters.offset}


def _capped(filters: HazardFilters, count: int) -> dict[str, Any]:
    count_limit = _count_limit(filters)
    return {"count": min(count, count_limit), "count_capped": count > count_limit, "count_limit": count_limit}


def _summary(row: Sequence[Any], now: datetime, limits: StepLimits) -> dict[str, Any]:
    # The hottest loop of the list: a row is unpacked into the names of PageRow's fields, in their order
    # (the statement's columns are built from them; tests/hazards/test_queries.py checks each lands where its
    # name says). A PageRow made of each row and read by attribute cost 30-50 µs more a page of 50.
    # The times stay datetimes: orjson writes them as ISO 8601 in C.
    (_, ref, state, grade, source, description, reported_at, deadline, is_open, escalation_level, rectified_at,
     location_code, location_name, category_code, owner_name, _) = row
    deadline, reported_at = utc_value(deadline), known(utc_value(reported_at))
    late_step, late_since = late(state, reported_at=reported_at, deadline=deadline if is_open else None,
                                 rectified_at=utc_value(rectified_at), now=now, limits=limits)
    return {
        "ref": ref, "state": state, "grade": grade,
        "category": category_code, "location": location_code, "location_name": location_name,
        "source": source, "description": description, "reported_at": reported_at, "deadline": deadline,
        "overdue": overdue_rule.holds(is_open=is_open, deadline=deadline, now=now),
        "late_step": late_step, "late_since": late_since,
        "escalation_level": escalation_level, "owner": owner_name,
    }
