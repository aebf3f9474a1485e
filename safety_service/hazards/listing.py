"""The hazard list: its statements, built once per shape, and one page of it, written once as a plan.

The list is the hottest path. Its statements are built by SQLAlchemy once per shape (which filters,
which sort, whose view: ``statements``) and run with the values as parameters on the driver's cursor;
building, keying and processing a statement in SQLAlchemy cost more than running it. A page is a plan
(``safety_service.reading``): the API runs it on a read thread or, on PostgreSQL, on the event loop,
the console and the tests in a session. Each common filter has an index that also serves the sort, and
the capped count reads only indexed columns, so an index answers it without touching the table.
"""

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, NamedTuple

import sqlmodel
from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    case,
    false,
    func,
    literal_column,
    not_,
    null,
    or_,
    select,
    true,
    union,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.elements import BindParameter
from sqlmodel import Session, col

from safety_service.database import known, table_of
from safety_service.driver import utc_value
from safety_service.errors import InvalidInput
from safety_service.hazards import attribution, search
from safety_service.hazards import overdue as overdue_rule
from safety_service.hazards.models import Hazard
from safety_service.hazards.schemas import COUNT_LIMIT, SEARCH_COUNT_LIMIT, HazardFilters, StepLimits
from safety_service.hazards.states import HazardState
from safety_service.locations.models import Area, Category, Location
from safety_service.people.models import STAFF_ROLES, Person, Role, User, Viewer
from safety_service.reading import ConnectionReader, Plan, Query, Rows, run
from safety_service.units import service as units_service
from safety_service.units.models import OrgUnit

_HAZARD, _LOCATION, _CATEGORY = table_of(Hazard), table_of(Location), table_of(Category)
_OWNER = table_of(User).alias("owner")
H = _HAZARD.c
Sort = tuple[tuple[str, bool], ...]  # (column, descending) in order
SORT_KEYS: dict[str, Sort] = {
    "-reported_at": (("reported_at", True), ("id", True)),
    "reported_at": (("reported_at", False), ("id", False)),
    "deadline": (("deadline", False), ("id", False)),
    "-deadline": (("deadline", True), ("id", True)),
    "-updated_at": (("updated_at", True), ("id", True)),
    "-id": (("id", True),),
}


class Visibility(StrEnum):
    """Which part of the register a role may read."""

    all = "all"
    owned_or_own = "owned_or_own"  # an owner: what they own or reported, and what their unit answers for
    own = "own"  # a miner or supervisor: their own reports
    none = "none"


def visibility(role: Role) -> Visibility:
    """The part of the register this role may read."""
    if role in STAFF_ROLES:
        return Visibility.all
    if role == Role.owner:
        return Visibility.owned_or_own
    return Visibility.own if role in {Role.miner, Role.supervisor} else Visibility.none


def viewer(session: Session, user: User) -> Viewer:
    """The account as a reader of the register (its person's employee number read only when it matters)."""
    person = session.get(Person, user.person_id) if user.person_id and visibility(user.role) != "all" else None
    return Viewer(known(user.id), user.role, person.employee_no if person else None)


# The units an owner leads (区队长/科长) and those under them, whose hazards the owner also sees.
LED_UNITS = units_service.reach(sqlmodel.select(OrgUnit.id).where(col(OrgUnit.leader_id) == bindparam("viewer_id")))


def visible(seen: Visibility, *, led: bool | None = None) -> ColumnElement[bool]:
    """The condition a hazard this part of the register holds meets (bound to ``viewer_params``).

    An owner also sees what is assigned to the units they lead (``LED_UNITS``): read inside the condition by
    default; with ``led`` the caller has read them, and names them in ``viewer_units`` (``led``) or leads none
    (not ``led``). The list reads them first: under the OR a sub-select is run by PostgreSQL as a SubPlan
    against every hazard of the table (about 200 ms on a million), where a list of units lets it read the
    three arms from their indexes and combine them (BitmapOr)."""
    if seen == Visibility.all:
        return true()
    own = H.reporter_employee_no == bindparam("viewer_employee_no")
    if seen == Visibility.own:
        return own
    if seen == Visibility.none:
        return false()
    owned = H.owner_id == bindparam("viewer_id")
    if led is None:
        return or_(owned, own, H.unit_id.in_(LED_UNITS))
    if led:
        return or_(owned, own, H.unit_id.in_(_literal("viewer_units", expanding=True, type_=Integer)))
    return or_(owned, own)


