"""The hazard list's statements, built once per shape: which filters are given, the overdue filter, the sort
and the reader's view (``Shape``), and from them the page with its capped count, the count alone and the page
above an id (``Statements``).

Built by SQLAlchemy once per shape (``statements``, cached) and run with the values as parameters on the
driver's cursor; a text search's are built for each search (``build``). Each common filter has an index that
also serves the sort, and the capped count reads only indexed columns, so an index answers it without touching
the table. The plans that run them are ``listing``'s.
"""

import functools
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
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
    union,
)

from safety_service.database import table_of
from safety_service.hazards import attribution, search
from safety_service.hazards.conditions import Visibility, late_at_any_step, late_steps, literal, visible
from safety_service.hazards.models import Hazard
from safety_service.locations.models import Area, Category, Location
from safety_service.people.models import User
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


# The codes a filter may name: the table and its code column, by the filter's field.
_CODES: dict[str, tuple[Any, Any]] = {
    "category": (Category, Category.code), "location": (Location, Location.code), "area": (Area, Area.code),
    "owner": (User, User.username), "unit": (OrgUnit, OrgUnit.code),
}
# Looking a code up (an unknown code is reported when nothing matched).
CODE_LOOKUPS = {field: select(model.id).where(code == bindparam("code")) for field, (model, code) in _CODES.items()}


def _id_named(field: str) -> Any:
    """The id a filter's code names, looked up inside the list query itself (one round trip less)."""
    model, code = _CODES[field]
    return (select(model.id).where(code == bindparam(field)).limit(literal("first", value=1, type_=Integer))
            .correlate(None).scalar_subquery())


# Each filter's condition, by its field in HazardFilters; its value a parameter of the field's name.
FILTERS: dict[str, ColumnElement[bool]] = {
    "state": H.state.in_(literal("state", expanding=True)),
    "open": H.is_open == literal("open"),
    "grade": H.grade == literal("grade"),
    "category": H.category_id == _id_named("category"),
    "location": H.location_id == _id_named("location"),
    "area": H.location_id.in_(select(_LOCATION.c.id).where(_LOCATION.c.area_id == _id_named("area"))),
    "source": H.source == literal("source"),
    "reporter": H.reporter_employee_no == bindparam("reporter"),
    "owner": H.owner_id == _id_named("owner"),
    "unit": attribution.about_code(),
    "reported_from": H.reported_at >= bindparam("reported_from"),
    "reported_to": H.reported_at < bindparam("reported_to"),
}
# The unit cut (``unit``) on PostgreSQL, once the list has read the unit's reach and the places in its charge
# (``listing._unit_cut``): they are named in the statement. Under the OR of ``attribution.about`` PostgreSQL
# runs the sub-selects as SubPlans against every hazard of the table (1 s on a million for a unit with none);
# named, it reads each arm from its index. Keyed by the name the cut takes in the shape: a unit with places,
# one without, a code naming no unit.
_UNITS_NAMED, _PLACES_NAMED = (literal(name, expanding=True, type_=Integer) for name in ("unit_units", "unit_places"))
_UNIT_CUTS: dict[str, ColumnElement[bool]] = {
    "unit_places": attribution.about_listed(_UNITS_NAMED, _PLACES_NAMED),
    "unit_units": attribution.about_listed(_UNITS_NAMED, None),
    "unit_unknown": false(),
}
_CONDITIONS = {**FILTERS, **_UNIT_CUTS}


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




@functools.lru_cache(maxsize=512)
def statements(shape: Shape) -> Statements:
    """The statements of one shape, built once."""
    return build(shape, None)


def build(shape: Shape, found: search.Match | None) -> Statements:
    """The statements of one shape, narrowed by a text search when there is one (built for each)."""
    where = [visible(shape.visibility, led=shape.led), *(_CONDITIONS[name] for name in sorted(shape.given))]
    if shape.overdue and not found:
        return _late_statements(where, shape.keys)
    if shape.overdue is not None:
        where.append(late_at_any_step() if shape.overdue else not_(late_at_any_step()))
    if found:
        where.append(found.condition)  # type: ignore[arg-type]  # a TextClause is a condition too
    limited = _counted(where, found, narrowed=shape.narrowed).limit(literal("count_limit", type_=Integer))
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
    reach = literal("reach", type_=Integer)
    keyed = [H[name] for name in dict.fromkeys(("id", *(name for name, _ in keys)))]
    others = _others_after(where, past_deadline, reach) if keys[0] == ("deadline", False) else reach
    each = [select(*keyed).where(*where, step).order_by(*_order(H, keys)).limit(limit)
            for step, limit in zip(steps, (reach, others, others), strict=True)]
    merged = union(*(select(*part.subquery().c) for part in each)).subquery()
    ids = (select(merged.c.id).order_by(*_order(merged.c, keys)).limit(literal("limit", type_=Integer))
           .offset(literal("offset", type_=Integer)))
    # Counted without a merge: the steps made disjoint (a report waiting for triage and a fix waiting for
    # verification count at those steps only when not also past a deadline; both states are open ones, as the
    # one writer of state keeps ``is_open``), each capped; their sum reaches the cap exactly when the late
    # hazards do, and the hazards past their deadline alone when they reach it.
    cap = literal("count_limit", type_=Integer)
    not_past_deadline = or_(H.deadline.is_(None), H.deadline >= bindparam("now"))
    first = _capped_count(where, past_deadline, cap).subquery()
    triage, verification = (_capped_count(where, and_(step, not_past_deadline), cap).scalar_subquery()
                            for step in steps[1:])
    counted = select(case((first.c.n >= cap, first.c.n), else_=first.c.n + triage + verification))
    return Statements(page=_page(where, keys, None, counted.scalar_subquery().label("total"), ids=ids),
                      counted=counted,
                      window=_page([*where, late_at_any_step(), H.id > bindparam("id_floor")], keys, None,
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
            .order_by(*_order(sortable, keys)).limit(literal("limit", type_=Integer))
            .offset(literal("offset", type_=Integer))
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

