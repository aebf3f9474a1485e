"""Reading the register: the filtered, paged list and the detail view.

The list is built from plain columns (no ORM objects) because it is the hottest path;
each common filter has an index that also serves the sort, and the capped count reads
only indexed columns, so an index answers it without touching the table.
"""

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

import psycopg
from sqlalchemy import (
    ColumnElement,
    Integer,
    String,
    and_,
    bindparam,
    false,
    func,
    literal_column,
    not_,
    or_,
    select,
    true,
)
from sqlalchemy.engine import Connection
from sqlmodel import Session, col

from safety_service.clock import as_utc
from safety_service.database import AsyncReads, driver_statement, utc_value
from safety_service.errors import InvalidInput, NotFound
from safety_service.hazards import attribution, search
from safety_service.hazards import overdue as overdue_rule
from safety_service.hazards import service as hazards_service
from safety_service.hazards.levels import HazardLevel
from safety_service.hazards.library import LibraryItem
from safety_service.hazards.models import Hazard
from safety_service.hazards.schemas import (
    COUNT_LIMIT,
    SEARCH_COUNT_LIMIT,
    HazardEventPublic,
    HazardFilters,
    HazardPublic,
    StepLimits,
)
from safety_service.hazards.states import HazardState
from safety_service.locations.models import Area, Category, Location
from safety_service.people.models import OFFICER_ROLES, STAFF_ROLES, Person, Role, User, Viewer
from safety_service.units import service as units_service
from safety_service.units.models import OrgUnit

H = Hazard.__table__.c
SORT_KEYS = {
    "-reported_at": (("reported_at", True), ("id", True)),
    "reported_at": (("reported_at", False), ("id", False)),
    "deadline": (("deadline", False), ("id", False)),
    "-deadline": (("deadline", True), ("id", True)),
    "-updated_at": (("updated_at", True), ("id", True)),
    "-id": (("id", True),),
}


def _order(columns: Any, keys: tuple[tuple[str, bool], ...]) -> list[Any]:
    return [columns[name].desc() if descending else columns[name].asc() for name, descending in keys]


def _visibility(role: Role) -> str:
    """Which part of the register this role may read (a key of ``_VISIBLE``)."""
    if role in STAFF_ROLES:
        return "all"
    if role == Role.owner:
        return "owned_or_own"
    return "own" if role in {Role.miner, Role.supervisor} else "none"


def viewer(session: Session, user: User) -> Viewer:
    """The account as a reader of the register (its person's employee number read only when it matters)."""
    assert user.id is not None
    person = session.get(Person, user.person_id) if user.person_id and _visibility(user.role) != "all" else None
    return Viewer(user.id, user.role, person.employee_no if person else None)


def _viewer_params(reader: Viewer) -> dict[str, Any]:
    """The reader's values the visibility conditions are bound to."""
    if _visibility(reader.role) in ("all", "none"):
        return {}
    # No person, no own reports: a NULL employee number matches no row.
    return {"viewer_id": reader.user_id, "viewer_employee_no": reader.employee_no}


_VISIBLE: dict[str, ColumnElement[bool]] = {
    "all": true(),
    # An owner who leads a unit (区队长/科长) also sees what is assigned to the unit and those under it.
    "owned_or_own": or_(H.owner_id == bindparam("viewer_id"),
                        H.reporter_employee_no == bindparam("viewer_employee_no"),
                        H.unit_id.in_(units_service.reach(
                            select(OrgUnit.id).where(OrgUnit.leader_id == bindparam("viewer_id"))))),
    "own": H.reporter_employee_no == bindparam("viewer_employee_no"),
    "none": false(),
}


def _id_of(connection: Connection, model: Any, code_column: Any, value: str, field: str) -> int:
    found = connection.execute(select(model.id).where(code_column == value)).scalars().first()
    if found is None:
        raise InvalidInput(f"unknown {field} {value!r}", field=field)
    return found


# The codes a filter may name: the model, its code column and the filter's field.
_CODES = {
    "category": (Category, Category.code), "location": (Location, Location.code),
    "area": (Area, Area.code), "owner": (User, User.username), "unit": (OrgUnit, OrgUnit.code),
}