def viewer_params(reader: Viewer) -> dict[str, Any]:
    """The reader's values the visibility conditions are bound to."""
    if visibility(reader.role) in (Visibility.all, Visibility.none):
        return {}
    # No person, no own reports: a NULL employee number matches no row.
    return {"viewer_id": reader.user_id, "viewer_employee_no": reader.employee_no}


def _literal(name: str, **kwargs: Any) -> BindParameter[Any]:
    """A parameter written into the statement's text when it runs (``literal_execute``).

    For the few-valued ones (a state, open or not, a grade, a channel, the page's limits): given as
    parameters, PostgreSQL cannot tell a plan for them apart from one for any other value, so it
    plans the list afresh on every execution (costing more than running it); with them
    in the text, a prepared statement keeps a generic plan where that is as good as a fresh one.
    """
    return bindparam(name, literal_execute=True, **kwargs)


# The codes a filter may name: the table and its code column, by the filter's field.
_CODES: dict[str, tuple[Any, Any]] = {
    "category": (Category, Category.code), "location": (Location, Location.code), "area": (Area, Area.code),
    "owner": (User, User.username), "unit": (OrgUnit, OrgUnit.code),
}
# Looking a code up (an unknown code is reported when nothing matched).
_CODE_LOOKUPS = {field: select(model.id).where(code == bindparam("code")) for field, (model, code) in _CODES.items()}


def _id_named(field: str) -> Any:
    """The id a filter's code names, looked up inside the list query itself (one round trip less)."""
    model, code = _CODES[field]
    return (select(model.id).where(code == bindparam(field)).limit(_literal("first", value=1, type_=Integer))
            .correlate(None).scalar_subquery())


# Each filter's condition, by its field in HazardFilters; its value a parameter of the field's name.
_FILTERS: dict[str, ColumnElement[bool]] = {
    "state": H.state.in_(_literal("state", expanding=True)),
    "open": H.is_open == _literal("open"),
    "grade": H.grade == _literal("grade"),
    "category": H.category_id == _id_named("category"),
    "location": H.location_id == _id_named("location"),
    "area": H.location_id.in_(select(_LOCATION.c.id).where(_LOCATION.c.area_id == _id_named("area"))),
    "source": H.source == _literal("source"),
    "reporter": H.reporter_employee_no == bindparam("reporter"),
    "owner": H.owner_id == _id_named("owner"),
    "unit": attribution.about_code(),
    "reported_from": H.reported_at >= bindparam("reported_from"),
    "reported_to": H.reported_at < bindparam("reported_to"),
}
# The unit cut (``unit``) on PostgreSQL, once the list has read the unit's reach and the places in its charge
# (``_unit_cut``): they are named in the statement. Under the OR of ``attribution.about`` PostgreSQL runs the
# sub-selects as SubPlans against every hazard of the table (1 s on a million for a unit with none); named,
# it reads each arm from its index. Keyed by the name the cut takes in the shape: a unit with places, one
# without, a code naming no unit.
_UNITS_NAMED, _PLACES_NAMED = (_literal(name, expanding=True, type_=Integer) for name in ("unit_units", "unit_places"))
_UNIT_CUTS: dict[str, ColumnElement[bool]] = {
    "unit_places": attribution.about_listed(_UNITS_NAMED, _PLACES_NAMED),
    "unit_units": attribution.about_listed(_UNITS_NAMED, None),
    "unit_unknown": false(),
}
_CONDITIONS = {**_FILTERS, **_UNIT_CUTS}


