"""Sites, areas, locations and categories; the active categories are retained on ``safety/{site}/categories``
for the kiosks, queued again whenever an admin adds one."""

from datetime import datetime

from sqlmodel import Session, col, func, select

from safety_service.errors import AlreadyExists, DomainError, NotFound
from safety_service.locations.models import Area, Category, Location, Site
from safety_service.locations.schemas import AreaCreate, CategoryCreate, LocationCreate
from safety_service.outbox import service as outbox
from safety_service.outbox.models import OutboxMessage
from safety_service.protocol import messages, retained
from safety_service.protocol.topics import categories_topic
from safety_service.validation import broken_rules

CATEGORIES = (
    ("roof", "顶板", "Roof"),
    ("gas", "瓦斯", "Gas"),
    ("ventilation", "通风", "Ventilation"),
    ("water", "水害", "Water"),
    ("electromechanical", "机电", "Electromechanical"),
    ("transport", "运输", "Transport"),
    ("blasting", "爆破", "Blasting"),
    ("fire", "火灾", "Fire"),
    ("dust", "粉尘", "Dust"),
    ("other", "其他", "Other"),
)


def ensure_site(session: Session, *, code: str, name_zh: str, name_en: str = "") -> Site:
    """The site with this code, created when missing."""
    site = session.exec(select(Site).where(Site.code == code)).first()
    if site is None:
        site = Site(code=code, name_zh=name_zh, name_en=name_en)
        session.add(site)
        session.flush()
    return site


def get_area(session: Session, *, site: Site, code: str) -> Area:
    """The area of this site with this code, or NotFound."""
    area = session.exec(select(Area).where(Area.site_id == site.id, Area.code == code)).first()
    if area is None:
        raise NotFound(f"no area with code {code!r}", field="area_code")
    return area


def add_area(session: Session, *, site: Site, data: AreaCreate) -> Area:
    """Add an area to the site; its code must be new there."""
    exists = session.exec(select(Area).where(Area.site_id == site.id, Area.code == data.code)).first()
    if exists is not None:
        raise AlreadyExists(f"area {data.code!r} already exists", field="code")
    area = Area.model_validate(data, update={"site_id": site.id})
    session.add(area)
    session.flush()
    return area


def location_problems(session: Session, *, site: str, values: dict[str, str]) -> list[DomainError]:
    """Every rule of a new location the typed values break, each checked alone (its code taken, an area
    unknown at the site), so a form names them all at once; add_location checks them again."""
    return broken_rules({"code": lambda code: _free_code(session, Location, code),
                         "area_code": lambda code: _area_at(session, site, code)}, values)


def category_problems(session: Session, *, values: dict[str, str]) -> list[DomainError]:
    """The rule of a new category the typed values break (its code taken), beside the form's other errors."""
    return broken_rules({"code": lambda code: _free_code(session, Category, code)}, values)


def _free_code(session: Session, table: type[Location] | type[Category], code: str) -> None:
    if session.exec(select(table).where(table.code == code)).first() is not None:
        raise AlreadyExists(f"{table.__name__.lower()} {code!r} already exists", field="code")


def _area_at(session: Session, site_code: str, code: str) -> Area:
    site = session.exec(select(Site).where(Site.code == site_code)).first()
    if site is None:
        raise NotFound(f"no area with code {code!r}", field="area_code")
    return get_area(session, site=site, code=code)


def add_location(session: Session, *, site: Site, data: LocationCreate) -> Location:
    """Add a location; its code is unique across the service."""
    _free_code(session, Location, data.code)
    area = get_area(session, site=site, code=data.area_code) if data.area_code else None
    location = Location.model_validate(
        data.model_dump(exclude={"area_code"}),
        update={"site_id": site.id, "area_id": area.id if area else None},
    )
    session.add(location)
    session.flush()
    return location


def get_location(session: Session, *, code: str, field: str = "location") -> Location:
    """The active location with this code, or NotFound naming the field."""
    location = session.exec(select(Location).where(Location.code == code)).first()
    if location is None or not location.active:
        raise NotFound(f"no active location with code {code!r}", field=field)
    return location


def find_location(session: Session, *, text: str) -> Location | None:
    """The one location this text names: its code, else its Chinese or English name, else the one location
    whose name holds the text; None when no location or more than one does."""
    text = text.strip()
    exact = session.exec(select(Location).where(
        (col(Location.code) == text) | (col(Location.name_zh) == text) | (col(Location.name_en) == text))).all()
    if len(exact) == 1:
        return exact[0]
    if exact:
        return next((location for location in exact if location.code == text), None)
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    within = session.exec(select(Location).where(
        col(Location.name_zh).like(pattern, escape="\\") | col(Location.name_en).like(pattern, escape="\\"))
        .limit(2)).all()
    return within[0] if len(within) == 1 else None


def list_areas(session: Session) -> list[Area]:
    """The areas by code (the console's area choices and lists)."""
    return list(session.exec(select(Area).order_by(col(Area.code))).all())


def list_locations(session: Session) -> list[tuple[Location, Area | None]]:
    """All locations with their areas, by code."""
    query = select(Location, Area).join(Area, isouter=True).order_by(col(Location.code))
    return list(session.exec(query).all())


def get_category(session: Session, *, code: str, field: str = "category") -> Category:
    """The active category with this code, or NotFound naming the field."""
    category = session.exec(select(Category).where(Category.code == code)).first()
    if category is None or not category.active:
        raise NotFound(f"no active category with code {code!r}", field=field)
    return category


def list_categories(session: Session) -> list[Category]:
    """Active categories in display order."""
    query = select(Category).where(col(Category.active)).order_by(col(Category.sort_order))
    return list(session.exec(query).all())


def add_category(session: Session, *, data: CategoryCreate, site: str, now: datetime) -> Category:
    """Add a category (its code must be new) and queue the site's new category list for the kiosks."""
    _free_code(session, Category, data.code)
    if not data.sort_order:
        last = session.exec(select(func.max(Category.sort_order))).one()
        data = data.model_copy(update={"sort_order": (last or 0) + 10})
    category = Category.model_validate(data)
    session.add(category)
    session.flush()
    write_retained_categories(session, site=site, now=now)
    return category


def categories_payload(session: Session, *, site: str, now: datetime) -> retained.Categories:
    """The ``categories/1`` message: the active categories in display order."""
    return messages.categories(site=site, now=now, categories=list_categories(session))


def write_retained_categories(session: Session, *, site: str, now: datetime) -> OutboxMessage:
    """Queue the active categories as the retained message on ``safety/{site}/categories`` (sent after commit)."""
    return outbox.enqueue(session, categories_topic(site), categories_payload(session, site=site, now=now), now=now)


def ensure_categories_published(session: Session, *, site: str, now: datetime,
                                broker_empty: bool = False) -> OutboxMessage | None:
    """At start: queue the category list when the kiosks never had the current one (``outbox.ensure_retained``)."""
    return outbox.ensure_retained(session, categories_topic(site), categories_payload(session, site=site, now=now),
                                  content="categories", now=now, broker_empty=broker_empty)
