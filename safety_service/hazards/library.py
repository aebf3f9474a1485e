"""The standard hazard library (隐患标准库): standard descriptions per category with the grade, level, fix days and
report type an officer usually gives them, so reports are described alike and figures compare across units.

Items are rows admins keep; an item taken off (inactive) stays on the hazards that matched it.
Sources: 煤矿安全生产标准化管理体系 (2020), 事故隐患排查治理 (隐患排查清单); 安委〔2024〕7号 (report types).
"""

import logging
from collections.abc import Mapping
from datetime import datetime

from pydantic.config import JsonDict
from sqlalchemy import CheckConstraint, Column, String
from sqlmodel import Field, Session, SQLModel, col, select

from safety_service.clock import utc_now
from safety_service.database import UTCDateTime, known, saved_id
from safety_service.errors import AlreadyExists, DomainError, InvalidInput, NotFound, PermissionDenied
from safety_service.hazards import matching
from safety_service.hazards.levels import HazardLevel
from safety_service.hazards.states import Grade, ReportType
from safety_service.locations import service as locations_service
from safety_service.locations.models import Category
from safety_service.outbox import service as outbox
from safety_service.outbox.models import OutboxMessage
from safety_service.people.models import Role, User
from safety_service.protocol import messages, retained
from safety_service.protocol.topics import hazard_library_topic
from safety_service.validation import Line, ModelConfig, broken_rules

logger = logging.getLogger(__name__)


class LibraryItem(SQLModel, table=True):
    """One standard hazard description and its defaults."""

    __tablename__ = "hazard_library_item"
    __table_args__ = (
        CheckConstraint("grade IN ('general','major')", name="grade"),
        CheckConstraint("fix_days >= 1 AND fix_days <= 365", name="fix_days"),
        CheckConstraint("report_type IS NULL OR report_type IN "
                        "('unsafe_act','unsafe_condition','environment','management')", name="report_type"),
    )

    id: int | None = Field(default=None, primary_key=True)
    category_id: int = Field(foreign_key="category.id")
    title: str = Field(max_length=200, unique=True)
    grade: Grade = Field(sa_type=String(16))
    level_id: int | None = Field(default=None, foreign_key="hazard_level.id")
    fix_days: int
    report_type: ReportType | None = Field(default=None, sa_type=String(32))
    active: bool = True
    updated_at: datetime = Field(default_factory=utc_now, sa_column=Column(UTCDateTime, nullable=False))


class LibraryItemCreate(SQLModel):
    model_config = ModelConfig(json_schema_extra={"examples": [{
        "category_code": "hoisting", "title": "提升机闸瓦间隙超限", "grade": "general", "level": "B", "fix_days": 2,
        "report_type": "unsafe_condition"}]})

    category_code: str = Field(min_length=1, max_length=32)
    title: Line = Field(min_length=2, max_length=200)
    grade: Grade = Grade.general
    level: str | None = Field(default=None, max_length=8, description="A 矿级, B 科级, C 区队级; none for a major hazard")
    fix_days: int = Field(ge=1, le=365, description="default time limit of the fix, in days")
    report_type: ReportType | None = None


class LibraryItemUpdate(SQLModel):
    model_config = ModelConfig(json_schema_extra={"examples": [{"fix_days": 3}, {"active": False}]})

    category_code: str | None = Field(default=None, min_length=1, max_length=32)
    title: Line | None = Field(default=None, min_length=2, max_length=200)
    grade: Grade | None = None
    level: str | None = Field(default=None, max_length=8)
    fix_days: int | None = Field(default=None, ge=1, le=365)
    report_type: ReportType | None = None
    active: bool | None = None


_PUBLIC_EXAMPLE: JsonDict = {"id": 21, "category": "electromechanical", "title": "防爆电气设备失爆", "grade": "general",
                   "level": "B", "fix_days": 1, "report_type": "unsafe_condition", "active": True}


