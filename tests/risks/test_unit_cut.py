"""The risk register, its sheet and the map cut by the unit in charge of a risk point's places: a location's unit,
else its area's, or the point's own area's; a unit covers its crews."""

import io

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import Session

from safety_service.config import Settings
from safety_service.people.models import Role
from safety_service.risks import mapsheet, queries
from tests.people.builders import auth, make_user
from tests.risks.builders import make_placed_points
from tests.units.builders import make_tree

CUTS = {"team": {"charged", "crew_area"}, "crew": {"crew_area"}, "other": {"over_area", "area_only"},
        "mine": {"charged", "crew_area", "over_area", "area_only"}}


def test_each_unit_holds_the_points_at_its_places(session: Session) -> None:
    tree = make_tree(session)
    points = make_placed_points(session, tree)
    codes = {point.code: name for name, point in points.items()}
    for name, expected in CUTS.items():
        unit = getattr(tree, name)
        assert {codes[p.code] for p in queries.risk_points(session, unit=unit.code)} == expected, name
        assert {codes[c.point.code] for c in mapsheet.cells_of(session, unit=unit.code)} == expected, name
    assert set(codes) <= {p.code for p in queries.risk_points(session)}


def test_the_api_cuts_the_list_sheet_and_map_and_names_an_unknown_unit(client: TestClient, session: Session,
                                                                       settings: Settings) -> None:
    tree = make_tree(session)
    points = make_placed_points(session, tree)
    owner = auth(make_user(session, role=Role.owner), settings)
    listed = client.get("/api/v1/risk-points", params={"unit": tree.team.code}, headers=owner).json()
    assert {p["code"] for p in listed["data"]} == {points["charged"].code, points["crew_area"].code}
    sheet = client.get("/api/v1/risk-points/export.xlsx", params={"unit": tree.other.code}, headers=owner)
    cells = {c for row in load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True) for c in row}
    assert {points["over_area"].code, points["area_only"].code} <= cells
    assert not {points["charged"].code, points["crew_area"].code, points["nowhere"].code} & cells
    pdf = client.get("/api/v1/risk-points/map.pdf", params={"unit": tree.crew.code}, headers=owner)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    for path in ("/api/v1/risk-points", "/api/v1/risk-points/export.xlsx", "/api/v1/risk-points/map.pdf"):
        unknown = client.get(path, params={"unit": "NO-SUCH"}, headers=owner)
        assert unknown.status_code == 422 and unknown.json()["detail"][0]["loc"] == ["query", "unit"], path
        miner = client.get(path, params={"unit": tree.team.code}, headers=auth(make_user(session, role=Role.miner),
                                                                                settings))
        assert miner.status_code == 403, path
