"""Notifications reach real receivers on loopback: each provider's exact request, retries, no repeats,
and a change that commits whatever the receiver does."""

import base64
import hashlib
import hmac
import threading
from datetime import timedelta
from email import message_from_bytes
from email.header import decode_header, make_header

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from safety_service.clock import utc_now
from safety_service.config import Settings
from safety_service.database import session_scope
from safety_service.hazards.models import Hazard
from safety_service.notifications import configure, outbox, sealing
from safety_service.notifications.configure import ChannelCreate
from safety_service.notifications.models import Attempt, Channel, Delivery
from safety_service.people.models import Role
from tests.hazards.builders import make_hazard, make_location
from tests.notifications.receivers import Robot, SmtpServer, refusing_address
from tests.people.builders import make_user

SECRET = "SECtest-signing-secret-0123456789"


def _channel(engine: Engine, settings: Settings, **fields) -> int:
    with session_scope(engine) as session:
        return configure.add_channel(session, data=ChannelCreate(**fields), settings=settings).id


def _urgent_report(engine: Engine, *, email: str | None = None) -> tuple[str, list[int]]:
    """A dispatcher and an officer, and an urgent report, committed; returns its ref and the people."""
    from safety_service.hazards import intake
    from safety_service.hazards.schemas import HazardReport

    with session_scope(engine) as session:
        dispatcher, officer = make_user(session, role=Role.dispatcher), make_user(session, role=Role.officer)
        officer.email = email
        location = make_location(session)
        hazard, _ = intake.report_hazard(session, data=HazardReport(
            location_code=location.code, description="回风巷瓦斯浓度超限，有异味", source="qr", urgent=True,
            category_code="gas"))
        return hazard.ref, [dispatcher.id, officer.id]


def _deliveries(engine: Engine) -> list[Delivery]:
    with Session(engine) as session:
        return list(session.exec(select(Delivery).order_by(Delivery.id)).all())


def test_wecom_gets_its_markdown_message_at_its_path(live_engine: Engine, live_settings: Settings,
                                                      robot: Robot) -> None:
    _channel(live_engine, live_settings, name="wecom", kind="wecom",
             target=robot.url("/cgi-bin/webhook/send?key=abc-123"))
    ref, _ = _urgent_report(live_engine)
    assert outbox.deliver_due(live_engine, settings=live_settings) == 1
    [request] = robot.received
    assert request.path == "/cgi-bin/webhook/send" and request.query == {"key": ["abc-123"]}
    body = request.json
    assert body["msgtype"] == "markdown" and set(body) == {"msgtype", "markdown"}
    content = body["markdown"]["content"]
    assert f"【紧急】隐患 {ref}" in content and "回风巷瓦斯浓度超限" in content
    assert f"https://safety.example.cn/console/hazards/{ref}" in content


def test_dingtalk_signs_the_url_with_timestamp_and_hmac(live_engine: Engine, live_settings: Settings,
                                                        robot: Robot) -> None:
    _channel(live_engine, live_settings, name="ding", kind="dingtalk", secret=SECRET,
             target=robot.url("/robot/send?access_token=tok"))
    ref, _ = _urgent_report(live_engine)
    assert outbox.deliver_due(live_engine, settings=live_settings) == 1
    [request] = robot.received
    assert request.path == "/robot/send" and request.query["access_token"] == ["tok"]
    timestamp = request.query["timestamp"][0]
    expected = base64.b64encode(hmac.new(SECRET.encode(), f"{timestamp}\n{SECRET}".encode(),
                                         hashlib.sha256).digest()).decode()
    assert request.query["sign"] == [expected]  # parse_qs undid the URL-encoding once
    assert abs(int(timestamp) - utc_now().timestamp() * 1000) < 60_000
    assert request.json["msgtype"] == "markdown" and ref in request.json["markdown"]["title"]


def test_feishu_signs_the_body(live_engine: Engine, live_settings: Settings, robot: Robot) -> None:
    robot.answer = {"code": 0, "msg": "success"}
    _channel(live_engine, live_settings, name="feishu", kind="feishu", secret=SECRET,
             target=robot.url("/open-apis/bot/v2/hook/hook-id"))
    ref, _ = _urgent_report(live_engine)
    assert outbox.deliver_due(live_engine, settings=live_settings) == 1
    body = robot.received[0].json
    assert robot.received[0].path == "/open-apis/bot/v2/hook/hook-id"
    expected = base64.b64encode(hmac.new(f"{body['timestamp']}\n{SECRET}".encode(), b"",
                                         hashlib.sha256).digest()).decode()
    assert body["sign"] == expected and body["msg_type"] == "text" and ref in body["content"]["text"]