def _id_subquery(field: str) -> Any:
    """The id a filter's code names, looked up inside the list query itself (one round trip less)."""
    model, code_column = _CODES[field]
    return select(model.id).where(code_column == bindparam(field)).limit(_ONE).correlate(None).scalar_subquery()


def _check_codes(connection: Connection, filters: HazardFilters) -> None:
    """Raise InvalidInput for a filter naming an unknown code (checked only when nothing matched)."""
    for field, (model, code_column) in _CODES.items():
        if value := getattr(filters, field):
            _id_of(connection, model, code_column, value, field)


def _literal(name: str, **kwargs: Any) -> Any:
    """A parameter written into the statement's text when it runs (``literal_execute``).

    For the few-valued ones (a state, open or not, a grade, a channel, the page's limits): given as
    parameters, PostgreSQL cannot tell a plan for them apart from one for any other value, so it
    plans the list afresh on every execution (costing more than running it); with them
    in the text, a prepared statement keeps a generic plan where that is as good as a fresh one.
    """
    return bindparam(name, literal_execute=True, **kwargs)


_ONE = _literal("one", value=1, type_=Integer)
# Each filter's condition, its value a parameter of the filter's name.
_FILTERS: dict[str, ColumnElement[bool]] = {
    "state": H.state.in_(_literal("state", expanding=True)),
    "open": H.is_open == _literal("open"),
    "grade": H.grade == _literal("grade"),
    "category": H.category_id == _id_subquery("category"),
    "location": H.location_id == _id_subquery("location"),
    "area": H.location_id.in_(select(Location.id).where(Location.area_id == _id_subquery("area"))),
    "source": H.source == _literal("source"),
    "reporter": H.reporter_employee_no == bindparam("reporter"),
    "owner": H.owner_id == _id_subquery("owner"),
    "unit": attribution.about_code(),
    "reported_from": H.reported_at >= bindparam("reported_from"),
    "reported_to": H.reported_at < bindparam("reported_to"),
}
# Past a step's time limit: a report not triaged in time, a fix past its deadline, a fix not verified in time.
_OVERDUE = or_(
    overdue_rule.condition(bindparam("now")),
    and_(H.state == _literal("triage_state", value=str(HazardState.reported), type_=String),
         H.reported_at < bindparam("triage_due")),
    and_(H.state == _literal("verification_state", value=str(HazardState.awaiting_verification), type_=String),
         H.rectified_at < bindparam("verification_due")),
)


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


def _search(connection: Connection, filters: HazardFilters) -> search.Match:
    found = search.match(filters.q or "", connection.dialect)
    if found is None:
        _check_codes(connection, filters)  # an unknown code is the first thing reported, as ever
        raise InvalidInput("the search text holds no letters or digits", field="q")
    return found


def list_hazards(session: Session, *, filters: HazardFilters, user: User, now: datetime,
                 limits: StepLimits) -> dict[str, Any]:
    """One page of hazards this user may see, and how many match, in the session's transaction."""
    return hazard_page(session.connection(), filters=filters, reader=viewer(session, user), now=now, limits=limits)


def hazard_page(connection: Connection, *, filters: HazardFilters, reader: Viewer, now: datetime,
                limits: StepLimits) -> dict[str, Any]:
    """One page of hazards this reader may see, and how many match (capped at COUNT_LIMIT, or SEARCH_COUNT_LIMIT).

    The statements are built once per shape (which filters, which sort, whose view) and run with
    the values as parameters, on the driver's cursor: building, keying and processing a statement
    in SQLAlchemy cost more than running it.
    """
    shape, params = _plan(filters, reader, now, limits)
    found = _search(connection, filters) if filters.q else None
    statements = _statements(*shape, found=found) if found else _cached_statements(*shape)
    if found is not None and found.index is None and shape.keys == SORT_KEYS["-id"]:
        rows, count = _newest_matches_first(connection, statements, params, filters.limit)
    else:
        # The count rides along with the page: one round trip for both.
        rows = statements.run(connection, "page", params)
        count = rows[0][-1] if rows else statements.run(connection, "counted", params)[0][0]
    if not rows:
        _check_codes(connection, filters)
    return _answer(filters, rows, count, now, limits)


