"""The inspection API: staff plan and read coverage, the inspector records their own round."""

import io
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import Session

from safety_service.clock import utc_now
from safety_service.config import Settings
from safety_service.people.models import Role
from tests.people.builders import auth, make_user
from tests.risks.builders import make_risk_point


def test_plan_record_and_cover(client: TestClient, session: Session, settings: Settings) -> None:
    officer = auth(make_user(session, role=Role.officer), settings)
    leader = make_user(session, role=Role.owner)
    point = make_risk_point(session)
    today = utc_now().date()
    plan = client.post("/api/v1/inspection-plans", headers=officer, json={
        "name": "综采队长周检", "inspector": leader.username, "post": "区队长", "frequency": "shift",
        "starts_on": today.isoformat(), "risk_point_codes": [point.code]})
    assert plan.status_code == 201, plan.text
    mine = auth(leader, settings)
    due = client.get("/api/v1/rounds", headers=mine, params={"current": True, "state": "due"}).json()["data"]
    assert [r["risk_point_code"] for r in due] == [point.code]
    round_id, checklist = due[0]["id"], due[0]["checklist"]
    other = auth(make_user(session, role=Role.owner), settings)
    assert client.get(f"/api/v1/rounds/{round_id}", headers=other).status_code == 403
    items = [{"control_id": c["control_id"], "ok": True} for c in checklist]
    body = {"client_round_id": "phone-abc-0001", "items": items}
    assert client.post(f"/api/v1/rounds/{round_id}/record", headers=other, json=body).status_code == 403
    short = client.post(f"/api/v1/rounds/{round_id}/record", headers=mine, json={**body, "items": items[:1]})
    assert short.status_code == 422 and "items" in short.text
    done = client.post(f"/api/v1/rounds/{round_id}/record", headers=mine, json=body)
    assert done.status_code == 200 and done.json()["state"] == "done"
    span = {"start": (today - timedelta(days=1)).isoformat(), "end": (today + timedelta(days=1)).isoformat()}
    cover = client.get("/api/v1/coverage", headers=officer, params=span).json()
    assert next(p for p in cover["by_point"] if p["risk_point_code"] == point.code)["done"] == 1
    sheet = client.get("/api/v1/coverage.xlsx", headers=officer, params=span)
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "排查周期开始" and any(r[2] == point.code and r[8] == "已排查" for r in rows[1:])
    backwards = client.get("/api/v1/coverage", headers=officer, params={"start": "2026-12-02", "end": "2026-12-01"})
    assert backwards.status_code == 422 and "end" in backwards.text


def test_roles(client: TestClient, session: Session, settings: Settings) -> None:
    for role in (Role.miner, Role.counsellor):
        headers = auth(make_user(session, role=role), settings)
        assert client.get("/api/v1/rounds", headers=headers).status_code == 403
    for role in (Role.miner, Role.owner, Role.supervisor):
        headers = auth(make_user(session, role=role), settings)
        assert client.get("/api/v1/inspection-plans", headers=headers).status_code == 403
        assert client.get("/api/v1/coverage", headers=headers,
                          params={"start": "2026-11-01", "end": "2026-11-30"}).status_code == 403


@pytest.mark.parametrize("path", ["/api/v1/coverage", "/api/v1/coverage.xlsx"])
def test_days_at_the_ends_of_the_calendar_are_a_422_naming_them(client: TestClient, session: Session,
                                                                settings: Settings, path: str) -> None:
    """0001-01-01 has no UTC start in the mine's time zone, 9999-12-31 no next day: both were 500s."""
    officer = auth(make_user(session, role=Role.officer), settings)
    answer = client.get(path, headers=officer, params={"start": "0001-01-01", "end": "9999-12-31"})
    assert answer.status_code == 422
    assert [error["loc"] for error in answer.json()["detail"]] == [["query", "start"], ["query", "end"]]
