"""A report whose sender went away before the whole form arrived is not stored half-sent."""

import uuid
from urllib.parse import urlencode

from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlmodel import Session, select

from safety_service.config import Settings
from safety_service.hazards.models import Hazard
from safety_service.qr import tokens


def test_a_report_cut_off_by_a_disconnect_is_not_stored(pages: TestClient, session: Session, settings: Settings,
                                                        location) -> None:
    """As when a phone gives up mid-upload during a flood: the service must not store the part that came,
    under a report id of its own (the phone would send it again: a second, whole report)."""
    path = "/r/" + tokens.sign(tokens.keyring(settings), location.code)
    body = urlencode({"category": "roof", "description": "顶板有裂缝，锚杆松动，需要立即处理",
                      "client_report_id": str(uuid.uuid4())}).encode()
    messages = [{"type": "http.request", "body": body[:60], "more_body": True}, {"type": "http.disconnect"}]
    sent: list[dict] = []

    async def receive() -> dict:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
             "headers": [(b"host", b"testserver"), (b"content-type", b"application/x-www-form-urlencoded"),
                         (b"content-length", str(len(body)).encode())],
             "client": ("127.0.0.1", 50000), "server": ("testserver", 80)}

    async def request() -> None:
        await pages.app(scope, receive, send)

    stored = select(func.count()).select_from(Hazard)
    before = session.exec(stored).one()  # the database may hold other tests' hazards
    pages.portal.call(request)  # type: ignore[union-attr]
    assert session.exec(stored).one() == before
    assert not sent or sent[0]["status"] < 500