class LibraryItemPublic(SQLModel):
    model_config = ModelConfig(json_schema_extra={"examples": [_PUBLIC_EXAMPLE]})

    id: int
    category: str
    title: str
    grade: Grade
    level: str | None
    fix_days: int
    report_type: ReportType | None
    active: bool


class LibraryMatch(LibraryItemPublic):
    model_config = ModelConfig(json_schema_extra={"examples": [{**_PUBLIC_EXAMPLE, "score": 0.62}]})

    score: float = Field(description="how much of the text the item shares, 0 to 1")


def _public(item: LibraryItem, categories: Mapping[int | None, str], levels: Mapping[int | None, str]
            ) -> LibraryItemPublic:
    return LibraryItemPublic(id=saved_id(item), category=categories[item.category_id], title=item.title, grade=item.grade,
                             level=levels.get(item.level_id) if item.level_id else None, fix_days=item.fix_days,
                             report_type=item.report_type, active=item.active)


def public_item(session: Session, item: LibraryItem) -> LibraryItemPublic:
    """The item as the API shows it, with its category's and level's codes."""
    category = known(session.get(Category, item.category_id))  # the item's foreign key
    level = session.get(HazardLevel, item.level_id) if item.level_id else None
    return _public(item, {item.category_id: category.code}, {level.id: level.code} if level else {})


def list_items(session: Session, *, category: str | None = None, active_only: bool = False) -> list[LibraryItemPublic]:
    """The library by category order then id, optionally one category's and only the active ones."""
    categories = dict(session.exec(select(Category.id, Category.code)).all())
    levels = dict(session.exec(select(HazardLevel.id, HazardLevel.code)).all())
    query = select(LibraryItem).join(Category, col(Category.id) == LibraryItem.category_id) \
        .order_by(col(Category.sort_order), col(LibraryItem.id))
    if category is not None:
        query = query.where(col(Category.code) == category)
    if active_only:
        query = query.where(col(LibraryItem.active).is_(True))
    return [_public(item, categories, levels) for item in session.exec(query).all()]


def _require_admin(actor: User) -> None:
    if actor.role != Role.admin:
        raise PermissionDenied(f"role '{actor.role}' may not change the standard hazard library")


def _level_id(session: Session, *, code: str | None, grade: Grade) -> int | None:
    if code is None:
        return None
    if grade == Grade.major:
        raise InvalidInput("levels are for general hazards; a major hazard has none", field="level")
    level = session.exec(select(HazardLevel).where(HazardLevel.code == code)).first()
    if level is None:
        raise InvalidInput(f"no hazard level {code!r}", field="level")
    return level.id


def _category(session: Session, code: str) -> Category:
    """The active category an item names (a field of the body, so a 422 when unknown)."""
    try:
        return locations_service.get_category(session, code=code, field="category_code")
    except NotFound as exc:
        raise InvalidInput(str(exc), field="category_code") from exc


def _unique_title(session: Session, title: str, *, item_id: int | None = None) -> None:
    found = session.exec(select(LibraryItem.id).where(LibraryItem.title == title)).first()
    if found is not None and found != item_id:
        raise AlreadyExists(f"the library already has {title!r}", field="title")


def input_problems(session: Session, *, values: dict[str, str]) -> list[DomainError]:
    """Every rule of a new item the typed values break, each checked alone (an unknown category or level, a
    level on a major hazard, a title the library has), so a form names them all at once."""
    grade = Grade(values["grade"]) if values.get("grade") in tuple(Grade) else Grade.general
    return broken_rules({"category_code": lambda code: _category(session, code),
                         "title": lambda title: _unique_title(session, title),
                         "level": lambda code: _level_id(session, code=code, grade=grade)}, values)


