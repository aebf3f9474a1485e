"""The admin's kiosk page: every kiosk with its location, online or offline since when, its last report,
its software version and how many of its messages wait in the dead letters."""

import json
import re
import uuid
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from safety_service.clock import utc_now
from safety_service.hazards.models import Hazard
from safety_service.kiosks.models import Kiosk
from safety_service.mqtt import intake
from safety_service.people.models import Role
from tests.kiosks.builders import make_kiosk
from tests.locations.builders import make_location

SITE = "tianchen"


def _message(kiosk_id: str, payload: object, kind: str, hours_ago: float) -> intake.Incoming:
    body = payload if isinstance(payload, bytes) else json.dumps(payload, ensure_ascii=False).encode()
    return intake.Incoming(topic=f"safety/{SITE}/kiosk/{kiosk_id}/{kind}", payload=body,
                           received_at=utc_now() - timedelta(hours=hours_ago))


def _status(state: str, version: str | None = None) -> dict:
    return {"schema": "kiosk-status/1", "state": state, "version": version, "at": None}


def _report() -> dict:
    return {"schema": "kiosk-report/1", "report_id": str(uuid.uuid4()), "created_at": "2026-11-24T08:00:00+08:00",
            "description": "副井井口防坠器锈蚀"}


def _row(html: str, kiosk_id: str) -> str:
    found = re.search(rf'<tr data-kiosk="{kiosk_id}".*?</tr>', html, re.DOTALL)
    assert found, kiosk_id
    return found.group(0)


def test_the_kiosk_page_shows_presence_since_last_report_version_and_dead_letters(
        console: TestClient, session: Session, signed_in) -> None:
    shaft = make_location(session, code="PH-1", name_zh="主井井口")
    busy, _ = make_kiosk(session, location=shaft, kiosk_id="kiosk-ph1")
    quiet, _ = make_kiosk(session, kiosk_id="kiosk-ws1")
    intake.apply_batch(session, [
        _message(busy.kiosk_id, _status("online", "2.3.1"), "status", hours_ago=50),
        _message(busy.kiosk_id, _report(), "report", hours_ago=3),
        _message(busy.kiosk_id, b"\xff not json", "report", hours_ago=2),
        _message(busy.kiosk_id, _status("online", "2.3.1"), "status", hours_ago=1),  # a repeat keeps "since"
        _message(quiet.kiosk_id, _status("offline"), "status", hours_ago=26),
    ], site=SITE, timezone="Asia/Shanghai")
    session.commit()
    ref = session.exec(select(Hazard.ref).where(Hazard.kiosk_id == busy.id)).one()
    signed_in(Role.admin)
    page = console.get("/console/admin/kiosks")
    assert page.status_code == 200
    busy_row, quiet_row = _row(page.text, busy.kiosk_id), _row(page.text, quiet.kiosk_id)
    assert "主井井口" in busy_row and "2.3.1" in busy_row
    assert "在线" in busy_row and "（2 天 2 小时）" in busy_row
    assert f'href="/console/hazards/{ref}"' in busy_row
    assert "1 条待处理" in busy_row
    assert "离线" in quiet_row and "（1 天 2 小时）" in quiet_row and "尚无举报" in quiet_row
    assert 'class="dead-letters">0<' in quiet_row
    assert session.get(Kiosk, busy.id).status == "online"
