"""The QR page's unsafe-behaviour form (人的不安全行为, 安委〔2024〕7号): what, where, when, the person optional."""

import re
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from safety_service.config import Settings
from safety_service.hazards.models import Hazard
from safety_service.qr import tokens


def _path(settings: Settings, code: str) -> str:
    return "/r/" + tokens.sign(tokens.keyring(settings), code) + "?kind=behaviour"


def _local(settings: Settings, delta: timedelta = timedelta()) -> str:
    return (datetime.now(ZoneInfo(settings.timezone)) + delta).strftime("%Y-%m-%dT%H:%M")


def test_the_behaviour_form_asks_what_when_and_who(pages: TestClient, settings: Settings, location) -> None:
    page = pages.get(_path(settings, location.code))
    assert page.status_code == 200 and "举报不安全行为" in page.text and 'name="kind" value="behaviour"' in page.text
    assert 'type="datetime-local"' in page.text and "当事人姓名（可不填）" in page.text
    assert "不会告诉被举报的人" in page.text and 'name="category"' not in page.text
    plain = pages.get(_path(settings, location.code).removesuffix("?kind=behaviour"))
    assert 'id="behaviour-link"' in plain.text and 'name="kind"' not in plain.text


def test_a_behaviour_report_is_stored_as_an_unsafe_act(pages: TestClient, session: Session, settings: Settings,
                                                      location) -> None:
    form = {"kind": "behaviour", "description": "班长安排在未支护顶板下作业", "behaviour_at": _local(settings, -timedelta(hours=1)),
            "behaviour_person": "王班长", "client_report_id": str(uuid.uuid4()), "category": "roof", "urgent": "1"}
    answer = pages.post(_path(settings, location.code), data=form)
    assert answer.status_code == 201, answer.text
    ref = re.search(r'id="ref"[^>]*>(YH-[\d-]+)<', answer.text).group(1)
    hazard = session.exec(select(Hazard).where(Hazard.ref == ref)).one()
    assert hazard.report_type == "unsafe_act" and hazard.behaviour_person == "王班长"
    assert hazard.category_id is None and hazard.urgent is False and hazard.behaviour_at is not None


def test_a_moment_sent_with_its_offset_keeps_it(pages: TestClient, session: Session, settings: Settings,
                                                location) -> None:
    """The form's datetime-local is the mine's time; a moment written with ``Z`` or an offset (a script, a form
    filled in by hand) is that moment, not the same clock reading in the mine's zone."""
    moment = datetime.now(ZoneInfo("UTC")).replace(microsecond=0, second=0) - timedelta(hours=2)
    for written in (moment.strftime("%Y-%m-%dT%H:%MZ"), moment.astimezone(ZoneInfo("Asia/Kathmandu")).isoformat()):
        form = {"kind": "behaviour", "description": "违章作业", "behaviour_at": written,
                "client_report_id": str(uuid.uuid4())}
        answer = pages.post(_path(settings, location.code), data=form)
        assert answer.status_code == 201, answer.text[-300:]
        ref = re.search(r'id="ref"[^>]*>(YH-[\d-]+)<', answer.text).group(1)
        stored = session.exec(select(Hazard).where(Hazard.ref == ref)).one().behaviour_at
        assert stored.replace(tzinfo=stored.tzinfo or ZoneInfo("UTC")) == moment, (written, stored)


def test_every_wrong_field_is_named_at_once(pages: TestClient, settings: Settings, location) -> None:
    form = {"kind": "behaviour", "description": "", "behaviour_at": _local(settings, timedelta(hours=5)),
            "behaviour_person": "x" * 65, "client_report_id": str(uuid.uuid4())}
    answer = pages.post(_path(settings, location.code), data=form)
    assert answer.status_code == 422
    assert "发生时间不能晚于现在" in answer.text and "姓名不能超过 64 个字" in answer.text
    assert "请填写隐患描述" in answer.text and 'name="kind" value="behaviour"' in answer.text
    missing = pages.post(_path(settings, location.code), data={**form, "behaviour_at": "昨天", "description": "违章"})
    assert missing.status_code == 422 and "请填写发生的日期和时间" in missing.text


def test_a_moment_before_1900_is_named_and_nothing_is_stored(pages: TestClient, session: Session,
                                                              settings: Settings, location) -> None:
    before = len(session.exec(select(Hazard)).all())
    for moment in ("0001-01-01T00:00", "0001-01-01", "1899-12-31T23:59"):
        form = {"kind": "behaviour", "description": "违章作业", "behaviour_at": moment,
                "client_report_id": str(uuid.uuid4())}
        answer = pages.post(_path(settings, location.code), data=form)
        assert answer.status_code == 422, (moment, answer.text[-300:])
        assert re.search(r'name="behaviour_at"[^>]*>\s*<p class="err">日期须在 1900-01-01 至 9998-12-31 之间', answer.text)
        english = pages.post(_path(settings, location.code), data={**form, "lang": "en"})
        assert english.status_code == 422 and "from 1900-01-01 to 9998-12-31" in english.text
    assert len(session.exec(select(Hazard)).all()) == before
