"""The report page's urgent choice (紧急/立即危险): the dispatch room is told at once."""

import re
import uuid

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from safety_service.config import Settings
from safety_service.hazards.models import Hazard
from safety_service.notifications.models import Notification
from safety_service.people.models import Role
from safety_service.qr import tokens
from tests.people.builders import make_user


def _path(settings: Settings, code: str) -> str:
    return "/r/" + tokens.sign(tokens.keyring(settings), code)


def test_the_page_offers_the_urgent_choice_and_gas_suggests_it(pages: TestClient, settings: Settings,
                                                               location) -> None:
    page = pages.get(_path(settings, location.code)).text
    assert "紧急：立即危险" in page and 'name="urgent" value="1"' in page
    assert re.search(r'value="gas" data-urgent', page) and not re.search(r'value="ventilation" data-urgent', page)


def test_an_urgent_report_alarms_the_dispatcher(pages: TestClient, session: Session, settings: Settings,
                                                location) -> None:
    dispatcher = make_user(session, role=Role.dispatcher)
    answer = pages.post(_path(settings, location.code), data={
        "description": "瓦斯浓度超限", "category": "gas", "urgent": "1", "client_report_id": str(uuid.uuid4())})
    assert answer.status_code == 201 and 'id="urgent-receipt"' in answer.text
    ref = re.search(r'id="ref"[^>]*>(YH-[\d-]+)<', answer.text).group(1)
    hazard = session.exec(select(Hazard).where(Hazard.ref == ref)).one()
    assert hazard.urgent and hazard.urgent_at is not None
    alarm = session.exec(select(Notification).where(Notification.user_id == dispatcher.id)).one()
    assert alarm.kind == "urgent" and alarm.hazard_id == hazard.id


def test_an_ordinary_report_is_not_urgent(pages: TestClient, session: Session, settings: Settings, location) -> None:
    answer = pages.post(_path(settings, location.code), data={
        "description": "巷道积水", "category": "water", "urgent": "", "client_report_id": str(uuid.uuid4())})
    ref = re.search(r'id="ref"[^>]*>(YH-[\d-]+)<', answer.text).group(1)
    assert not session.exec(select(Hazard).where(Hazard.ref == ref)).one().urgent
    assert 'id="urgent-receipt"' not in answer.text
