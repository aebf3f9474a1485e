"""The demo's kiosks: the reception stations' tablets at both pitheads, one online, one lost its network
an hour ago (as a real station's tablet does), so the kiosk page shows what an admin watches."""

from datetime import datetime, timedelta

from sqlmodel import Session

from safety_service.kiosks import service as kiosks_service
from safety_service.kiosks.models import Kiosk
from safety_service.kiosks.schemas import KioskCreate
from safety_service.locations.models import Site

# kiosk id, location, status, how long ago it came to that status
KIOSKS = (("PH-MAIN-01", "PH-MAIN", "online", timedelta(days=2, hours=5)),
          ("PH-AUX-01", "PH-AUX", "offline", timedelta(hours=1, minutes=12)))
VERSION = "1.4.2"


def load(session: Session, *, site: Site, now: datetime) -> list[Kiosk]:
    """Register the demo's kiosks with their last status."""
    kiosks = []
    for kiosk_id, location, state, ago in KIOSKS:
        kiosk, _ = kiosks_service.add_kiosk(session, site=site, data=KioskCreate(kiosk_id=kiosk_id,
                                                                                 location_code=location))
        kiosks_service.set_status(kiosk, state=state, version=VERSION, at=now - ago)
        session.add(kiosk)
        kiosks.append(kiosk)
    session.flush()
    return kiosks
