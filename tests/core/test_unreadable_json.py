"""A JSON body the API cannot read is a 422 naming the field, whatever the body holds: FastAPI's answer echoes
each refused value back, and JSON has no infinity, NaN or lone surrogate to echo them with.

Found by a fuzzing pass: ``{"description": 1e309}`` (or ``NaN``, ``Infinity``, ``"\\ud800"``) to any JSON route
answered 500 (the 422 could not be written)."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from safety_service.config import Settings
from safety_service.people.models import Role
from safety_service.rewards.models import RewardEntry
from tests.locations.builders import make_location
from tests.people.builders import auth, make_user

UNWRITABLE = ("1e309", "-1e309", "NaN", "Infinity", '"\\ud800"', '"a\\udfffb"')


@pytest.mark.parametrize("value", UNWRITABLE)
def test_an_unwritable_value_in_a_field_is_a_422_naming_it(client: TestClient, session: Session,
                                                           settings: Settings, value: str) -> None:
    headers = auth(make_user(session, role=Role.officer), settings) | {"Content-Type": "application/json"}
    body = f'{{"location_code": "{make_location(session).code}", "description": "片帮", "category_code": {value}}}'
    answer = client.post("/api/v1/hazards", headers=headers, content=body)
    assert answer.status_code == 422, answer.text
    assert [problem["loc"] for problem in answer.json()["detail"]] == [["body", "category_code"]]


@pytest.mark.parametrize("body", ["1e309", "NaN", '{"x": "\\ud800"}', '["\\ud800", 1e309]'])
def test_an_unwritable_whole_body_is_a_422(client: TestClient, session: Session, settings: Settings,
                                           body: str) -> None:
    headers = auth(make_user(session, role=Role.officer), settings) | {"Content-Type": "application/json"}
    answer = client.post("/api/v1/hazards", headers=headers, content=body)
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"][0]["loc"][0] == "body"


def test_a_lone_surrogate_in_a_description_is_a_422_naming_it(client: TestClient, session: Session,
                                                              settings: Settings) -> None:
    headers = auth(make_user(session, role=Role.officer), settings) | {"Content-Type": "application/json"}
    body = f'{{"location_code": "{make_location(session).code}", "description": "片帮\\ud800"}}'
    answer = client.post("/api/v1/hazards", headers=headers, content=body)
    assert answer.status_code == 422, answer.text
    assert [problem["loc"] for problem in answer.json()["detail"]] == [["body", "description"]]


def test_a_lone_surrogate_in_any_text_is_a_422_naming_it_and_stores_nothing(client: TestClient, session: Session,
                                                                           settings: Settings) -> None:
    headers = auth(make_user(session, role=Role.officer), settings) | {"Content-Type": "application/json"}
    body = '{"employee_no": "E1\\ud800", "points": 5, "reason": "劳保用品"}'
    answer = client.post("/api/v1/rewards/payouts", headers=headers, content=body)
    assert answer.status_code == 422, answer.text
    assert [problem["loc"] for problem in answer.json()["detail"]] == [["body", "employee_no"]]
    assert session.exec(select(RewardEntry)).all() == []
    pair = '{"employee_no": "E1", "points": 5, "reason": "\\ud83d\\ude00"}'  # an escaped pair is one character
    assert "string_unicode" not in client.post("/api/v1/rewards/payouts", headers=headers, content=pair).text
