"""The notification API: channels (admins), the inbox, preferences, and the urgent actions."""

from fastapi.testclient import TestClient
from sqlmodel import Session

from safety_service.config import Settings
from safety_service.people.models import Role
from tests.hazards.builders import make_hazard
from tests.notifications.receivers import Robot
from tests.people.builders import auth, make_user


def test_an_admin_adds_a_channel_and_never_sees_its_secret_again(client: TestClient, session: Session,
                                                                 settings: Settings, robot: Robot) -> None:
    admin = make_user(session, role=Role.admin)
    url = robot.url("/robot/send?access_token=tok-very-secret-123")
    answer = client.post("/api/v1/notify/channels", headers=auth(admin, settings), json={
        "name": "钉钉调度群", "kind": "dingtalk", "target": url, "secret": "SECabcdef", "events": ["urgent"]})
    assert answer.status_code == 201, answer.text
    assert "tok-very-secret" not in answer.text and "SECabcdef" not in answer.text and answer.json()["signed"]
    listed = client.get("/api/v1/notify/channels", headers=auth(admin, settings))
    assert "tok-very-secret" not in listed.text
    tested = client.post(f"/api/v1/notify/channels/{answer.json()['id']}/test", headers=auth(admin, settings),
                         json={})
    assert tested.json()["ok"] is True
    assert "测试消息" in robot.received[0].json["markdown"]["text"]


def test_a_bad_channel_is_refused_naming_the_field(client: TestClient, session: Session, settings: Settings) -> None:
    admin = make_user(session, role=Role.admin)
    answer = client.post("/api/v1/notify/channels", headers=auth(admin, settings), json={
        "name": "x", "kind": "wecom", "target": "ftp://example.org/hook"})
    assert answer.status_code == 422 and "target" in answer.text
    answer = client.post("/api/v1/notify/channels", headers=auth(admin, settings), json={
        "name": "x", "kind": "wecom", "target": "https://example.org/hook", "events": ["everything"]})
    assert answer.status_code == 422 and "events" in answer.text


def test_only_admins_configure_channels(client: TestClient, session: Session, settings: Settings) -> None:
    officer = make_user(session, role=Role.officer)
    assert client.get("/api/v1/notify/channels", headers=auth(officer, settings)).status_code == 403


def test_a_dispatcher_acknowledges_over_the_api(client: TestClient, session: Session, settings: Settings) -> None:
    officer, dispatcher = make_user(session, role=Role.officer), make_user(session, role=Role.dispatcher)
    hazard = make_hazard(session)
    marked = client.post(f"/api/v1/hazards/{hazard.ref}/mark-urgent", headers=auth(officer, settings), json={})
    assert marked.status_code == 200 and marked.json()["urgent"] is True
    bad = client.post(f"/api/v1/hazards/{hazard.ref}/acknowledge-urgent", headers=auth(dispatcher, settings),
                      json={"what": "done"})
    assert bad.status_code == 422 and "what" in bad.text
    done = client.post(f"/api/v1/hazards/{hazard.ref}/acknowledge-urgent", headers=auth(dispatcher, settings),
                       json={"what": "evacuated", "note": "已撤出"})
    assert done.status_code == 200 and done.json()["urgent_acknowledged_at"]
    assert done.json()["history"][-1]["action"] == "urgent_acknowledged"
    again = client.post(f"/api/v1/hazards/{hazard.ref}/acknowledge-urgent", headers=auth(dispatcher, settings),
                        json={"what": "evacuated"})
    assert again.status_code == 409


def test_the_inbox_counts_unread_and_marks_all_read(client: TestClient, session: Session, settings: Settings) -> None:
    dispatcher = make_user(session, role=Role.dispatcher)
    officer = make_user(session, role=Role.officer)
    for _ in range(2):
        client.post(f"/api/v1/hazards/{make_hazard(session).ref}/mark-urgent", headers=auth(officer, settings),
                    json={})
    headers = auth(dispatcher, settings)
    assert client.get("/api/v1/notifications/unread", headers=headers).json() == {"unread": 2}
    assert client.post("/api/v1/notifications/read-all", headers=headers).json() == {"marked": 2}
    assert client.get("/api/v1/notifications/unread", headers=headers).json() == {"unread": 0}


def test_urgent_cannot_be_turned_off_by_a_dispatcher(client: TestClient, session: Session, settings: Settings) -> None:
    dispatcher, officer = make_user(session, role=Role.dispatcher), make_user(session, role=Role.officer)
    refused = client.put("/api/v1/notifications/preferences", headers=auth(dispatcher, settings),
                         json={"channel": "inbox", "event": "urgent", "enabled": False})
    assert refused.status_code == 422 and "event" in refused.text
    muted = client.put("/api/v1/notifications/preferences", headers=auth(officer, settings),
                       json={"channel": "inbox", "event": "urgent", "enabled": False})
    assert muted.json() == [{"channel": "inbox", "event": "urgent"}]
    client.post(f"/api/v1/hazards/{make_hazard(session).ref}/mark-urgent", headers=auth(dispatcher, settings),
                json={})
    assert client.get("/api/v1/notifications/unread", headers=auth(officer, settings)).json() == {"unread": 0}
