"""The scorecard API: officers, the chief and administrators read each unit's month; nobody else."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from safety_service.config import Settings
from safety_service.people.models import Role
from tests.people.builders import auth, make_user
from tests.scorecard.builders import make_mine, march_work

READERS = {Role.officer, Role.chief, Role.admin}


@pytest.mark.parametrize("role", list(Role))
def test_only_officers_the_chief_and_admins_read_the_scorecard(client: TestClient, session: Session,
                                                               settings: Settings, role: Role) -> None:
    response = client.get("/api/v1/scorecard?month=2025-03", headers=auth(make_user(session, role=role), settings))
    assert response.status_code == (200 if role in READERS else 403)


def test_a_units_row_holds_its_month_and_the_month_before(client: TestClient, session: Session,
                                                          settings: Settings) -> None:
    mine = march_work(session, make_mine(session))
    response = client.get("/api/v1/scorecard", params={"month": "2025-03"},
                          headers=auth(make_user(session, role=Role.chief), settings))
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["month"], body["previous_month"]) == ("2025-03", "2025-02")
    [team] = [row for row in body["data"] if row["unit_code"] == mine.team.code]
    assert team["parent_code"] == mine.mine.code and team["unit_name"] == "综采一队"
    assert (team["figures"]["about"], team["figures"]["closed_late"], team["figures"]["satisfaction_rate"]) == (
        4, 1, 100.0)
    assert (team["previous"]["about"], team["previous"]["satisfaction_rate"]) == (1, None)
    [other] = [row for row in body["data"] if row["unit_code"] == mine.other.code]
    assert (other["figures"]["found"], other["figures"]["repeat_rate"]) == (2, 50.0)


# At the calendar's ends (year 0, 1 or 9999) the month or its neighbour has no UTC bounds: they were 500s.
@pytest.mark.parametrize("month", ["2025-13", "2025-3", "March", "2025-03-01", "0000-01", "0001-01", "9999-12"])
def test_a_bad_month_is_a_422_naming_it(client: TestClient, session: Session, settings: Settings,
                                        month: str) -> None:
    response = client.get("/api/v1/scorecard", params={"month": month},
                          headers=auth(make_user(session, role=Role.officer), settings))
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["query", "month"]


def test_by_default_the_last_whole_month_is_shown(client: TestClient, session: Session, settings: Settings) -> None:
    from safety_service.clock import utc_now
    from safety_service.scorecard import periods

    response = client.get("/api/v1/scorecard", headers=auth(make_user(session, role=Role.admin), settings))
    this_month = periods.month_of(utc_now(), settings.timezone)
    assert response.json()["month"] == periods.previous_month(this_month)
