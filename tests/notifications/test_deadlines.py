"""Grade-aware deadlines: a warning before, per-grade steps after, each once; the daily digest once a day."""

from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from safety_service.clock import utc_now
from safety_service.config import Settings
from safety_service.hazards.digest import send_daily
from safety_service.hazards.models import HazardEvent
from safety_service.hazards.scheduled import escalate_overdue, warn_before_deadline
from safety_service.hazards.states import Grade, HazardState
from safety_service.notifications.models import Notification
from safety_service.people.models import Role
from tests.conftest import make_settings
from tests.hazards.builders import make_hazard
from tests.people.builders import make_user

SETTINGS: Settings = make_settings("sqlite://", warn_general_before_hours=24, warn_major_before_hours=72,
                                   escalate_major_officer_after_hours=4, escalate_major_chief_after_hours=12,
                                   daily_digest_time="07:30", timezone="Asia/Shanghai")


def _events(session: Session, hazard_id: int, action: str) -> list[HazardEvent]:
    return list(session.exec(select(HazardEvent).where(HazardEvent.hazard_id == hazard_id,
                                                       HazardEvent.action == action)).all())


def test_a_major_hazard_is_warned_72_hours_ahead_a_general_one_24(session: Session) -> None:
    now = utc_now()
    owner = make_user(session, role=Role.owner)
    major = make_hazard(session, state=HazardState.rectifying, grade=Grade.major, owner=owner, now=now,
                        deadline=now + timedelta(hours=48))
    general = make_hazard(session, state=HazardState.rectifying, owner=owner, now=now,
                          deadline=now + timedelta(hours=48))
    assert warn_before_deadline(session, now=now, settings=SETTINGS) >= 1
    assert len(_events(session, major.id, "deadline_warning")) == 1 and not _events(session, general.id,
                                                                                   "deadline_warning")
    warn_before_deadline(session, now=now + timedelta(hours=25), settings=SETTINGS)
    warn_before_deadline(session, now=now + timedelta(hours=26), settings=SETTINGS)
    assert len(_events(session, major.id, "deadline_warning")) == 1
    assert len(_events(session, general.id, "deadline_warning")) == 1
    warned = session.exec(select(Notification).where(Notification.user_id == owner.id,
                                                     Notification.kind == "deadline_warning")).all()
    assert {n.hazard_id for n in warned} == {major.id, general.id}


def test_a_major_hazard_climbs_in_hours_a_general_one_in_days(session: Session) -> None:
    now = utc_now()
    make_user(session, role=Role.chief)
    major = make_hazard(session, state=HazardState.rectifying, grade=Grade.major, now=now,
                        deadline=now + timedelta(hours=1))
    general = make_hazard(session, state=HazardState.rectifying, now=now, deadline=now + timedelta(hours=1))
    escalate_overdue(session, now=now + timedelta(hours=14), settings=SETTINGS)
    escalate_overdue(session, now=now + timedelta(hours=14), settings=SETTINGS)
    assert [e.data["level"] for e in _events(session, major.id, "escalated")] == [1, 2, 3]
    assert [e.data["level"] for e in _events(session, general.id, "escalated")] == [1]


def test_the_daily_digest_goes_out_once_at_its_local_time(session: Session) -> None:
    officer = make_user(session, role=Role.officer)
    make_hazard(session)
    before = datetime(2026, 12, 3, 23, 29, tzinfo=UTC)  # 07:29 in Shanghai on 12-04
    assert send_daily(session, now=before, settings=SETTINGS) == 0
    assert send_daily(session, now=before + timedelta(minutes=1), settings=SETTINGS) >= 1
    assert send_daily(session, now=before + timedelta(hours=3), settings=SETTINGS) == 0
    [digest] = session.exec(select(Notification).where(Notification.user_id == officer.id,
                                                       Notification.kind == "daily_digest")).all()
    assert digest.data["day"] == "2026-12-04" and digest.data["open"] >= 1


def test_a_new_deadline_after_a_failed_verification_is_warned_of_again(session: Session) -> None:
    from safety_service.hazards import service as hazards_service
    from safety_service.hazards.schemas import HazardRectified, HazardVerify

    now = utc_now()
    owner, officer = make_user(session, role=Role.owner), make_user(session, role=Role.officer)
    hazard = make_hazard(session, state=HazardState.rectifying, owner=owner, officer=officer, now=now,
                         deadline=now + timedelta(hours=10))
    warn_before_deadline(session, now=now, settings=SETTINGS)
    hazards_service.mark_rectified(session, hazard=hazard, data=HazardRectified(note="已整改"), actor=owner, now=now)
    hazards_service.verify(session, hazard=hazard, actor=officer, now=now, data=HazardVerify(
        passed=False, note="锚杆仍松动", new_deadline=now + timedelta(hours=30)))
    warn_before_deadline(session, now=now + timedelta(hours=7), settings=SETTINGS)
    assert len(_events(session, hazard.id, "deadline_warning")) == 2
