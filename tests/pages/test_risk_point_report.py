"""The QR page offers the location's risk points; a report naming one is linked to it (and a major one
reaches the chief), a risk point of another location is refused with the form again."""

import uuid

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from safety_service.config import Settings
from safety_service.hazards.models import Hazard
from safety_service.notifications.models import Notification
from safety_service.people.models import Role
from safety_service.qr import tokens
from tests.locations.builders import make_location
from tests.people.builders import make_user
from tests.risks.builders import make_risk_point


def _path(settings: Settings, code: str) -> str:
    return "/r/" + tokens.sign(tokens.keyring(settings), code)


def _form(**fields: str) -> dict[str, str]:
    return {"description": "液压支架立柱漏液，初撑力不够", "category": "roof", "client_report_id": str(uuid.uuid4()),
            **fields}


def test_the_page_offers_the_risk_points_of_its_location_only(pages: TestClient, session: Session,
                                                               settings: Settings, location) -> None:
    here = make_risk_point(session, location=location, name="3102综采工作面")
    elsewhere = make_risk_point(session, location=make_location(session), name="中央变电所")
    page = pages.get(_path(settings, location.code))
    assert f'name="risk_point" value="{here.code}"' in page.text and "3102综采工作面" in page.text
    assert "重大风险" in page.text and "风险点（可不选）" in page.text
    assert elsewhere.code not in page.text and "中央变电所" not in page.text


def test_a_page_without_risk_points_shows_no_choice(pages: TestClient, settings: Settings, location) -> None:
    assert 'name="risk_point"' not in pages.get(_path(settings, location.code)).text


def test_a_report_naming_a_major_risk_point_is_linked_and_told_to_the_chief(
        pages: TestClient, session: Session, settings: Settings, location) -> None:
    point = make_risk_point(session, location=location, likelihood=4, severity=5)  # R = 20: 重大
    chief = make_user(session, role=Role.chief)
    form = _form(risk_point=point.code)
    answer = pages.post(_path(settings, location.code), data=form)
    assert answer.status_code == 201, answer.text
    hazard = session.exec(select(Hazard).where(Hazard.client_report_id == form["client_report_id"])).one()
    assert hazard.risk_point_id == point.id
    told = session.exec(select(Notification).where(Notification.user_id == chief.id,
                                                   Notification.hazard_id == hazard.id)).all()
    assert [n.kind for n in told] == ["major_point_hazard"] and told[0].data["risk_point"] == point.code


def test_a_lower_risk_point_is_linked_without_telling_the_chief(pages: TestClient, session: Session,
                                                                  settings: Settings, location) -> None:
    point = make_risk_point(session, location=location, likelihood=2, severity=3)
    chief = make_user(session, role=Role.chief)
    form = _form(risk_point=point.code)
    assert pages.post(_path(settings, location.code), data=form).status_code == 201
    hazard = session.exec(select(Hazard).where(Hazard.client_report_id == form["client_report_id"])).one()
    assert hazard.risk_point_id == point.id
    assert not session.exec(select(Notification).where(Notification.user_id == chief.id)).all()


def test_a_risk_point_of_another_location_is_refused_and_nothing_is_stored(
        pages: TestClient, session: Session, settings: Settings, location) -> None:
    make_risk_point(session, location=location)
    other = make_risk_point(session, location=make_location(session))
    form = _form(risk_point=other.code)
    answer = pages.post(_path(settings, location.code), data=form)
    assert answer.status_code == 422 and "这个风险点不属于本地点" in answer.text
    assert "液压支架立柱漏液" in answer.text  # the form comes back as typed
    assert session.exec(select(Hazard).where(Hazard.client_report_id == form["client_report_id"])).first() is None


def test_an_overlong_risk_point_is_named_with_the_other_problems(pages: TestClient, settings: Settings,
                                                                 location) -> None:
    answer = pages.post(_path(settings, location.code), data=_form(risk_point="X" * 40, description=""))
    assert answer.status_code == 422
    assert "这个风险点不属于本地点" in answer.text and "请填写隐患描述" in answer.text
