"""Reading the register: the filtered, paged list and the detail view.

The list is built from plain columns (no ORM objects) because it is the hottest path;
each common filter has an index that also serves the sort.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, false, func, not_, or_, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from safety_service.clock import as_utc
from safety_service.errors import InvalidInput, NotFound
from safety_service.hazards import search
from safety_service.hazards import service as hazards_service
from safety_service.hazards.models import Hazard
from safety_service.hazards.schemas import COUNT_LIMIT, HazardEventPublic, HazardFilters, HazardPublic
from safety_service.locations.models import Area, Category, Location
from safety_service.people.models import OFFICER_ROLES, STAFF_ROLES, Person, Role, User

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


def visible_to(session: Session, user: User) -> ColumnElement[bool]:
    """What part of the register this user may read."""
    if user.role in STAFF_ROLES:
        return H.id.isnot(None)
    if user.role == Role.owner:
        return or_(H.owner_id == user.id, _own_reports(session, user))
    if user.role in {Role.miner, Role.supervisor}:
        return _own_reports(session, user)
    return false()


def _own_reports(session: Session, user: User) -> ColumnElement[bool]:
    person = session.get(Person, user.person_id) if user.person_id else None
    return H.reporter_employee_no == person.employee_no if person else false()


def _id_of(session: Session, model: Any, code_column: Any, value: str, field: str) -> int:
    found = session.exec(select(model.id).where(code_column == value)).scalars().first()
    if found is None:
        raise InvalidInput(f"unknown {field} {value!r}", field=field)
    return found


def _conditions(session: Session, filters: HazardFilters, *, now: datetime) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if filters.state:
        where.append(H.state.in_([str(s) for s in filters.state]))
    if filters.open is not None:
        where.append(H.is_open.is_(filters.open))
    if filters.grade is not None:
        where.append(H.grade == filters.grade)
    if filters.category:
        where.append(H.category_id == _id_of(session, Category, Category.code, filters.category, "category"))
    if filters.location:
        where.append(H.location_id == _id_of(session, Location, Location.code, filters.location, "location"))
    if filters.area:
        area_id = _id_of(session, Area, Area.code, filters.area, "area")
        where.append(H.location_id.in_(select(Location.id).where(Location.area_id == area_id)))
    if filters.source is not None:
        where.append(H.source == filters.source)
    if filters.overdue is not None:
        overdue = and_(H.is_open.is_(True), H.deadline < now)
        where.append(overdue if filters.overdue else not_(overdue))
    if filters.reporter:
        where.append(H.reporter_employee_no == filters.reporter)
    if filters.owner:
        where.append(H.owner_id == _id_of(session, User, User.username, filters.owner, "owner"))
    if filters.reported_from is not None:
        where.append(H.reported_at >= filters.reported_from)
    if filters.reported_to is not None:
        where.append(H.reported_at < filters.reported_to)
    return where


def _search(session: Session, query: str) -> ColumnElement[bool]:
    clause = search.match_clause(H.id, H.search_text, query, session.get_bind().dialect)
    if clause is None:
        raise InvalidInput("the search text holds no letters or digits", field="q")
    return clause


def list_hazards(session: Session, *, filters: HazardFilters, user: User, now: datetime) -> dict[str, Any]:
    """One page of hazards this user may see, and how many match (capped at COUNT_LIMIT)."""
    where = [visible_to(session, user), *_conditions(session, filters, now=now)]
    if filters.q:
        where.append(_search(session, filters.q))
    sort = filters.sort or ("deadline" if filters.overdue else "-id" if filters.q else "-reported_at")
    keys = SORT_KEYS[sort]
    page = (
        select(*[H[name] for name in _PAGE_COLUMNS]).where(*where)
        .order_by(*_order(H, keys)).limit(filters.limit).offset(filters.offset).subquery("page")
    )
    owner = aliased(User)
    rows = session.exec(
        select(
            page, Location.code.label("location_code"), Location.name_zh.label("location_name"),
            Category.code.label("category_code"), owner.username.label("owner_name"),
        )
        .join(Location, Location.id == page.c.location_id)
        .join(Category, Category.id == page.c.category_id, isouter=True)
        .join(owner, owner.id == page.c.owner_id, isouter=True)
        .order_by(*_order(page.c, keys))
    ).all()
    count = session.exec(select(func.count()).select_from(
        select(H.id).where(*where).limit(COUNT_LIMIT + 1).subquery()
    )).scalar_one()
    return {
        "data": [_summary(row, now) for row in rows],
        "count": min(count, COUNT_LIMIT),
        "count_capped": count > COUNT_LIMIT,
        "limit": filters.limit,
        "offset": filters.offset,
    }


_PAGE_COLUMNS = ("id", "ref", "state", "grade", "category_id", "location_id", "source", "description",
                 "reported_at", "updated_at", "deadline", "is_open", "escalation_level", "owner_id")


def _summary(row: Any, now: datetime) -> dict[str, Any]:
    deadline = as_utc(row.deadline) if row.deadline is not None else None
    return {
        "ref": row.ref, "state": row.state, "grade": row.grade,
        "category": row.category_code, "location": row.location_code, "location_name": row.location_name,
        "source": row.source, "description": row.description,
        "reported_at": as_utc(row.reported_at).isoformat(),
        "deadline": deadline.isoformat() if deadline else None,
        "overdue": bool(row.is_open and deadline is not None and deadline < now),
        "escalation_level": row.escalation_level, "owner": row.owner_name,
    }


def get_visible(session: Session, *, ref: str, user: User) -> Hazard:
    """The hazard with this reference if this user may see it; NotFound otherwise."""
    query = select(Hazard).where(col(Hazard.ref) == ref, visible_to(session, user))
    hazard = session.exec(query).scalars().first()
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
            "category": names["category"], "location": names["location"].code,
            "location_name": names["location"].name_zh, "owner": names["owner"],
            "verified_by": names["verified_by"], "duplicate_of": names["duplicate_of"],
            "anonymous": hazard.reporter_name is None and hazard.reporter_employee_no is None,
            "overdue": bool(hazard.is_open and deadline is not None and deadline < now),
            "reporter_name": hazard.reporter_name if _sees_reporter(user) else None,
            "reporter_employee_no": hazard.reporter_employee_no if _sees_reporter(user) else None,
            "history": [_event(e, actor) for e, actor in events],
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
        "verified_by": username(hazard.verified_by_id),
        "duplicate_of": original.ref if original else None,
    }


def _event(event: Any, actor: User | None) -> HazardEventPublic:
    return HazardEventPublic(
        at=event.at, action=event.action, from_state=event.from_state, to_state=event.to_state,
        actor=actor.username if actor else None, note=event.note, data=event.data,
    )
