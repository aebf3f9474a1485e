"""The demo reads like a real mine's month: measures that fit each hazard, notes that say only what is there."""

from sqlmodel import Session, col, func, select

from safety_service import demo
from safety_service.config import Settings
from safety_service.hazards.models import Hazard
from safety_service.hazards.states import Channel
from safety_service.kiosks.models import Kiosk
from safety_service.locations.models import Location
from safety_service.photos.models import HazardPhoto


def test_the_demo_measures_fit_each_hazard_and_no_note_promises_a_missing_photo(session: Session,
                                                                               settings: Settings) -> None:
    demo.load(session, settings=settings)
    hazards = list(session.exec(select(Hazard).where(col(Hazard.measures).is_not(None))).all())
    assert len({h.measures for h in hazards}) >= 12  # not one measure for every hazard
    extinguisher = [h for h in hazards if "灭火器" in h.description]
    assert extinguisher and all("灭火器" in h.measures and "锚杆" not in h.measures for h in extinguisher)
    roof = [h for h in hazards if "锚杆" in h.description]
    assert roof and all("锚" in h.measures for h in roof)
    for hazard in session.exec(select(Hazard).where(col(Hazard.rectification_note).contains("照片"))).all():
        assert session.exec(select(func.count()).where(HazardPhoto.hazard_id == hazard.id)).one() > 0, hazard.ref


def test_each_demo_hazard_is_where_its_description_says(session: Session, settings: Settings) -> None:
    demo.load(session, settings=settings)
    rows = session.exec(select(Hazard.description, Location.name_zh).join(Location)).all()
    for description, place in rows:
        for named in ("灯房", "机修车间", "副井井口", "主井井口", "3102", "3105", "南翼轨道大巷"):
            if description.startswith(named):
                assert named in place, (description, place)


def test_the_demo_kiosk_reports_come_from_its_pithead_kiosks(session: Session, settings: Settings) -> None:
    demo.load(session, settings=settings)
    kiosks = session.exec(select(Kiosk).where(col(Kiosk.kiosk_id).in_(("PH-MAIN-01", "PH-AUX-01")))).all()
    assert sorted(k.status for k in kiosks) == ["offline", "online"] and all(k.status_at for k in kiosks)
    sent = session.exec(select(Hazard.kiosk_id).where(Hazard.source == Channel.kiosk)).all()
    assert sent and set(sent) <= {k.id for k in kiosks}
