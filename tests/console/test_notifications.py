"""The console's bell and inbox, the urgent strip and the dispatcher's acknowledgement, the admins' channels."""

import re
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from safety_service.hazards import urgent
from safety_service.hazards.models import HazardEvent
from safety_service.notifications.models import Channel
from safety_service.people.models import Role, User
from tests.hazards.builders import make_hazard
from tests.notifications.conftest import robot  # noqa: F401 - the loopback robot fixture
from tests.notifications.receivers import Robot
from tests.people.builders import make_user

SignedIn = Callable[[Role], tuple[User, str]]


def test_the_bell_counts_unread_and_the_inbox_marks_read(console: TestClient, session: Session,
                                                         signed_in: SignedIn) -> None:
    _, csrf = signed_in(Role.dispatcher)
    officer = make_user(session, role=Role.officer)
    hazards = [make_hazard(session) for _ in range(2)]
    for hazard in hazards:
        urgent.mark_urgent(session, hazard=hazard, actor=officer)
    page = console.get("/console/", follow_redirects=True).text
    assert re.search(r'id="unread">2<', page)
    inbox = console.get("/console/inbox").text
    assert f"【紧急】隐患 {hazards[0].ref}" in inbox and inbox.count('class="unread urgent"') == 2
    first = re.search(r'href="(/console/inbox/\d+)"', inbox).group(1)
    opened = console.get(first)
    assert opened.status_code == 303 and opened.headers["location"].startswith("/console/hazards/YH-")
    assert re.search(r'id="unread">1<', console.get("/console/inbox").text)
    console.post("/console/inbox/read-all", data={"csrf_token": csrf})
    assert 'id="unread"' not in console.get("/console/inbox").text


def test_urgent_reports_top_the_queue_and_the_dispatcher_acknowledges(console: TestClient, session: Session,
                                                                      signed_in: SignedIn) -> None:
    dispatcher, csrf = signed_in(Role.dispatcher)
    hazard = make_hazard(session, description="采空区自燃征兆，CO超限")
    urgent.mark_urgent(session, hazard=hazard, actor=make_user(session, role=Role.officer))
    queue = console.get("/console/").text
    assert 'id="urgent-strip"' in queue and f'data-ref="{hazard.ref}"' in queue
    assert queue.index('id="urgent-strip"') < queue.index('id="tabs"')
    detail = console.get(f"/console/hazards/{hazard.ref}").text
    assert 'id="ack-evacuated"' in detail
    done = console.post(f"/console/hazards/{hazard.ref}/urgent/acknowledge",
                        data={"csrf_token": csrf, "what": "evacuated", "note": "已撤出工作面8人"})
    assert done.status_code == 303
    event = session.exec(select(HazardEvent).where(HazardEvent.hazard_id == hazard.id,
                                                   HazardEvent.action == "urgent_acknowledged")).one()
    assert event.actor_id == dispatcher.id and event.data == {"what": "evacuated"}
    assert 'id="urgent-acknowledged"' in console.get(f"/console/hazards/{hazard.ref}").text


def test_an_officer_cannot_acknowledge(console: TestClient, session: Session, signed_in: SignedIn) -> None:
    officer, csrf = signed_in(Role.officer)
    hazard = make_hazard(session)
    urgent.mark_urgent(session, hazard=hazard, actor=officer)
    session.commit()
    refused = console.post(f"/console/hazards/{hazard.ref}/urgent/acknowledge",
                           data={"csrf_token": csrf, "what": "evacuated"})
    assert refused.status_code == 409 and hazard.urgent_acknowledged_at is None


def test_an_admin_adds_a_channel_and_sends_a_test(console: TestClient, session: Session, signed_in: SignedIn,
                                                  robot: Robot) -> None:  # noqa: F811
    _, csrf = signed_in(Role.admin)
    page = console.post("/console/admin/channels", data={
        "csrf_token": csrf, "name": "安全科企业微信群", "kind": "wecom", "events": ["urgent", "overdue"],
        "target": robot.url("/cgi-bin/webhook/send?key=secret-key-0001")})
    assert page.status_code == 200 and "安全科企业微信群" in page.text and "secret-key-0001" not in page.text
    channel = session.exec(select(Channel).where(Channel.name == "安全科企业微信群")).one()
    tested = console.post(f"/console/admin/channels/{channel.id}/test", data={"csrf_token": csrf})
    assert 'id="test-result"' in tested.text and "测试消息已送达" in tested.text
    assert robot.received[0].query == {"key": ["secret-key-0001"]}
    bad = console.post("/console/admin/channels", data={"csrf_token": csrf, "name": "x", "kind": "wecom",
                                                        "target": "not a url"})
    assert bad.status_code == 422 and 'id="err-target"' in bad.text


def test_an_officer_turns_email_off_for_closings_a_dispatcher_keeps_urgent(console: TestClient, session: Session,
                                                                         signed_in: SignedIn) -> None:
    from safety_service.notifications import configure, preferences

    officer, csrf = signed_in(Role.officer)
    ticked = [f"{c}:{e}" for c in ("inbox", "email") for e in configure.EVENTS if (c, e) != ("email", "closed")]
    assert console.post("/console/inbox/preferences", data={"csrf_token": csrf, "on": ticked}).status_code == 303
    assert preferences.muted(session, user=officer) == [{"channel": "email", "event": "closed"}]
    dispatcher, csrf = signed_in(Role.dispatcher)
    page = console.get("/console/inbox").text
    assert re.search(r'value="inbox:urgent"[^>]* checked disabled', page)
    console.post("/console/inbox/preferences", data={"csrf_token": csrf, "on": ["inbox:urgent", "email:urgent"]})
    muted = {(m["channel"], m["event"]) for m in preferences.muted(session, user=dispatcher)}
    assert ("inbox", "urgent") not in muted and ("inbox", "closed") in muted