async def hazard_page_async(reads: AsyncReads, connection: psycopg.AsyncConnection[Any], *, filters: HazardFilters,
                            reader: Viewer, now: datetime, limits: StepLimits) -> dict[str, Any] | None:
    """``hazard_page`` on an async PostgreSQL connection, where one statement answers: a page with
    rows and no text search. None otherwise (a search, an empty page), for ``hazard_page``."""
    if filters.q:
        return None
    shape, params = _plan(filters, reader, now, limits)
    rows = await driver_statement(_cached_statements(*shape).page, reads.dialect).fetch_async(connection, params)
    return _answer(filters, rows, rows[0][-1], now, limits) if rows else None


class _Shape(NamedTuple):
    """What the list's statements depend on (the arguments of ``_statements``)."""

    given: frozenset[str]  # the filters given
    overdue: bool | None
    keys: tuple[tuple[str, bool], ...]  # the sort
    visibility: str
    narrowed: bool  # by a filter or by the reader's view


def _plan(filters: HazardFilters, reader: Viewer, now: datetime, limits: StepLimits) -> tuple[_Shape, dict[str, Any]]:
    """The shape of the list's statements and the values of their parameters."""
    given = _given(filters)
    keys = SORT_KEYS[filters.sort or ("deadline" if filters.overdue else "-id" if filters.q else "-reported_at")]
    shape = _Shape(frozenset(given), filters.overdue, keys, _visibility(reader.role),
                   bool(given) or reader.role not in STAFF_ROLES)
    params = {**given, **_viewer_params(reader), "now": now, "limit": filters.limit, "offset": filters.offset,
              "count_limit": _count_limit(filters) + 1}
    if filters.overdue is not None:
        params.update(triage_due=now - limits.triage, verification_due=now - limits.verification)
    return shape, params


def _count_limit(filters: HazardFilters) -> int:
    return SEARCH_COUNT_LIMIT if filters.q else COUNT_LIMIT


def _answer(filters: HazardFilters, rows: Sequence[Sequence[Any]], count: int, now: datetime,
            limits: StepLimits) -> dict[str, Any]:
    count_limit = _count_limit(filters)
    return {
        "data": [_summary(row, now, limits) for row in rows],
        "count": min(count, count_limit),
        "count_capped": count > count_limit,
        "count_limit": count_limit,
        "limit": filters.limit,
        "offset": filters.offset,
    }


# PostgreSQL's GIN index tells which rows match a text search, not in id order: a page of the
# newest matches bitmap-scans every match, and for a phrase whose bigrams always occur together
# the planner (multiplying their selectivities) expects a hundred rows where 22,000 match. So the
# newest ids are searched first, in widening windows; a window that fills the page gives the same
# page as the whole table would, since every id in it comes before every id outside it.
ID_WINDOWS = (20_000, 200_000)
_NEWEST_ID = select(func.max(H.id))


def _newest_matches_first(connection: Any, statements: "_Statements", params: dict[str, Any],
                          limit: int) -> tuple[list[Any], int]:
    """A newest-first page of text-search matches on PostgreSQL, and their capped count."""
    count = statements.run(connection, "counted", params)[0][0]
    if not count:
        return [], 0
    newest = connection.execute(_NEWEST_ID).scalar_one()
    for window in ID_WINDOWS:
        floor = newest - window
        if floor <= 0:
            break
        rows = statements.run(connection, "window", {**params, "id_floor": floor})
        if len(rows) == limit:
            return rows, count
    return statements.run(connection, "window", {**params, "id_floor": 0}), count