def late_steps() -> tuple[ColumnElement[bool], ...]:
    """Past a step's time limit, step by step: a fix past its deadline, a report not triaged in time, a fix not
    verified in time (each served by its own index: open and deadline, state and reported, the fixes waiting for
    verification)."""
    return (
        overdue_rule.condition(bindparam("now")),
        and_(H.state == _literal("triage_state", value=str(HazardState.reported), type_=String),
             H.reported_at < bindparam("triage_due")),
        and_(H.state == _literal("verification_state", value=str(HazardState.awaiting_verification), type_=String),
             H.rectified_at < bindparam("verification_due")),
    )


def late_params(now: datetime, limits: StepLimits) -> dict[str, datetime]:
    """The values ``late_steps`` are bound to."""
    return {"now": now, "triage_due": now - limits.triage, "verification_due": now - limits.verification}


def _late() -> ColumnElement[bool]:
    """Past a step's time limit, at any step."""
    return or_(*late_steps())


class Shape(NamedTuple):
    """What the list's statements depend on (the argument of ``statements``)."""

    given: frozenset[str]  # the filters given
    overdue: bool | None
    keys: Sort
    visibility: Visibility
    narrowed: bool  # by a filter or by the reader's view
    led: bool | None = None  # an owner's view: whether they lead a unit (``visible``); None for the others


@dataclass(frozen=True)
class Statements:
    """The statements of one shape of the list."""

    page: Select[Any]  # the page, with the capped count as its last column (``total``)
    counted: Select[Any]  # the capped count alone
    window: Select[Any]  # the page alone (``total`` NULL), of ids above :id_floor


class PageRow(NamedTuple):
    """The columns of the page statements: their labels, in this order, and what the drivers give."""

    id: int
    ref: str
    state: str
    grade: str | None
    source: str
    description: str
    reported_at: datetime | str  # SQLite's driver gives the stored text: see ``utc_value``
    deadline: datetime | str | None
    is_open: bool
    escalation_level: int
    rectified_at: datetime | str | None
    location_code: str
    location_name: str
    category_code: str | None
    owner_name: str | None
    total: int | None  # the capped count (``page``)


_TOTAL = PageRow._fields.index("total")


@functools.lru_cache(maxsize=512)
def statements(shape: Shape) -> Statements:
    """The statements of one shape, built once."""
    return _built(shape, None)


def _built(shape: Shape, found: search.Match | None) -> Statements:
    """The statements of one shape, narrowed by a text search when there is one (built for each)."""
    where = [visible(shape.visibility, led=shape.led), *(_CONDITIONS[name] for name in sorted(shape.given))]
    if shape.overdue and not found:
        return _late_statements(where, shape.keys)
    if shape.overdue is not None:
        where.append(_late() if shape.overdue else not_(_late()))
    if found:
        where.append(found.condition)  # type: ignore[arg-type]  # a TextClause is a condition too
    limited = _counted(where, found, narrowed=shape.narrowed).limit(_literal("count_limit", type_=Integer))
    counted = select(func.count()).select_from(limited.subquery())
    return Statements(
        page=_page(where, shape.keys, found, counted.scalar_subquery().label("total")), counted=counted,
        window=_page([*where, H.id > bindparam("id_floor")], shape.keys, found, null().label("total")),
    )


