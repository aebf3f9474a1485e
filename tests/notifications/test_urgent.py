"""The urgent path: at once to the dispatch room over every urgent channel, acknowledged as an event,
unacknowledged in time to the chief once."""

from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from safety_service.clock import utc_now
from safety_service.config import Settings
from safety_service.database import session_scope
from safety_service.errors import InvalidTransition, PermissionDenied
from safety_service.hazards import intake, urgent
from safety_service.hazards.models import Hazard, HazardEvent
from safety_service.hazards.schemas import HazardReport
from safety_service.notifications import configure
from safety_service.notifications.configure import ChannelCreate
from safety_service.notifications.models import Notification
from safety_service.people.models import Role
from safety_service.scheduler import Scheduler
from tests.hazards.builders import make_hazard, make_location
from tests.notifications.receivers import Robot
from tests.people.builders import make_user


def test_an_urgent_report_reaches_the_robot_with_the_scheduler_running(live_engine: Engine, live_settings: Settings,
                                                                        robot: Robot) -> None:
    with session_scope(live_engine) as session:
        configure.add_channel(session, settings=live_settings, data=ChannelCreate(
            name="dispatch-room", kind="wecom", target=robot.url("/cgi-bin/webhook/send?key=k"), events=["urgent"]))
        make_user(session, role=Role.dispatcher)
    scheduler = Scheduler(live_engine, live_settings.model_copy(update={"scheduler_interval_seconds": 3600}))
    scheduler.start()
    try:
        with session_scope(live_engine) as session:
            location = make_location(session)
            hazard, _ = intake.report_hazard(session, data=HazardReport(
                location_code=location.code, description="工作面顶板来压，片帮严重", source="qr", urgent=True))
            ref = hazard.ref
        assert robot.arrived.wait(timeout=5), "the urgent report did not reach the receiver within 5 s"
    finally:
        scheduler.stop()
    assert ref in robot.received[0].json["markdown"]["content"]


def _urgent_hazard(session: Session, *, when=None) -> Hazard:
    hazard = make_hazard(session, now=when)
    hazard.urgent, hazard.urgent_at = True, when or utc_now()
    session.add(hazard)
    session.flush()
    return hazard


def test_the_dispatcher_acknowledges_once_as_an_event(session: Session) -> None:
    dispatcher, officer = make_user(session, role=Role.dispatcher), make_user(session, role=Role.officer)
    hazard = _urgent_hazard(session)
    urgent.acknowledge(session, hazard=hazard, actor=dispatcher, what=urgent.Acknowledgement.evacuated, note="已撤出8人")
    events = session.exec(select(HazardEvent).where(HazardEvent.hazard_id == hazard.id,
                                                    HazardEvent.action == "urgent_acknowledged")).all()
    assert [(e.actor_id, e.data, e.note) for e in events] == [(dispatcher.id, {"what": "evacuated"}, "已撤出8人")]
    told = session.exec(select(Notification).where(Notification.user_id == officer.id,
                                                   Notification.kind == "urgent_acknowledged")).all()
    assert len(told) == 1
    with pytest.raises(InvalidTransition):
        urgent.acknowledge(session, hazard=hazard, actor=dispatcher, what=urgent.Acknowledgement.site_notified)
    with pytest.raises(PermissionDenied):
        urgent.acknowledge(session, hazard=_urgent_hazard(session), actor=make_user(session, role=Role.owner),
                           what=urgent.Acknowledgement.site_notified)


def test_unacknowledged_in_time_goes_to_the_chief_once(session: Session, settings: Settings) -> None:
    chief = make_user(session, role=Role.chief)
    start = utc_now()
    hazard = _urgent_hazard(session, when=start)
    limit = timedelta(minutes=settings.urgent_ack_minutes)
    # the shared database may hold other urgent hazards (the demo's): this one's own mark tells
    urgent.escalate_unacknowledged(session, now=start + limit - timedelta(seconds=1), settings=settings)
    assert hazard.urgent_escalated_at is None
    urgent.escalate_unacknowledged(session, now=start + limit, settings=settings)
    assert hazard.urgent_escalated_at == start + limit
    urgent.escalate_unacknowledged(session, now=start + 2 * limit, settings=settings)
    assert hazard.urgent_escalated_at == start + limit
    rows = session.exec(select(Notification).where(Notification.user_id == chief.id,
                                                   Notification.hazard_id == hazard.id)).all()
    assert [r.kind for r in rows] == ["urgent_unacknowledged"]


def test_an_acknowledged_hazard_never_goes_to_the_chief(session: Session, settings: Settings) -> None:
    start = utc_now()
    hazard = _urgent_hazard(session, when=start)
    urgent.acknowledge(session, hazard=hazard, actor=make_user(session, role=Role.dispatcher),
                       what=urgent.Acknowledgement.site_notified)
    urgent.escalate_unacknowledged(session, now=start + timedelta(days=1), settings=settings)
    assert hazard.urgent_escalated_at is None


def test_an_officer_marks_a_report_urgent_and_the_dispatch_room_hears(session: Session) -> None:
    dispatcher, officer = make_user(session, role=Role.dispatcher), make_user(session, role=Role.officer)
    hazard = make_hazard(session)
    urgent.mark_urgent(session, hazard=hazard, actor=officer, note="现场电话确认")
    assert hazard.urgent and hazard.urgent_at is not None
    assert session.exec(select(Notification).where(Notification.user_id == dispatcher.id,
                                                   Notification.kind == "urgent")).one().hazard_id == hazard.id
    with pytest.raises(InvalidTransition):
        urgent.mark_urgent(session, hazard=hazard, actor=officer)
    with pytest.raises(PermissionDenied):
        urgent.mark_urgent(session, hazard=make_hazard(session), actor=make_user(session, role=Role.miner))


def test_an_ordinary_report_alarms_nobody(session: Session) -> None:
    dispatcher = make_user(session, role=Role.dispatcher)
    make_hazard(session)
    assert session.exec(select(Notification).where(Notification.user_id == dispatcher.id)).all() == []