@dataclass(frozen=True)
class _Statements:
    page: Any  # the page, with the capped count as its last column
    counted: Any  # the capped count alone
    window: Any  # the page alone, of ids above :id_floor
    # Run on the driver's cursor (the cached shapes); a text search's statements, built per query
    # with its terms inside, go through SQLAlchemy and its compiled cache.
    on_driver: bool

    def run(self, connection: Connection, name: str, params: dict[str, Any]) -> Sequence[Sequence[Any]]:
        """The rows of one of the statements."""
        statement = getattr(self, name)
        if self.on_driver:
            return driver_statement(statement, connection.dialect).fetch(connection, params)
        return connection.execute(statement, params).all()


def _statements(given: frozenset[str], overdue: bool | None, keys: tuple[tuple[str, bool], ...], visibility: str,
                narrowed: bool, found: search.Match | None = None) -> _Statements:
    """The statements of one shape."""
    where = [_VISIBLE[visibility], *(_FILTERS[name] for name in sorted(given))]
    if overdue is not None:
        where.append(_OVERDUE if overdue else not_(_OVERDUE))
    if found:
        where.append(found.condition)
    counted = select(func.count()).select_from(
        _counted(where, found, narrowed=narrowed).limit(_literal("count_limit", type_=Integer)).subquery()
    )
    return _Statements(
        page=_page(where, keys, found).add_columns(counted.scalar_subquery()), counted=counted,
        window=_page([*where, H.id > bindparam("id_floor")], keys, found), on_driver=found is None,
    )


_cached_statements = functools.lru_cache(maxsize=512)(_statements)


_HAZARD = Hazard.__table__
_LOCATION, _CATEGORY, _OWNER = Location.__table__, Category.__table__, User.__table__.alias("owner")
_PAGE_COLUMNS = (
    *(H[name] for name in ("id", "ref", "state", "grade", "source", "description", "reported_at", "deadline",
                           "is_open", "escalation_level", "rectified_at")),
    _LOCATION.c.code.label("location_code"), _LOCATION.c.name_zh.label("location_name"),
    _CATEGORY.c.code.label("category_code"), _OWNER.c.username.label("owner_name"),
)
# The count reads no column, so an index holding the filtered columns answers it alone.
_ONE = literal_column("1").label("one")


def _page(where: list[ColumnElement[bool]], keys: tuple[tuple[str, bool], ...], found: search.Match | None) -> Any:
    """One page of hazards with the names shown beside them (small tables, joined by primary key).

    The page's ids are chosen first, from the index alone where it can, so rows skipped on the
    way to a deep offset are neither read nor joined.
    """
    sortable = {name: H[name] for name in ("reported_at", "deadline", "updated_at")}
    sortable["id"] = found.id_column(_HAZARD) if found else H.id
    ids = (
        select(H.id).select_from(found.joined_to(_HAZARD) if found else _HAZARD).where(*where)
        .order_by(*_order(sortable, keys)).limit(_literal("limit", type_=Integer))
        .offset(_literal("offset", type_=Integer)).correlate(None)
    )
    named = (
        _HAZARD.join(_LOCATION, _LOCATION.c.id == H.location_id)
        .outerjoin(_CATEGORY, _CATEGORY.c.id == H.category_id)
        .outerjoin(_OWNER, _OWNER.c.id == H.owner_id)
    )
    return select(*_PAGE_COLUMNS).select_from(named).where(H.id.in_(ids)).order_by(*_order(H, keys))


def _counted(where: list[ColumnElement[bool]], found: search.Match | None, *, narrowed: bool) -> Any:
    """The rows to count; a bare text search by a user who sees everything counts in the full-text index alone."""
    if found and found.index is not None and not narrowed:
        return select(_ONE).select_from(found.index).where(found.condition)
    return select(_ONE).select_from(found.joined_to(_HAZARD) if found else _HAZARD).where(*where)


def _summary(row: Any, now: datetime, limits: StepLimits) -> dict[str, Any]:
    # Unpacked by position (the order of _PAGE_COLUMNS): the hottest loop of the list. The times
    # stay datetimes: orjson writes them as ISO 8601 in C.
    _, ref, state, grade, source, description, reported_at, deadline, is_open, escalation_level, rectified_at, \
        location_code, location_name, category_code, owner_name, *_ = row
    deadline, reported_at = utc_value(deadline), utc_value(reported_at)
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


