"""The locations API: what an admin may send it."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from safety_service.config import Settings
from safety_service.people.models import Role
from tests.people.builders import auth, make_user


@pytest.mark.parametrize("sort_order", [-1, 2**31, 556621719243215104])
def test_a_category_place_out_of_range_is_refused_naming_sort_order(
        client: TestClient, session: Session, settings: Settings, sort_order: int) -> None:
    """A place past the 32-bit column was a 500 on PostgreSQL (found by the schema-test campaign)."""
    as_admin = auth(make_user(session, role=Role.admin), settings)
    answer = client.post("/api/v1/categories", headers=as_admin,
                         json={"code": "heat", "name_zh": "热害", "sort_order": sort_order})
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", "sort_order"]


def test_a_category_without_a_place_goes_last(client: TestClient, session: Session, settings: Settings) -> None:
    as_admin = auth(make_user(session, role=Role.admin), settings)
    answer = client.post("/api/v1/categories", headers=as_admin, json={"code": "heat", "name_zh": "热害"})
    listed = client.get("/api/v1/categories", headers=as_admin).json()["data"]
    assert answer.status_code == 201 and listed[-1]["code"] == "heat"