def test_a_robot_answering_an_error_code_is_a_failure(live_engine: Engine, live_settings: Settings,
                                                      robot: Robot) -> None:
    robot.answer = {"errcode": 310000, "errmsg": "sign not match"}
    _channel(live_engine, live_settings, name="ding-bad", kind="dingtalk", target=robot.url("/robot/send?access_token=t"))
    _urgent_report(live_engine)
    assert outbox.deliver_due(live_engine, settings=live_settings) == 0
    [row] = _deliveries(live_engine)
    assert row.state == "pending" and row.attempts == 1


def test_the_generic_webhook_is_signed_in_a_header(live_engine: Engine, live_settings: Settings,
                                                   robot: Robot) -> None:
    _channel(live_engine, live_settings, name="hook", kind="webhook", secret=SECRET, target=robot.url("/hooks/safety"))
    ref, _ = _urgent_report(live_engine)
    assert outbox.deliver_due(live_engine, settings=live_settings) == 1
    request = robot.received[0]
    timestamp = request.headers["X-Safety-Timestamp"]
    digest = hmac.new(SECRET.encode(), timestamp.encode() + b"." + request.body, hashlib.sha256).hexdigest()
    assert request.headers["X-Safety-Signature"] == f"sha256={digest}"
    assert request.json["event"] == "urgent" and request.json["urgent"] is True
    assert request.json["items"][0]["ref"] == ref


def test_a_500_is_retried_after_the_backoff_and_recorded(live_engine: Engine, live_settings: Settings,
                                                         robot: Robot) -> None:
    robot.plan = [500]
    channel_id = _channel(live_engine, live_settings, name="retry", kind="webhook", target=robot.url("/h"))
    _urgent_report(live_engine)
    now = utc_now()
    assert outbox.deliver_due(live_engine, settings=live_settings, now=now) == 0
    assert outbox.deliver_due(live_engine, settings=live_settings, now=now + timedelta(seconds=10)) == 0  # not yet
    assert outbox.deliver_due(live_engine, settings=live_settings, now=now + timedelta(seconds=31)) == 1
    with Session(live_engine) as session:
        attempts = outbox.recent_attempts(session, channel_id=channel_id)
    assert [(a.ok, a.status) for a in reversed(attempts)] == [(False, 500), (True, 200)]
    assert [r.state for r in _deliveries(live_engine)] == ["sent"]


def test_a_timeout_is_retried(live_engine: Engine, live_settings: Settings, robot: Robot) -> None:
    robot.plan = ["hang"]
    _channel(live_engine, live_settings, name="slow", kind="webhook", target=robot.url("/h"))
    _urgent_report(live_engine)
    now = utc_now()
    assert outbox.deliver_due(live_engine, settings=live_settings, now=now) == 0
    with Session(live_engine) as session:
        [attempt] = session.exec(select(Attempt)).all()
    assert not attempt.ok and "timed out" in (attempt.detail or "").lower()
    assert outbox.deliver_due(live_engine, settings=live_settings, now=now + timedelta(minutes=1)) == 1
    assert len(robot.received) == 1


def test_a_restart_mid_delivery_sends_nothing_twice(live_engine: Engine, live_settings: Settings,
                                                    robot: Robot) -> None:
    for name in ("a", "b", "c"):
        _channel(live_engine, live_settings, name=f"restart-{name}", kind="webhook", target=robot.url(f"/{name}"))
    _urgent_report(live_engine)
    stop = threading.Event()
    robot.on_request = stop.set  # the worker is stopped while its first message is in flight
    assert outbox.deliver_due(live_engine, settings=live_settings, stop=stop) == 1
    robot.on_request = None
    assert outbox.deliver_due(live_engine, settings=live_settings) == 2  # the restarted worker
    assert outbox.deliver_due(live_engine, settings=live_settings, now=utc_now() + timedelta(hours=2)) == 0
    assert sorted(r.path for r in robot.received) == ["/a", "/b", "/c"]


def test_the_report_commits_when_the_receiver_is_down(live_engine: Engine, live_settings: Settings) -> None:
    with refusing_address() as down:
        _channel(live_engine, live_settings, name="down", kind="wecom", target=f"{down}/gone")
        ref, _ = _urgent_report(live_engine)
        assert outbox.deliver_due(live_engine, settings=live_settings) == 0
    with Session(live_engine) as session:
        assert session.exec(select(Hazard).where(Hazard.ref == ref)).one().urgent
    [row] = _deliveries(live_engine)
    assert row.state == "pending" and row.attempts == 1


