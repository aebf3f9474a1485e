"""Administrators download codes and sheets from the API; nobody else may."""

from pathlib import Path

from fastapi.testclient import TestClient
from sqlmodel import Session

from safety_service.config import Settings
from safety_service.people.models import Role
from safety_service.qr import tokens
from tests.locations.builders import make_location
from tests.people.builders import auth, make_user
from tests.qr.decode import decode_pdf, decode_png


def test_an_admin_downloads_a_code_and_sheets(client: TestClient, session: Session, settings: Settings,
                                              tmp_path: Path) -> None:
    admin = auth(make_user(session, role=Role.admin), settings)
    codes = [make_location(session).code for _ in range(2)]
    png = client.get(f"/api/v1/qr/locations/{codes[0]}.png", headers=admin)
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    assert decode_png(png.content) == [tokens.report_url(settings, codes[0])]
    pdf = client.get("/api/v1/qr/sheet.pdf", params={"codes": codes}, headers=admin)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert decode_pdf(pdf.content, tmp_path) == [[tokens.report_url(settings, c) for c in codes]]
    page = client.get("/api/v1/qr/sheet.png", params={"codes": codes, "page": 1}, headers=admin)
    assert decode_png(page.content) == [tokens.report_url(settings, c) for c in codes]


def test_others_may_not_and_bad_input_names_the_field(client: TestClient, session: Session,
                                                      settings: Settings) -> None:
    code = make_location(session).code
    officer = auth(make_user(session, role=Role.officer), settings)
    assert client.get(f"/api/v1/qr/locations/{code}.png", headers=officer).status_code == 403
    assert client.get(f"/api/v1/qr/locations/{code}.png").status_code == 401
    admin = auth(make_user(session, role=Role.admin), settings)
    missing = client.get("/api/v1/qr/locations/NOPE.png", headers=admin)
    assert missing.status_code == 404 and missing.json()["field"] == "code"
    page = client.get("/api/v1/qr/sheet.png", params={"codes": [code], "page": 3}, headers=admin)
    assert page.status_code == 422 and page.json()["detail"][0]["loc"] == ["query", "page"]


def test_a_name_with_a_line_break_is_refused_and_one_stored_before_still_prints(
        client: TestClient, session: Session, settings: Settings) -> None:
    admin = auth(make_user(session, role=Role.admin), settings)
    refused = client.post("/api/v1/locations", headers=admin, json={"code": "CR-1", "name_zh": "主井\r井口"})
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"] == ["body", "name_zh"]
    place = make_location(session)
    place.name_zh = "主井\r\n井口"  # as a row written before names were checked
    session.flush()
    sheet = client.get("/api/v1/qr/sheet.png", params={"codes": [place.code]}, headers=admin)
    assert sheet.status_code == 200 and decode_png(sheet.content) == [tokens.report_url(settings, place.code)]
