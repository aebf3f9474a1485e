"""The hazard list's answer keeps the contract it declares (``HazardsPublic``), on every path.

The list route writes its JSON itself (``response_model`` is not applied to it, for speed), so
nothing else checks that answer against the schema the OpenAPI document publishes: a field added to
the schema and missed by the fast path, or one the fast path sends and the schema never names, would
pass unnoticed. Here every shape of list (filters, sorts, paging, a search, an empty page), for each
visibility (officer: all; owner: owned, own and the unit's; miner: own reports), is read over the API
and validated strictly, as JSON (no string for a number, no number for a flag), with no field missing and
none extra.
"""

import json
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlmodel import Session

from safety_service.clock import utc_now
from safety_service.config import Settings
from safety_service.hazards.schemas import HazardSummary
from safety_service.hazards.states import Channel, Grade, HazardState
from safety_service.people.models import Person, Role, User
from tests.hazards import contract
from tests.hazards.builders import make_hazard
from tests.hazards.contract import StrictSummary
from tests.locations.builders import make_location
from tests.people.builders import auth, make_user

ROLES = (Role.officer, Role.owner, Role.miner)
SHAPES: tuple[dict[str, Any], ...] = (
    {}, {"open": "true"}, {"open": "false"}, {"state": ["closed", "rectifying", "closed"]}, {"grade": "major"},
    {"overdue": "true"}, {"overdue": "false", "sort": "-deadline"}, {"source": "kiosk", "sort": "reported_at"},
    {"sort": "deadline", "limit": 2, "offset": 1}, {"sort": "-updated_at"}, {"category": "roof"},
    {"q": "皮带跑偏"}, {"q": "皮带跑偏", "sort": "deadline"}, {"state": "rejected", "grade": "major"},
)


def _world(session: Session, settings: Settings) -> tuple[str, dict[Role, dict[str, str]]]:
    """Hazards in every state, some overdue, some major, some the owner's, some the miner's reports,
    some neither's; returns their location's code and each role's sign-in."""
    location = make_location(session)
    users: dict[Role, User] = {role: make_user(session, role=role) for role in ROLES}
    miner_no = session.get(Person, users[Role.miner].person_id).employee_no  # type: ignore[union-attr]
    past = utc_now() - timedelta(days=3)
    for i, state in enumerate([*HazardState] * 2):
        make_hazard(session, state=state, location=location, owner=users[Role.owner] if i % 2 else None,
                    now=past + timedelta(minutes=i), deadline=past + timedelta(days=1 if i % 3 else 9),
                    description=f"皮带跑偏 {i}", source=Channel.kiosk if i % 2 else Channel.qr,
                    reporter_employee_no=miner_no if i % 3 == 0 else None)
    make_hazard(session, state=HazardState.confirmed, grade=Grade.major, location=location,
                reporter_employee_no=miner_no)
    return location.code, {role: auth(user, settings) for role, user in users.items()}


def _read(client: TestClient, params: dict[str, Any], headers: dict[str, str]) -> Any:
    response = client.get("/api/v1/hazards", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return contract.checked(response.content)


@pytest.mark.parametrize("role", ROLES)
def test_every_list_shape_answers_what_the_schema_declares(client: TestClient, session: Session,
                                                           settings: Settings, role: Role) -> None:
    location, headers = _world(session, settings)
    seen = 0
    for shape in SHAPES:
        page = _read(client, {**shape, "location": location}, headers[role])
        seen += len(page.data)
        assert page.limit == int(shape.get("limit", page.limit)) and page.count >= len(page.data), shape
    assert seen, "some shapes list rows: the rows' fields are checked, not only the envelope"
    empty = _read(client, {"location": location, "grade": "major", "state": "closed"}, headers[role])
    assert (empty.data, empty.count) == ([], 0)


def test_the_contract_sees_a_field_missing_extra_or_of_the_wrong_type() -> None:
    """A row missing a declared field (one with a default, which validation alone would fill in), one with
    a field the schema lacks, and one with a number sent as text are each caught."""
    row = {"ref": "YH-2026-000001", "state": "reported", "grade": None, "category": None, "location": "L",
           "location_name": "地点", "source": "qr", "description": "d", "reported_at": "2026-12-03T08:00:00Z",
           "deadline": None, "overdue": False, "late_step": None, "late_since": None, "escalation_level": 0,
           "owner": None}
    StrictSummary.model_validate_json(json.dumps(row), strict=True)
    assert set(row) == set(HazardSummary.model_fields)
    assert set(row) - {"late_step"} != set(HazardSummary.model_fields)
    with pytest.raises(ValidationError, match="extra"):
        StrictSummary.model_validate_json(json.dumps({**row, "unit": "综采一队"}), strict=True)
    with pytest.raises(ValidationError, match="valid integer"):  # what SQLModel's own strict lets through
        StrictSummary.model_validate_json(json.dumps({**row, "escalation_level": "0"}), strict=True)
