"""Builders for sites, areas and locations."""

import itertools

from sqlmodel import Session

from safety_service.locations import service as locations_service
from safety_service.locations.models import Area, Location
from safety_service.locations.schemas import AreaCreate, LocationCreate

_numbers = itertools.count(1)


def make_area(session: Session, *, code: str | None = None) -> Area:
    site = locations_service.ensure_site(session, code="tianchen", name_zh="田陈煤矿")
    number = next(_numbers)
    return locations_service.add_area(session, site=site, data=AreaCreate(code=code or f"A{number}",
                                                                          name_zh=f"采区{number}"))


def make_location(session: Session, *, code: str | None = None, name_zh: str = "主井井口",
                  area: Area | None = None) -> Location:
    site = locations_service.ensure_site(session, code="tianchen", name_zh="田陈煤矿")
    data = LocationCreate(code=code or f"L{next(_numbers)}", name_zh=name_zh, name_en="Main shaft",
                          area_code=area.code if area else None)
    return locations_service.add_location(session, site=site, data=data)