def _late_statements(where: list[ColumnElement[bool]], keys: Sort) -> Statements:
    """The statements of the late hazards: each step's from its own index, merged.

    Under one OR of the three steps the databases read every late hazard's row to sort them or to count them
    (tens of thousands on a large register); step by step, an index walked in the page's order stops at the
    page's end (``reach``: its offset and limit) and a count at the cap, and the merge removes a hazard late at
    two steps. The first ``reach`` of the merge are among the first ``reach`` of the steps, so the page is the
    one the OR gives.

    The hazards past their deadline come first in the deadline's order, and first in the count. A hazard late
    at another step (an open one) and not past its deadline has a deadline yet to come, or none: by the
    deadline it sorts after every hazard past theirs. So when ``reach`` hazards are past their deadline, the
    page is theirs alone and the other steps are read with a limit of 0 (neither database then reads those
    steps' indexes, nor sorts what it would find there: on a large register, thousands of reports late for
    triage with no deadline to be read in order by); when the count's cap is reached by them, the count is
    theirs alone.
    """
    steps = late_steps()
    past_deadline = steps[0]
    reach = _literal("reach", type_=Integer)
    keyed = [H[name] for name in dict.fromkeys(("id", *(name for name, _ in keys)))]
    others = _others_after(where, past_deadline, reach) if keys[0] == ("deadline", False) else reach
    each = [select(*keyed).where(*where, step).order_by(*_order(H, keys)).limit(limit)
            for step, limit in zip(steps, (reach, others, others), strict=True)]
    merged = union(*(select(*part.subquery().c) for part in each)).subquery()
    ids = (select(merged.c.id).order_by(*_order(merged.c, keys)).limit(_literal("limit", type_=Integer))
           .offset(_literal("offset", type_=Integer)))
    # Counted without a merge: the steps made disjoint (a report waiting for triage and a fix waiting for
    # verification count at those steps only when not also past a deadline; both states are open ones, as the
    # one writer of state keeps ``is_open``), each capped; their sum reaches the cap exactly when the late
    # hazards do, and the hazards past their deadline alone when they reach it.
    cap = _literal("count_limit", type_=Integer)
    not_past_deadline = or_(H.deadline.is_(None), H.deadline >= bindparam("now"))
    first = _capped_count(where, past_deadline, cap).subquery()
    triage, verification = (_capped_count(where, and_(step, not_past_deadline), cap).scalar_subquery()
                            for step in steps[1:])
    counted = select(case((first.c.n >= cap, first.c.n), else_=first.c.n + triage + verification))
    return Statements(page=_page(where, keys, None, counted.scalar_subquery().label("total"), ids=ids),
                      counted=counted, window=_page([*where, _late(), H.id > bindparam("id_floor")], keys, None,
                                                    null().label("total")))


def _capped_count(where: list[ColumnElement[bool]], condition: ColumnElement[bool], cap: Any) -> Select[Any]:
    """How many hazards meet ``condition``, up to ``cap``, from an index alone where one serves it."""
    return select(func.count().label("n")).select_from(select(_NO_COLUMN).where(*where, condition).limit(cap)
                                                       .subquery())


def _others_after(where: list[ColumnElement[bool]], past_deadline: ColumnElement[bool], reach: Any) -> Any:
    """The limit of the steps after the hazards past their deadline (by the deadline's order): 0 when ``reach``
    of those fill the page, else ``reach``."""
    return case((_capped_count(where, past_deadline, reach).scalar_subquery() >= reach, literal_column("0", Integer)),
                else_=reach)


# Of the sort keys only the deadline can be empty (a report not yet assigned): it sorts as the latest deadline,
# last by "deadline" and first by "-deadline", on both databases (PostgreSQL's own order; SQLite puts NULL first
# by default). Both still read the order from the deadline's indexes (SQLite walks the NULLs after the rest).
_NULLABLE_KEYS = frozenset({"deadline"})


def _order(columns: Any, keys: Sort) -> list[Any]:
    return [_ordered(columns[name], descending, name in _NULLABLE_KEYS) for name, descending in keys]


def _ordered(column: Any, descending: bool, nullable: bool) -> Any:
    ordered = column.desc() if descending else column.asc()
    if not nullable:
        return ordered
    return ordered.nulls_first() if descending else ordered.nulls_last()


_NAMED_COLUMNS = {
    **{name: H[name] for name in PageRow._fields if name in H},
    "location_code": _LOCATION.c.code, "location_name": _LOCATION.c.name_zh,
    "category_code": _CATEGORY.c.code, "owner_name": _OWNER.c.username,
}


