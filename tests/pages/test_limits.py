"""Abuse limits: too many requests from one client, or too large a body, get a clear page."""

import uuid

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from safety_service.config import Settings
from safety_service.hazards.models import Hazard
from safety_service.pages import views as pages_views
from safety_service.qr import tokens
from safety_service.web.limits import RateLimiter
from tests.conftest import client_with
from tests.locations.builders import make_location
from tests.pages.conftest import InlineWriter


def test_a_bucket_refills_with_time() -> None:
    now = [0.0]
    limiter = RateLimiter(6, clock=lambda: now[0])  # six a minute: one every ten seconds
    assert [limiter.acquire("a") for _ in range(6)] == [0.0] * 6
    assert limiter.acquire("a") == 10.0 and limiter.acquire("b") == 0.0
    now[0] = 10.0
    assert limiter.acquire("a") == 0.0 and limiter.acquire("a") > 0


def test_one_client_is_slowed_down_with_a_message(settings: Settings, engine: Engine, session: Session) -> None:
    path = "/r/" + tokens.sign(tokens.keyring(settings), make_location(session).code)
    with client_with(settings, engine, session, public_rate_per_minute=3, report_rate_per_minute=1) as client:
        assert [client.get(path).status_code for _ in range(3)] == [200, 200, 200]
        limited = client.get(path)
        assert limited.status_code == 429 and "提交太频繁" in limited.text and int(limited.headers["Retry-After"]) > 0
        assert client.get("/healthz").status_code == 200  # only the public pages are limited


def test_an_oversized_body_is_refused_before_it_is_read(settings: Settings, engine: Engine, session: Session) -> None:
    path = "/r/" + tokens.sign(tokens.keyring(settings), make_location(session).code)
    with client_with(settings, engine, session, photo_max_bytes=64 * 1024) as client:
        big = b"\xff\xd8" + b"0" * (400 * 1024)
        sent = client.post(path, data={"description": "x", "client_report_id": str(uuid.uuid4())},
                           files={"photo": ("big.jpg", big, "image/jpeg")}, headers={"Accept-Language": "en"})
        assert sent.status_code == 413 and "too large" in sent.text and "<header><span>Hazard reporting</span>" in sent.text
        family = client.post("/f/1.2.3/message", data={"text": "平安"}, files={"photo": ("big.jpg", big, "image/jpeg")})
        assert family.status_code == 413 and "<header><span>亲情帮教</span>" in family.text  # a family's page


def test_a_report_refused_by_the_limit_comes_back_as_typed_with_when_to_send(settings: Settings, engine: Engine,
                                                                             session: Session) -> None:
    path = "/r/" + tokens.sign(tokens.keyring(settings), make_location(session).code)
    with client_with(settings, engine, session, report_rate_per_minute=1) as client:
        client.app.dependency_overrides[pages_views.get_report_writer] = lambda: InlineWriter(session, "UTC")
        first = {"description": "皮带机托辊卡死", "client_report_id": str(uuid.uuid4())}
        assert client.post(path, data=first).status_code == 201
        typed = {"description": "风门关不严，漏风", "reporter_name": "张三", "employee_no": "T0815",
                 "category": "ventilation", "client_report_id": str(uuid.uuid4())}
        refused = client.post(path, data=typed, files={"photo": ("a.jpg", b"\xff\xd8 not read", "image/jpeg")})
        seconds = int(refused.headers["Retry-After"])
        assert refused.status_code == 429 and 0 < seconds <= 60
        assert f"请 {seconds} 秒后再点“提交举报”" in refused.text and 'id="retry"' in refused.text
        for name in ("description", "reporter_name", "employee_no", "client_report_id"):
            assert typed[name] in refused.text
        assert 'value="ventilation" checked' in refused.text
        assert session.exec(select(Hazard).where(Hazard.client_report_id == typed["client_report_id"])).first() is None
