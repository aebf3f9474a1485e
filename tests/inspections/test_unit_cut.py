"""Inspection coverage and the 排查记录 sheet cut by the unit in charge of the inspected risk point's places."""

import io
from datetime import timedelta

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import Session

from safety_service.clock import utc_now
from safety_service.config import Settings
from safety_service.inspections import queries
from safety_service.inspections import service as inspections_service
from safety_service.inspections.states import period
from safety_service.people.models import Role
from tests.inspections.builders import make_plan
from tests.people.builders import auth, make_user
from tests.risks.builders import make_placed_points
from tests.units.builders import make_tree

CUTS = {"team": {"charged", "crew_area"}, "crew": {"crew_area"}, "other": {"over_area", "area_only"}}


def test_coverage_counts_only_the_rounds_at_the_units_points(session: Session, settings: Settings) -> None:
    tree = make_tree(session)
    points = make_placed_points(session, tree)
    today = utc_now().date()
    make_plan(session, points=[points[name] for name in ("charged", "crew_area", "over_area", "nowhere")],
              frequency="shift", starts_on=today)
    inspections_service.schedule(session, now=utc_now(), timezone=settings.timezone)
    names = {point.code: name for name, point in points.items()}
    start, end = period(today - timedelta(days=1), today + timedelta(days=1), settings.timezone)
    for unit_name, expected in CUTS.items():
        code = getattr(tree, unit_name).code
        found = queries.coverage(session, start=start, end=end, first=today, last=today, unit=code)
        assert {names[p.risk_point_code] for p in found.by_point} == expected - {"area_only"}, unit_name
        assert set(found.unplanned_points) == {points[n].code for n in expected & {"area_only"}}, unit_name
        assert found.unit == code and found.rounds == sum(p.due for p in found.by_point) > 0
        rounds = queries.rounds(session, period=(start, end), unit=code, limit=1000)
        assert {names[r.risk_point_code] for r in rounds} == expected - {"area_only"}, unit_name
    whole = queries.coverage(session, start=start, end=end, first=today, last=today)
    assert {"charged", "crew_area", "over_area", "nowhere"} <= {names.get(p.risk_point_code) for p in whole.by_point}


def test_the_coverage_api_cuts_by_unit_and_names_an_unknown_one(client: TestClient, session: Session,
                                                                 settings: Settings) -> None:
    tree = make_tree(session)
    points = make_placed_points(session, tree)
    today = utc_now().date()
    make_plan(session, points=list(points.values()), frequency="shift", starts_on=today)
    inspections_service.schedule(session, now=utc_now(), timezone=settings.timezone)
    officer = auth(make_user(session, role=Role.officer), settings)
    span = {"start": (today - timedelta(days=1)).isoformat(), "end": (today + timedelta(days=1)).isoformat()}
    cover = client.get("/api/v1/coverage", headers=officer, params={**span, "unit": tree.crew.code}).json()
    assert cover["unit"] == tree.crew.code and [p["risk_point_code"] for p in cover["by_point"]] == [
        points["crew_area"].code]
    sheet = client.get("/api/v1/coverage.xlsx", headers=officer, params={**span, "unit": tree.other.code})
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert {r[2] for r in rows[1:]} == {points["over_area"].code, points["area_only"].code}
    for path in ("/api/v1/coverage", "/api/v1/coverage.xlsx"):
        unknown = client.get(path, headers=officer, params={**span, "unit": "NO-SUCH"})
        assert unknown.status_code == 422 and unknown.json()["detail"][0]["loc"] == ["query", "unit"], path
        owner = client.get(path, headers=auth(make_user(session, role=Role.owner), settings),
                           params={**span, "unit": tree.team.code})
        assert owner.status_code == 403, path
