"""Escalations reach the kiosks of the hazard's area: one notice per kiosk per sweep, each hazard once per level."""

from datetime import timedelta

from sqlmodel import Session, col, select

from safety_service.clock import utc_now
from safety_service.feedback.area import LINES
from safety_service.feedback.models import AreaNoticeHazard, KioskNoticeRecord
from safety_service.hazards.scheduled import escalate_overdue
from safety_service.hazards.states import HazardState
from safety_service.kiosks.models import Kiosk
from safety_service.outbox.models import OutboxMessage
from safety_service.people.models import Role
from safety_service.protocol.kiosk_reads import KioskNotice
from tests.conftest import make_settings
from tests.hazards.builders import make_hazard
from tests.kiosks.builders import make_kiosk
from tests.locations.builders import make_area, make_location
from tests.people.builders import make_user

SETTINGS = make_settings("sqlite://", escalate_officer_after_hours=24, escalate_chief_after_hours=72)


def _notices(session: Session, kiosk: Kiosk) -> list[KioskNotice]:
    topic = f"safety/tianchen/kiosk/{kiosk.kiosk_id}/notice"
    rows = session.exec(select(OutboxMessage).where(OutboxMessage.topic == topic).order_by(col(OutboxMessage.id))).all()
    return [KioskNotice.model_validate_json(r.payload) for r in rows]


def _overdue(session: Session, location, count: int = 1, now=None):
    now = now or utc_now()
    return [make_hazard(session, state=HazardState.rectifying, location=location, now=now,
                        deadline=now + timedelta(hours=1)) for _ in range(count)]


def test_an_overdue_hazard_is_told_to_the_kiosks_of_its_area_once_per_level(session: Session) -> None:
    make_user(session, role=Role.officer)
    area, elsewhere = make_area(session), make_area(session)
    near, far = make_kiosk(session, location=make_location(session, area=area))[0], make_kiosk(
        session, location=make_location(session, area=elsewhere))[0]
    now = utc_now()
    [hazard] = _overdue(session, make_location(session, area=area, name_zh="3煤运输巷"), now=now)
    for _ in range(3):
        escalate_overdue(session, now=now + timedelta(hours=2), settings=SETTINGS)
    [overdue] = _notices(session, near)
    assert overdue.kind == "area_escalation" and overdue.hazard_ref == hazard.ref
    assert hazard.ref in overdue.title.zh and "3煤运输巷" in overdue.body.zh and "已超过整改期限" in overdue.body.zh
    assert overdue.body.en and "past its fix deadline" in overdue.body.en
    assert _notices(session, far) == []
    escalate_overdue(session, now=now + timedelta(hours=30), settings=SETTINGS)
    escalate_overdue(session, now=now + timedelta(hours=31), settings=SETTINGS)
    notices = _notices(session, near)
    assert len(notices) == 2 and "已报安全员督办" in notices[-1].body.zh


def test_many_hazards_in_one_sweep_are_one_notice_per_kiosk(session: Session) -> None:
    area = make_area(session)
    kiosks = [make_kiosk(session, location=make_location(session, area=area))[0] for _ in range(3)]
    now = utc_now()
    hazards = _overdue(session, make_location(session, area=area), count=LINES + 2, now=now)
    before = len(session.exec(select(OutboxMessage.id)).all())
    escalate_overdue(session, now=now + timedelta(hours=80), settings=SETTINGS)  # all three levels at once
    for kiosk in kiosks:
        [notice] = _notices(session, kiosk)
        assert notice.hazard_ref is None and str(LINES + 2) in notice.title.zh
        assert notice.body.zh.count("已报安全副矿长督办") == LINES and "另有 2 条" in notice.body.zh
        assert sum(h.ref in notice.body.zh for h in hazards) == LINES
    assert len(session.exec(select(OutboxMessage.id)).all()) - before == len(kiosks)
    records = session.exec(select(KioskNoticeRecord).where(col(KioskNoticeRecord.kiosk_id).in_([k.id for k in kiosks]))).all()
    [shared] = {r.area_notice_id for r in records}  # the kiosks' hazards are recorded once, for all three
    named = session.exec(select(AreaNoticeHazard.hazard_id, AreaNoticeHazard.level)
                         .where(AreaNoticeHazard.area_notice_id == shared)).all()
    assert sorted(named) == sorted((h.id, 3) for h in hazards)


def test_disabled_and_removed_kiosks_hear_nothing_and_an_arealess_place_tells_its_own_kiosks(session: Session) -> None:
    area, lone = make_area(session), make_location(session)
    disabled = make_kiosk(session, location=make_location(session, area=area))[0]
    removed = make_kiosk(session, location=make_location(session, area=area))[0]
    disabled.active, removed.removed_at = False, utc_now()
    session.add_all([disabled, removed])
    at_lone = make_kiosk(session, location=lone)[0]
    other_lone = make_kiosk(session, location=make_location(session))[0]
    now = utc_now()
    _overdue(session, make_location(session, area=area), now=now)
    _overdue(session, lone, now=now)
    escalate_overdue(session, now=now + timedelta(hours=2), settings=SETTINGS)
    assert _notices(session, disabled) == _notices(session, removed) == _notices(session, other_lone) == []
    assert len(_notices(session, at_lone)) == 1


def test_a_level_reached_again_after_a_new_deadline_is_not_told_twice(session: Session) -> None:
    area = make_area(session)
    kiosk = make_kiosk(session, location=make_location(session, area=area))[0]
    now = utc_now()
    [hazard] = _overdue(session, make_location(session, area=area), now=now)
    escalate_overdue(session, now=now + timedelta(hours=2), settings=SETTINGS)
    hazard.escalation_level = 0  # as an approved extension leaves it
    session.add(hazard)
    session.flush()
    escalate_overdue(session, now=now + timedelta(hours=3), settings=SETTINGS)
    assert len(_notices(session, kiosk)) == 1


def test_a_kiosk_added_since_hears_of_a_level_its_neighbour_was_already_told_of(session: Session) -> None:
    area = make_area(session)
    place, where = make_location(session, area=area), make_location(session, area=area)
    first = make_kiosk(session, location=place)[0]
    now = utc_now()
    [again, stays] = _overdue(session, where, count=2, now=now)
    [fresh] = _overdue(session, where, now=now + timedelta(hours=2))  # overdue only at the second sweep
    escalate_overdue(session, now=now + timedelta(hours=2), settings=SETTINGS)
    later = make_kiosk(session, location=place)[0]
    again.escalation_level = 0  # an approved extension; the other one stays at level 1
    session.add(again)
    session.flush()
    escalate_overdue(session, now=now + timedelta(hours=4), settings=SETTINGS)
    told_first, told_later = _notices(session, first)[-1], _notices(session, later)
    assert told_first.hazard_ref == fresh.ref  # it knew of the hazard that went overdue again
    [notice] = told_later
    assert fresh.ref in notice.title.zh or fresh.ref in notice.body.zh
    assert again.ref in notice.body.zh and stays.ref not in notice.body.zh