def _page(where: list[ColumnElement[bool]], keys: Sort, found: search.Match | None, total: Any,
          ids: Select[Any] | None = None) -> Select[Any]:
    """One page of hazards with the names shown beside them (small tables, joined by primary key).

    The page's ids (``ids`` when the caller chose them) are chosen first, from the index alone where it can,
    so rows skipped on the way to a deep offset are neither read nor joined.
    """
    sortable: dict[str, Any] = {name: H[name] for name in ("reported_at", "deadline", "updated_at")}
    sortable["id"] = found.id_column(_HAZARD) if found else H.id
    if ids is None:
        ids = (
            select(H.id).select_from(found.joined_to(_HAZARD) if found else _HAZARD).where(*where)
            .order_by(*_order(sortable, keys)).limit(_literal("limit", type_=Integer))
            .offset(_literal("offset", type_=Integer))
        )
    ids = ids.correlate(None)
    named = (
        _HAZARD.join(_LOCATION, _LOCATION.c.id == H.location_id)
        .outerjoin(_CATEGORY, _CATEGORY.c.id == H.category_id)
        .outerjoin(_OWNER, _OWNER.c.id == H.owner_id)
    )
    columns = [_NAMED_COLUMNS[name].label(name) for name in PageRow._fields[:-1]]
    return select(*columns, total).select_from(named).where(H.id.in_(ids)).order_by(*_order(H, keys))


# The count reads no column, so an index holding the filtered columns answers it alone.
_NO_COLUMN: ColumnElement[int] = literal_column("1").label("one")


def _counted(where: list[ColumnElement[bool]], found: search.Match | None, *, narrowed: bool) -> Select[Any]:
    """The rows to count; a bare text search by a user who sees everything counts in the full-text index alone."""
    if found and found.index is not None and not narrowed:
        return select(_NO_COLUMN).select_from(found.index).where(found.condition)
    return select(_NO_COLUMN).select_from(found.joined_to(_HAZARD) if found else _HAZARD).where(*where)


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
    return shape, (_built(shape, found) if found else statements(shape)), params, found


def _search(filters: HazardFilters, dialect: Dialect) -> Plan[search.Match]:
    found = search.match(filters.q or "", dialect)
    if found is None:
        yield from _check_codes(filters)  # an unknown code is the first thing reported, as ever
        raise InvalidInput("the search text holds no letters or digits", field="q")
    return found


def _check_codes(filters: HazardFilters) -> Plan[None]:
    """Raise InvalidInput for a filter naming an unknown code (checked only when nothing matched)."""
    for field, lookup in _CODE_LOOKUPS.items():
        if (value := getattr(filters, field)) and not (yield Query(lookup, {"code": value})):
            raise InvalidInput(f"unknown {field} {value!r}", field=field)


def _led_units(reader: Viewer) -> Plan[list[int]]:
    """The units this owner leads and those under them (``visible``)."""
    return [unit_id for unit_id, in (yield Query(LED_UNITS, {"viewer_id": reader.user_id}))]


def _unit_cut(code: str) -> Plan[tuple[list[int], list[int]]]:
    """The unit with this code and those under it, and the places in their charge (``_UNIT_CUTS``)."""
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
    """The unit cut in ``given`` under the name of its condition with the units and places named (``_UNIT_CUTS``),
    and the values of their parameters."""
    del given["unit"]
    units, places = cut
    given["unit_places" if places else "unit_units" if units else "unit_unknown"] = None  # its values: below
    return {"unit_units": sorted(units), "unit_places": sorted(places)} if units else {}


def _given(filters: HazardFilters) -> dict[str, Any]:
    """The filters given, with the values their parameters take."""
    values = {name: getattr(filters, name) for name in _FILTERS}
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
_NEWEST_ID = select(func.max(H.id))


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


def late(state: str, *, reported_at: datetime, deadline: datetime | None, rectified_at: datetime | None,
         now: datetime, limits: StepLimits) -> tuple[str | None, datetime | None]:
    """The step of an open hazard past its time limit, and since when; (None, None) when none is."""
    if state == HazardState.reported and reported_at + limits.triage < now:
        return "triage", reported_at + limits.triage
    if state == HazardState.awaiting_verification and rectified_at and rectified_at + limits.verification < now:
        return "verification", rectified_at + limits.verification
    if deadline is not None and deadline < now:
        return "rectification", deadline
    return None, None
