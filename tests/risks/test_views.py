"""The risk register API: staff keep it, inspectors and owners read it, miners do neither."""

import io

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import Session

from safety_service.config import Settings
from safety_service.people.models import Role
from tests.hazards.builders import make_hazard
from tests.locations.builders import make_location
from tests.people.builders import auth, make_user

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _point(code: str, location: str) -> dict:
    return {"code": code, "name": "主井提升机", "location_codes": [location], "risks": [
        {"hazard_source": "提升钢丝绳断绳", "accident_type": "运输事故", "likelihood": 3, "severity": 5,
         "controls": [{"kind": "engineering", "measure": "每日检查钢丝绳", "unit": "机电科", "person": "李科长"}]}]}


def test_an_officer_keeps_the_register(client: TestClient, session: Session, settings: Settings) -> None:
    officer = auth(make_user(session, role=Role.officer), settings)
    location = make_location(session)
    created = client.post("/api/v1/risk-points", headers=officer, json=_point("ZJ-T1", location.code))
    assert created.status_code == 201, created.text
    assert created.json()["level"] == "significant" and created.json()["risks"][0]["score"] == 15
    risk_id = created.json()["risks"][0]["id"]
    control = client.post(f"/api/v1/risks/{risk_id}/controls", headers=officer,
                          json={"kind": "training", "measure": "司机持证上岗", "unit": "机电科", "person": "赵师傅"})
    assert control.status_code == 201
    review = client.post("/api/v1/risk-points/ZJ-T1/reviews", headers=officer,
                         json={"kind": "annual", "reviewed_on": "2026-12-01", "participants": "矿长、总工程师"})
    assert review.status_code == 201
    placed = client.put("/api/v1/risk-points/ZJ-T1/map", headers=officer, json={"map_x": 3, "map_y": 1})
    assert (placed.json()["map_x"], placed.json()["map_y"]) == (3, 1)
    again = client.post("/api/v1/risk-points", headers=officer, json=_point("ZJ-T1", location.code))
    assert again.status_code == 409
    bad = client.post("/api/v1/risk-points", headers=officer, json={**_point("ZJ-T2", location.code),
                                                                     "risks": [{"hazard_source": "x", "accident_type": "y",
                                                                                "likelihood": 6, "severity": 1}]})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"][-1] == "likelihood"
    nowhere = client.post("/api/v1/risk-points", headers=officer, json=_point("ZJ-T3", "NO-SUCH-PLACE"))
    assert nowhere.status_code == 422 and "location_codes" in nowhere.text


def test_link_and_figures(client: TestClient, session: Session, settings: Settings) -> None:
    officer = auth(make_user(session, role=Role.officer), settings)
    location = make_location(session)
    point = client.post("/api/v1/risk-points", headers=officer, json=_point("ZJ-L1", location.code)).json()
    control_id = point["risks"][0]["controls"][0]["id"]
    hazard = make_hazard(session, location=location)
    linked = client.put(f"/api/v1/hazards/{hazard.ref}/risk-point", headers=officer,
                        json={"risk_point_code": "ZJ-L1", "control_id": control_id})
    assert linked.status_code == 200
    figures = client.get("/api/v1/risk-points/failed-controls", headers=officer).json()
    assert {"control_id": control_id, "hazards": 1}.items() <= figures[0].items()
    assert client.put("/api/v1/hazards/YH-1999-000001/risk-point", headers=officer,
                      json={"risk_point_code": "ZJ-L1"}).status_code == 404


def test_the_sheet_over_http(client: TestClient, session: Session, settings: Settings) -> None:
    officer = auth(make_user(session, role=Role.officer), settings)
    location = make_location(session)
    client.post("/api/v1/risk-points", headers=officer, json=_point("ZJ-X1", location.code))
    client.post("/api/v1/risk-points", headers=officer, json={**_point("ZJ-X0", location.code), "name": "井\x01口"})
    sheet = client.get("/api/v1/risk-points/export.xlsx", headers=officer)
    assert sheet.status_code == 200 and sheet.headers["content-type"] == XLSX
    book = load_workbook(io.BytesIO(sheet.content))
    assert "井口" in [cell.value for cell in book.active["C"]]  # a control character is left out, not a 500
    book.active.append([99, "ZJ-X2", "中央变电所", "场所", "", location.code, "高压开关柜漏电", "触电事故", "人员触电",
                        2, 4, "", "", "管理", "停送电执行工作票", "机电科", "周主任"])
    buffer = io.BytesIO()
    book.save(buffer)
    loaded = client.post("/api/v1/risk-points/import", headers=officer,
                         files={"file": ("清单.xlsx", buffer.getvalue(), XLSX)})
    assert loaded.status_code == 200, loaded.text
    assert "ZJ-X2" in loaded.json()["created"] and "ZJ-X1" in loaded.json()["replaced"]
    assert client.get("/api/v1/risk-points/ZJ-X2", headers=officer).json()["level"] == "general"
    broken = client.post("/api/v1/risk-points/import", headers=officer,
                         files={"file": ("x.xlsx", b"plain text", XLSX)})
    assert broken.status_code == 422 and "file" in broken.text


def test_roles(client: TestClient, session: Session, settings: Settings) -> None:
    for role in (Role.supervisor, Role.owner):
        headers = auth(make_user(session, role=role), settings)
        assert client.get("/api/v1/risk-points", headers=headers).status_code == 200
        assert client.post("/api/v1/risk-points", headers=headers, json=_point("ZJ-R1", "L1")).status_code == 403
    for role in (Role.miner, Role.counsellor):
        headers = auth(make_user(session, role=role), settings)
        assert client.get("/api/v1/risk-points", headers=headers).status_code == 403
        assert client.get("/api/v1/risk-points/export.xlsx", headers=headers).status_code == 403
    assert client.get("/api/v1/risk-points").status_code == 401