def add_item(session: Session, *, data: LibraryItemCreate, actor: User, site: str) -> LibraryItem:
    """An admin adds a standard description to the library (and the kiosks get the new library)."""
    _require_admin(actor)
    category = _category(session, data.category_code)
    _unique_title(session, data.title)
    item = LibraryItem(category_id=saved_id(category), title=data.title, grade=data.grade, fix_days=data.fix_days,
                       level_id=_level_id(session, code=data.level, grade=data.grade), report_type=data.report_type)
    session.add(item)
    session.flush()
    matching.forget()
    write_retained(session, site=site, now=utc_now())
    logger.info("library item added", extra={"item_id": item.id, "by": actor.username})
    return item


def update_item(session: Session, *, item_id: int, data: LibraryItemUpdate, actor: User, site: str) -> LibraryItem:
    """An admin changes an item or takes it off the forms; hazards that matched it keep it; the kiosks get the
    changed library."""
    _require_admin(actor)
    item = get_item(session, item_id=item_id, field="item_id")
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    if "category_code" in changes:
        item.category_id = saved_id(_category(session, changes.pop("category_code")))
    if "title" in changes:
        _unique_title(session, changes["title"], item_id=item.id)
    grade = changes.pop("grade", item.grade)
    if "level" in changes or grade != item.grade:
        item.level_id = _level_id(session, code=changes.pop("level", None), grade=grade)
    for name, value in changes.items():
        setattr(item, name, value)
    item.grade, item.updated_at = grade, utc_now()
    session.add(item)
    session.flush()
    matching.forget()
    write_retained(session, site=site, now=item.updated_at)
    return item


def get_item(session: Session, *, item_id: int, field: str) -> LibraryItem:
    """The item with this id, or NotFound naming the field."""
    item = session.get(LibraryItem, item_id)
    if item is None:
        raise NotFound(f"no item {item_id} in the hazard library", field=field)
    return item


def match_refusal(item: LibraryItem | None, *, item_id: int, category: Category | None) -> InvalidInput | None:
    """Why an item cannot be a hazard's match — unknown, retired, or of another category than the one given — or None.
    The one rule for the reporter's choice (the intake) and the officer's (a confirmation)."""
    if item is None or not item.active:
        return InvalidInput(f"no active item {item_id} in the hazard library", field="library_item")
    if category is not None and item.category_id != category.id:
        return InvalidInput(f"library item {item_id} is not of category {category.code!r}", field="library_item")
    return None


def item_for(session: Session, *, item_id: int | None, category: Category) -> LibraryItem | None:
    """The active item a confirmation names; it must be of the hazard's category."""
    if item_id is None:
        return None
    item = session.get(LibraryItem, item_id)
    refusal = match_refusal(item, item_id=item_id, category=category)
    if refusal is not None:
        raise refusal
    return item


def best_matches(session: Session, *, text: str, category: str | None = None, limit: int = 5) -> list[LibraryMatch]:
    """The active items whose wording is nearest the text (of the category when given), best first."""
    key = session.exec(select(*matching.fingerprint_columns(LibraryItem))).one()
    entries = matching.entries(key, lambda: list_items(session, active_only=True))
    return [LibraryMatch(**entry.model_dump(), score=round(score, 3))
            for score, entry in matching.rank(entries, text=text, category=category, limit=limit)]


def kiosk_payload(session: Session, *, site: str, now: datetime) -> retained.HazardLibrary:
    """The ``hazard-library/1`` message: the active items by category order, for the kiosks to match offline."""
    return messages.hazard_library(site=site, now=now, items=list_items(session, active_only=True))


def write_retained(session: Session, *, site: str, now: datetime) -> OutboxMessage:
    """Queue the active library as the retained message on ``safety/{site}/hazard-library`` (sent after commit)."""
    return outbox.enqueue(session, hazard_library_topic(site), kiosk_payload(session, site=site, now=now), now=now)


def ensure_published(session: Session, *, site: str, now: datetime,
                     broker_empty: bool = False) -> OutboxMessage | None:
    """At start: queue the library when the kiosks never had the current one (a migration seeded or changed it)."""
    return outbox.ensure_retained(session, hazard_library_topic(site), kiosk_payload(session, site=site, now=now),
                                  content="items", now=now, broker_empty=broker_empty)
