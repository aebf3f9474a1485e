"""Builders for kiosks."""

import itertools

from sqlmodel import Session

from safety_service.kiosks import service as kiosks_service
from safety_service.kiosks.models import Kiosk
from safety_service.kiosks.schemas import KioskCreate, KioskCredentials
from safety_service.locations import service as locations_service
from safety_service.locations.models import Location
from tests.locations.builders import make_location

_numbers = itertools.count(1)


def make_kiosk(session: Session, *, location: Location | None = None, kiosk_id: str | None = None,
               site: str = "tianchen") -> tuple[Kiosk, KioskCredentials]:
    location = location or make_location(session)
    site_row = locations_service.ensure_site(session, code=site, name_zh="田陈煤矿")
    data = KioskCreate(kiosk_id=kiosk_id or f"kiosk-{next(_numbers):04d}", location_code=location.code)
    return kiosks_service.add_kiosk(session, site=site_row, data=data)
