"""Locations, areas and categories."""

from fastapi import APIRouter

from safety_service.api.answers import answers
from safety_service.api.deps import AdminUser, CurrentUser, SessionDep, SettingsDep
from safety_service.clock import utc_now
from safety_service.locations import service as locations_service
from safety_service.locations.schemas import (
    AreaCreate,
    AreaPublic,
    CategoriesPublic,
    CategoryCreate,
    CategoryPublic,
    LocationCreate,
    LocationPublic,
    LocationsPublic,
)

router = APIRouter(tags=["locations"])


@router.get("/locations", response_model=LocationsPublic)
def list_locations(session: SessionDep, _user: CurrentUser) -> LocationsPublic:
    """Every location, by code."""
    rows = locations_service.list_locations(session)
    data = [
        LocationPublic.model_validate(loc, update={"area_code": area.code if area else None})
        for loc, area in rows
    ]
    return LocationsPublic(data=data, count=len(data))


@router.post("/locations", response_model=LocationPublic, status_code=201, responses=answers(404, 409))
def create_location(session: SessionDep, settings: SettingsDep, _admin: AdminUser,
                    data: LocationCreate) -> LocationPublic:
    """Add a location (administrators)."""
    site = locations_service.ensure_site(session, code=settings.site, name_zh=settings.site_name)
    location = locations_service.add_location(session, site=site, data=data)
    session.commit()
    return LocationPublic.model_validate(location, update={"area_code": data.area_code})


@router.post("/areas", response_model=AreaPublic, status_code=201, responses=answers(409))
def create_area(session: SessionDep, settings: SettingsDep, _admin: AdminUser, data: AreaCreate) -> AreaPublic:
    """Add an area (administrators)."""
    site = locations_service.ensure_site(session, code=settings.site, name_zh=settings.site_name)
    area = locations_service.add_area(session, site=site, data=data)
    session.commit()
    return AreaPublic.model_validate(area)


@router.get("/categories", response_model=CategoriesPublic)
def list_categories(session: SessionDep) -> CategoriesPublic:
    """The active hazard categories in display order (public: the report pages need them)."""
    data = [CategoryPublic.model_validate(c) for c in locations_service.list_categories(session)]
    return CategoriesPublic(data=data, count=len(data))


@router.post("/categories", response_model=CategoryPublic, status_code=201, responses=answers(409))
def create_category(session: SessionDep, settings: SettingsDep, _admin: AdminUser,
                    data: CategoryCreate) -> CategoryPublic:
    """Add a hazard category (administrators); the kiosks get the new list."""
    category = locations_service.add_category(session, data=data, site=settings.site, now=utc_now())
    session.commit()
    return CategoryPublic.model_validate(category)
