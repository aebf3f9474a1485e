"""Sites, areas, locations and categories."""

from sqlmodel import Session, col, func, select

from safety_service.errors import AlreadyExists, NotFound
from safety_service.locations.models import Area, Category, Location, Site
from safety_service.locations.schemas import AreaCreate, CategoryCreate, LocationCreate

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


def add_location(session: Session, *, site: Site, data: LocationCreate) -> Location:
    """Add a location; its code is unique across the service."""
    if session.exec(select(Location).where(Location.code == data.code)).first() is not None:
        raise AlreadyExists(f"location {data.code!r} already exists", field="code")
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


def add_category(session: Session, *, data: CategoryCreate) -> Category:
    """Add a category; its code must be new."""
    if session.exec(select(Category).where(Category.code == data.code)).first() is not None:
        raise AlreadyExists(f"category {data.code!r} already exists", field="code")
    if not data.sort_order:
        last = session.exec(select(func.max(Category.sort_order))).one()
        data = data.model_copy(update={"sort_order": (last or 0) + 10})
    category = Category.model_validate(data)
    session.add(category)
    session.flush()
    return category
