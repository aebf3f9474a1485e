"""The ten-day summary (旬报) reaches a real group robot on loopback once per 旬, one line per unit, and
each unit's leader in the console inbox, however often the job runs."""

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from safety_service.config import Settings
from safety_service.database import session_scope
from safety_service.notifications import configure, outbox
from safety_service.notifications.configure import ChannelCreate
from safety_service.notifications.models import Notification
from safety_service.people.models import Role
from safety_service.scorecard.scheduled import send_ten_day_summary
from safety_service.units import service as units_service
from tests.notifications.receivers import Robot
from tests.people.builders import make_user
from tests.scorecard.builders import make_mine, march_work

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_the_ten_day_summary_goes_out_once_to_the_robot_and_the_leaders(live_engine: Engine,
                                                                         live_settings: Settings,
                                                                         robot: Robot) -> None:
    with session_scope(live_engine) as session:
        mine = march_work(session, make_mine(session))
        leader = make_user(session, role=Role.owner)
        units_service.set_leader(session, unit=mine.team, username=leader.username)
        team, units = mine.team.code, [u.code for u in (mine.mine, mine.team, mine.crew, mine.other)]
        configure.add_channel(session, settings=live_settings, data=ChannelCreate(
            name="safety-wecom", kind="wecom", target=robot.url("/cgi-bin/webhook/send?key=k"),
            events=["ten_day_summary"]))
    at = datetime(2025, 3, 11, 7, 59, tzinfo=SHANGHAI)
    for moment, told in ((at, 0), (at.replace(minute=0, hour=8), None), (at.replace(hour=9), 0),
                         (at.replace(day=15), 0)):
        with session_scope(live_engine) as session:
            sent = send_ten_day_summary(session, now=moment, settings=live_settings)
        assert sent == told if told is not None else sent >= 2  # the officer and the leader at least
    assert outbox.deliver_due(live_engine, settings=live_settings) >= 1
    [request] = robot.received
    content = request.json["markdown"]["content"]
    assert "隐患排查治理旬报（2025-03-01~2025-03-10）" in content
    assert ("综采一队：查出 0 项，涉及本单位 4 项，按期销号 1 项，超期 2 项，延期申请 1 项，三违 0 人次，员工满意率 100.0%"
            in content)
    assert "掘进二队：查出 2 项，涉及本单位 0 项" in content and "员工满意率 暂无评价" in content
    with Session(live_engine) as session:
        [own] = session.exec(select(Notification).where(Notification.user_id == leader.id)).all()
        [officer] = session.exec(select(Notification).where(Notification.user_id == mine.officer.id,
                                                            Notification.kind == "digest")).all()
    assert own.kind == "ten_day_summary" and own.data["unit"] == team and own.data["about"] == 4
    assert {item["unit"] for item in officer.data["items"]} >= set(units)
