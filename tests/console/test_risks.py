"""Dual prevention in the console: register, map, coverage for staff; a round from the QR label for the inspector."""

import io
from datetime import date

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import Session, select

from safety_service.clock import utc_now
from safety_service.errors import InvalidInput
from safety_service.hazards.models import Hazard
from safety_service.inspections import service as inspections_service
from safety_service.inspections.states import period
from safety_service.locations.models import Location
from safety_service.people.models import Role, User
from safety_service.qr import tokens
from safety_service.risks.models import RiskPointLocation
from tests.console.conftest import sign_in
from tests.hazards.builders import make_hazard
from tests.inspections.builders import make_plan, rounds_of
from tests.risks.builders import make_risk_point


def test_staff_see_register_map_and_coverage(console: TestClient, session: Session, signed_in) -> None:
    point = make_risk_point(session, likelihood=5, severity=5, name="主井提升机")
    hazard = make_hazard(session)
    hazard.risk_point_id = point.id
    session.flush()
    _, token = signed_in(Role.officer)
    register = console.get("/console/risks")
    assert register.status_code == 200 and "主井提升机" in register.text and "重大风险" in register.text
    drawing = console.get("/console/risks/map")
    assert drawing.status_code == 200 and f'data-code="{point.code}"' in drawing.text
    assert 'id="flagged"' in drawing.text  # a major point with an open hazard
    moved = console.post(f"/console/risks/map/{point.code}", data={"csrf_token": token, "map_x": "4", "map_y": "2"})
    assert moved.status_code == 303 and (point.map_x, point.map_y) == (4, 2)
    assert console.post(f"/console/risks/map/{point.code}", data={"map_x": "1", "map_y": "1"}).status_code == 403
    sheet = console.get("/console/risks/export.xlsx")
    assert load_workbook(io.BytesIO(sheet.content)).active["B2"].value is not None
    cover = console.get("/console/risks/coverage", params={"start": "2026-11-01", "end": "2026-11-30"})
    assert cover.status_code == 200 and point.code in cover.text  # in the unplanned list


def test_other_roles_are_kept_out(console: TestClient, session: Session, signed_in) -> None:
    signed_in(Role.owner)
    assert console.get("/console/risks").status_code == 403
    assert console.get("/console/risks/map").status_code == 403
    assert console.get("/console/rounds").status_code == 200
    signed_in(Role.counsellor)
    assert console.get("/console/rounds").status_code == 403


def test_an_inspector_records_a_round_from_the_qr_label(console: TestClient, session: Session, console_settings,
                                                       signed_in) -> None:
    point = make_risk_point(session, name="中央变电所")
    plan = make_plan(session, points=[point], frequency="shift", starts_on=date(2026, 1, 1))
    inspections_service.schedule(session, now=utc_now(), timezone=console_settings.timezone)
    inspector = session.get(User, plan.inspector_id)
    session.commit()
    token = sign_in(console, inspector)
    location_code = point_location(session, point.id)
    label = "/r/" + tokens.sign(tokens.keyring(console_settings), location_code)
    report_page = console.get(label)
    assert 'id="round-link"' in report_page.text
    page = console.get(report_page.text.split('id="round-link"')[0].rsplit('href="', 1)[1].split('"')[0])
    assert page.status_code == 200 and "中央变电所" in page.text
    inspection = rounds_of(session, plan)[-1]
    checklist = inspections_service.checklist(session, risk_point_id=point.id)
    form = {"csrf_token": token, "client_round_id": "phone-console-0001", "location_code": location_code,
            f"item_{checklist[0].control_id}": "ok", f"item_{checklist[1].control_id}": "bad",
            f"note_{checklist[1].control_id}": "支架压力表损坏"}
    done = console.post(f"/console/rounds/{inspection.id}", data=form)
    assert done.status_code == 303, done.text
    shown = console.get(done.headers["location"]).text
    hazard = session.exec(select(Hazard).where(Hazard.failed_control_id == checklist[1].control_id)).one()
    assert hazard.ref in shown and hazard.source == "inspection"
    again = console.post(f"/console/rounds/{inspection.id}", data={**form, "client_round_id": "phone-console-0002"})
    assert again.status_code == 422
    mine = console.get("/console/rounds").text  # the round done is the first of the latest, a card on a phone
    assert 'class="list cards" id="latest-rounds"' in mine and f'href="/console/rounds/{inspection.id}"' in mine
    assert 'id="no-latest"' not in mine


def test_an_inspector_with_no_round_yet_is_told_so(console: TestClient, signed_in) -> None:
    signed_in(Role.supervisor)
    page = console.get("/console/rounds").text
    assert "当前没有待排查的任务。" in page and "还没有做过或错过的排查。" in page and "latest-rounds" not in page


def point_location(session: Session, point_id: int) -> str:
    """The code of the risk point's first location."""
    query = select(Location.code).join(RiskPointLocation, RiskPointLocation.location_id == Location.id).where(
        RiskPointLocation.risk_point_id == point_id)
    return session.exec(query).first()


def test_the_map_page_links_the_a3_pdf_which_staff_download(console: TestClient, session: Session,
                                                             signed_in) -> None:
    make_risk_point(session, likelihood=5, severity=5, name="中央变电所")
    signed_in(Role.officer)
    assert 'href="/console/risks/map.pdf"' in console.get("/console/risks/map").text
    answer = console.get("/console/risks/map.pdf")
    assert answer.status_code == 200 and answer.content.startswith(b"%PDF")
    assert answer.headers["content-disposition"] == 'attachment; filename="risk-map-a3.pdf"'


def test_coverage_at_the_calendars_ends_is_refused_not_a_server_error(console: TestClient, signed_in) -> None:
    """0001-01-01 in the mine's zone begins before UTC's year 1 and 9999-12-31 has no next day: a 4xx each."""
    signed_in(Role.officer)
    for start, end in (("0001-01-01", "0001-01-31"), ("9999-12-01", "9999-12-31"), ("1899-12-31", "1900-01-31")):
        for path in ("/console/risks/coverage", "/console/risks/coverage.xlsx"):
            answer = console.get(path, params={"start": start, "end": end})
            assert 400 <= answer.status_code < 500, (path, start, answer.status_code)
    assert console.get("/console/risks/coverage", params={"start": "1900-01-01", "end": "1900-01-31"}).status_code == 200


def test_a_period_outside_the_calendar_names_its_day() -> None:
    with pytest.raises(InvalidInput) as refused:
        period(date(1, 1, 1), date(1, 1, 31), "Asia/Shanghai")
    assert refused.value.field == "start"
    with pytest.raises(InvalidInput) as refused:
        period(date(9998, 12, 1), date(9999, 1, 31), "Asia/Shanghai")
    assert refused.value.field == "end"