def late_counts(session: Session, *, now: datetime, limits: StepLimits, unit: str | None = None) -> dict[str, int]:
    """How many open hazards (about the unit, when one is given) are past each step's time limit (each counted once,
    at its own step)."""
    triage = and_(H.state == str(HazardState.reported), H.reported_at < now - limits.triage)
    verification = and_(H.state == str(HazardState.awaiting_verification),
                        H.rectified_at < now - limits.verification)
    rectification = and_(overdue_rule.condition(now), not_(verification))
    conditions = {"triage": triage, "rectification": rectification, "verification": verification}
    cut = (attribution.about_code(unit),) if unit else ()
    return {step: session.connection().execute(select(func.count()).select_from(_HAZARD).where(condition, *cut))
            .scalar_one() for step, condition in conditions.items()}


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


def get_visible(session: Session, *, ref: str, user: User) -> Hazard:
    """The hazard with this reference if this user may see it; NotFound otherwise."""
    query = select(Hazard).where(col(Hazard.ref) == ref, _VISIBLE[_visibility(user.role)])
    hazard = session.exec(query, params=_viewer_params(viewer(session, user))).scalars().first()
    if hazard is None:
        raise NotFound(f"no hazard {ref!r}", field="ref")
    return hazard


def detail(session: Session, *, hazard: Hazard, user: User, now: datetime) -> HazardPublic:
    """Everything about one hazard, with its history and what this user may do now."""
    names = _names(session, hazard)
    events = hazards_service.history(session, hazard=hazard)
    deadline = as_utc(hazard.deadline) if hazard.deadline else None
    return HazardPublic.model_validate(
        hazard,
        update={
            "allowed_actions": [str(a) for a in hazards_service.allowed_actions(hazard, user)],
            "allowed_outcomes": {str(a): to for a, to in hazards_service.allowed_outcomes(hazard, user).items()},
            "refusals": hazards_service.refusals(hazard, user),
            "category": names["category"], "location": names["location"].code,
            "location_name": names["location"].name_zh, "owner": names["owner"],
            "unit": names["unit"].code if names["unit"] else None, "level": names["level"],
            "unit_name": names["unit"].name_zh if names["unit"] else None,
            "verified_by": names["verified_by"], "duplicate_of": names["duplicate_of"],
            "library_item": names["library_item"],
            "anonymous": not hazard.reporter_name and not hazard.reporter_employee_no,  # a kiosk sends ""
            "overdue": overdue_rule.holds(is_open=hazard.is_open, deadline=deadline, now=now),
            "reporter_name": hazard.reporter_name if _sees_reporter(user) else None,
            "reporter_employee_no": hazard.reporter_employee_no if _sees_reporter(user) else None,
            "history": [HazardEventPublic.of(e, actor) for e, actor in events],
        },
    )


def _sees_reporter(user: User) -> bool:
    return user.role in OFFICER_ROLES or user.role == Role.admin


def _names(session: Session, hazard: Hazard) -> dict[str, Any]:
    def username(user_id: int | None) -> str | None:
        user = session.get(User, user_id) if user_id else None
        return user.username if user else None

    category = session.get(Category, hazard.category_id) if hazard.category_id else None
    original = session.get(Hazard, hazard.duplicate_of_id) if hazard.duplicate_of_id else None
    return {
        "location": session.get(Location, hazard.location_id),
        "category": category.code if category else None,
        "owner": username(hazard.owner_id),
        "unit": session.get(OrgUnit, hazard.unit_id) if hazard.unit_id else None,
        "level": level.code if (level := session.get(HazardLevel, hazard.level_id) if hazard.level_id else None)
        else None,
        "verified_by": username(hazard.verified_by_id),
        "duplicate_of": original.ref if original else None,
        "library_item": item.title if (item := session.get(LibraryItem, hazard.library_item_id)
                                       if hazard.library_item_id else None) else None,
    }

