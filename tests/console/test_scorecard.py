"""The scorecard page: each unit's month in a table beside the month before, charts, and the XLSX sheet."""

import io

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import Session

from safety_service.people.models import Role
from tests.scorecard.builders import make_mine, march_work


def test_the_table_shows_each_units_month_with_its_change_and_charts(console: TestClient, session: Session,
                                                                     signed_in) -> None:
    mine = march_work(session, make_mine(session))
    signed_in(Role.officer)
    page = console.get("/console/scorecard?month=2025-03")
    assert page.status_code == 200 and "单位月度业绩考评" in page.text and "上月 2025-02" in page.text
    row = page.text.split(f'id="unit-{mine.team.code}"')[1].split("</tr>")[0]
    assert '<td data-col="about">4<small class="up" title="较上月">▲3</small>' in row
    assert '<td data-col="satisfaction">100.0%' in row and '<td data-col="closed_late">1' in row
    assert page.text.count("<svg") == 3 and "各单位员工满意率" in page.text and "掘进二队" in page.text


def test_the_sheet_holds_the_same_figures_and_changes(console: TestClient, session: Session, signed_in) -> None:
    mine = march_work(session, make_mine(session))
    signed_in(Role.chief)
    answer = console.get("/console/scorecard/export?month=2025-03")
    assert answer.status_code == 200 and 'filename="scorecard-2025-03.xlsx"' in answer.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(answer.content)).active
    assert sheet["A1"].value == "2025-03 单位隐患排查治理业绩考评表"
    titles = [cell.value for cell in sheet[2]]
    rows = {row[0]: dict(zip(titles, row, strict=True)) for row in sheet.iter_rows(min_row=3, values_only=True)}
    team = rows[mine.team.name_zh]
    assert (team["涉及本单位"], team["涉及本单位 较上月"], team["满意率"], team["超期"]) == (4, 3, 100, 2)
    assert rows["  综采一队早班"]["按期销号"] == 1


@pytest.mark.parametrize("role", [Role.owner, Role.dispatcher, Role.counsellor, Role.supervisor])
def test_other_roles_are_refused(console: TestClient, signed_in, role: Role) -> None:
    signed_in(role)
    assert console.get("/console/scorecard").status_code == 403
    assert console.get("/console/scorecard/export?month=2025-03").status_code == 403


def test_a_bad_month_shows_the_form_with_the_reason(console: TestClient, signed_in) -> None:
    signed_in(Role.admin)
    page = console.get("/console/scorecard?month=2025-13")
    assert page.status_code == 422 and "月份格式应为 YYYY-MM" in page.text
    assert console.get("/console/scorecard/export?month=x").status_code == 422


def test_the_hazard_page_shows_the_reporters_rating(console: TestClient, session: Session, signed_in) -> None:
    from safety_service.clock import utc_now
    from safety_service.feedback import ratings
    from safety_service.hazards.states import HazardState
    from tests.hazards.builders import make_hazard

    hazard = make_hazard(session, state=HazardState.closed)
    signed_in(Role.officer)
    assert 'id="rating"' not in console.get(f"/console/hazards/{hazard.ref}").text
    ratings.rate(session, hazard=hazard, rating="dissatisfied", channel=ratings.RatingChannel.web, now=utc_now(),
                 change_days=3)
    page = console.get(f"/console/hazards/{hazard.ref}").text
    assert "举报人评价" in page and '<dd id="rating" class="late">不满意' in page


def test_the_inbox_shows_the_ten_day_summary_line_by_unit(console: TestClient, session: Session, signed_in,
                                                          console_settings) -> None:
    from datetime import UTC, datetime

    from safety_service.scorecard.models import TenDayRun
    from safety_service.scorecard.scheduled import send_ten_day_summary
    from safety_service.units import service as units_service
    from tests.people.builders import make_user

    mine = march_work(session, make_mine(session))
    leader = make_user(session, role=Role.owner)
    units_service.set_leader(session, unit=mine.team, username=leader.username)
    signed_in(Role.officer)
    assert session.get(TenDayRun, datetime(2025, 3, 1).date()) is None  # each test's rows roll back
    assert send_ten_day_summary(session, now=datetime(2025, 3, 11, 1, tzinfo=UTC), settings=console_settings) >= 2
    session.commit()
    page = console.get("/console/inbox").text
    assert "综采一队：查出 0 项，涉及本单位 4 项，按期销号 1 项，超期 2 项" in page and "掘进二队：查出 2 项" in page
    from tests.console.conftest import sign_in

    sign_in(console, leader)
    own = console.get("/console/inbox").text
    assert "隐患排查治理旬报（2025-03-01~2025-03-10）" in own and "综采一队：查出 0 项" in own
    assert "掘进二队：" not in own