def test_after_the_last_attempt_the_delivery_is_failed(live_engine: Engine, live_settings: Settings,
                                                       robot: Robot) -> None:
    robot.plan = [500, 500]
    settings = live_settings.model_copy(update={"notify_max_attempts": 2})
    _channel(live_engine, settings, name="give-up", kind="webhook", target=robot.url("/h"))
    _urgent_report(live_engine)
    now = utc_now()
    outbox.deliver_due(live_engine, settings=settings, now=now)
    outbox.deliver_due(live_engine, settings=settings, now=now + timedelta(hours=2))
    assert [r.state for r in _deliveries(live_engine)] == ["failed"]


def test_email_goes_to_the_people_with_an_address(live_engine: Engine, live_settings: Settings,
                                                  smtp: SmtpServer) -> None:
    _channel(live_engine, live_settings, name="mail", kind="email",
             target=f"smtp://127.0.0.1:{smtp.port}?from=safety@mine.example.cn")
    ref, _ = _urgent_report(live_engine, email="officer@mine.example.cn")
    assert outbox.deliver_due(live_engine, settings=live_settings) == 1
    [mail] = smtp.mails
    assert mail["to"] == ["officer@mine.example.cn"] and mail["from"] == "safety@mine.example.cn"
    parsed = message_from_bytes(mail["data"])
    assert ref in str(make_header(decode_header(parsed["Subject"])))


def test_secrets_are_stored_sealed_and_shown_masked(live_engine: Engine, live_settings: Settings) -> None:
    url = "https://oapi.dingtalk.com/robot/send?access_token=verysecrettoken1234"
    channel_id = _channel(live_engine, live_settings, name="sealed", kind="dingtalk", target=url, secret=SECRET)
    with Session(live_engine) as session:
        channel = session.get(Channel, channel_id)
        shown = configure.public(channel).model_dump_json()
    assert "verysecrettoken" not in channel.target and SECRET not in (channel.secret or "")
    assert sealing.unseal(live_settings.data_dir, channel.target) == url
    assert "verysecrettoken" not in shown and SECRET not in shown and "oapi.dingtalk.com" in shown


def test_a_channel_limited_to_an_area_and_events_takes_only_those(live_engine: Engine, live_settings: Settings,
                                                                  robot: Robot) -> None:
    _channel(live_engine, live_settings, name="closing-only", kind="webhook", target=robot.url("/h"),
             events=["closed"])
    _urgent_report(live_engine)
    assert _deliveries(live_engine) == []


def test_two_hundred_overdue_hazards_make_one_message_per_recipient(live_engine: Engine, live_settings: Settings,
                                                                    robot: Robot, smtp: SmtpServer) -> None:
    from safety_service.hazards.scheduled import escalate_overdue
    from safety_service.hazards.states import HazardState
    from safety_service.notifications.models import Notification

    _channel(live_engine, live_settings, name="group", kind="webhook", target=robot.url("/group"))
    _channel(live_engine, live_settings, name="mail-digest", kind="email",
             target=f"smtp://127.0.0.1:{smtp.port}?from=safety@mine.example.cn")
    start = utc_now() - timedelta(days=3)
    with session_scope(live_engine) as session:
        owner = make_user(session, role=Role.owner)
        owner.email = "owner@mine.example.cn"
        officers = [make_user(session, role=Role.officer) for _ in range(3)]
        for officer in officers:
            officer.email = f"{officer.username}@mine.example.cn"
        location = make_location(session)
        for _ in range(200):
            make_hazard(session, state=HazardState.rectifying, owner=owner, officer=officers[0], location=location,
                        now=start, deadline=start + timedelta(days=1))
        for row in session.exec(select(Delivery)).all():  # the assignments' own notices, not under test
            session.delete(row)
        session.flush()
        user_ids = [owner.id] + [o.id for o in officers]
        taken = escalate_overdue(session, now=utc_now(), settings=live_settings)
    assert taken == 400  # owner then officer; the chief's step is not due yet
    with Session(live_engine) as session:
        rows = session.exec(select(Notification).where(Notification.kind.in_(["digest", "overdue"]))).all()
    per_user = [r.user_id for r in rows]
    assert len(per_user) == len(set(per_user)) and set(user_ids) <= set(per_user)  # one inbox row each
    assert all(r.data["count"] == 200 for r in rows if r.user_id in user_ids)
    sent = outbox.deliver_due(live_engine, settings=live_settings)
    addresses = [to for m in smtp.mails for to in m["to"]]
    assert sent == 1 + len(addresses) and len(addresses) == len(set(addresses))
    assert {"owner@mine.example.cn"} | {f"{o.username}@mine.example.cn" for o in officers} <= set(addresses)
    assert len(robot.received) == 1 and len(robot.received[0].json["items"]) == 200  # each hazard once

