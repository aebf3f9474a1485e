"""The 隐患台账 as an officer prints it for the inspection: real dates, fitting widths, a title, the columns mines use."""

import csv
import io
from datetime import datetime, timedelta

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import Session

from safety_service.clock import utc_now
from safety_service.hazards import service as hazards_service
from safety_service.hazards.schemas import HazardVerify
from safety_service.hazards.states import HazardState
from safety_service.people.models import Person, Role, User
from tests.hazards.builders import make_hazard
from tests.locations.builders import make_area, make_location
from tests.people.builders import make_user

COLUMNS = ["序号", "编号", "排查日期", "地点", "隐患描述", "类别", "等级", "来源", "责任单位", "整改责任人", "整改措施",
           "资金（元）", "期限", "整改完成日期", "验收人", "验收日期", "验收结果", "状态"]


def _person(session: Session, role: Role, name: str, team: str) -> User:
    user = make_user(session, role=role)
    person = session.get(Person, user.person_id)
    person.name, person.team = name, team
    session.add(person)
    session.flush()
    return user


def _world(session: Session) -> tuple[str, str, str]:
    area = make_area(session)
    officer = _person(session, Role.officer, "刘洋", "安全科")
    owner = _person(session, Role.owner, "杨军", "综采一队")
    where = make_location(session, area=area)
    closed = make_hazard(session, state=HazardState.closed, location=where, officer=officer, owner=owner)
    failed = make_hazard(session, state=HazardState.awaiting_verification, location=where, officer=officer,
                         owner=owner, description="皮带机急停拉线失效")
    hazards_service.verify(session, hazard=failed, data=HazardVerify(passed=False, note="拉线仍不灵敏"),
                           actor=officer, now=utc_now())
    session.commit()
    return area.code, closed.ref, failed.ref


def _query(area: str) -> str:
    today = utc_now().date()
    return f"from={today - timedelta(days=1)}&to={today + timedelta(days=1)}&area={area}"


def test_the_sheet_has_a_title_real_dates_fitting_widths_and_the_inspectors_columns(
        console: TestClient, session: Session, signed_in, console_settings) -> None:
    area, closed, _ = _world(session)
    signed_in(Role.officer)
    answer = console.get(f"/console/ledger/export?{_query(area)}&format=xlsx")
    sheet = load_workbook(io.BytesIO(answer.content)).active
    title = sheet.cell(1, 1).value
    assert console_settings.site_name in title and "隐患排查治理台账" in title and f"{utc_now().date() - timedelta(days=1)} 至 {utc_now().date() + timedelta(days=1)}" in title
    assert [str(r) for r in sheet.merged_cells.ranges] == ["A1:R1"] and sheet.freeze_panes == "A3"
    assert [c.value for c in sheet[2]] == COLUMNS
    rows = {row[1].value: row for row in sheet.iter_rows(min_row=3)}
    found = rows[closed][2]
    assert isinstance(found.value, datetime) and found.number_format == "yyyy-mm-dd"
    assert rows[closed][11].value == 1200.5 and rows[closed][11].number_format == "0.00"
    assert [rows[closed][i].value for i in (0, 8, 9, 14, 16)] == [1, "综采一队", "杨军", "刘洋", "合格"]
    assert isinstance(rows[closed][15].value, datetime)
    widths = {letter: sheet.column_dimensions[letter].width for letter in ("A", "B", "E")}
    assert widths["A"] < widths["B"] < widths["E"], widths


def test_a_failed_verification_names_no_one_as_if_accepted(console: TestClient, session: Session,
                                                           signed_in) -> None:
    area, closed, failed = _world(session)
    signed_in(Role.officer)
    answer = console.get(f"/console/ledger/export?{_query(area)}&format=csv")
    rows = {row[1]: row for row in csv.reader(io.StringIO(answer.content.decode("utf-8-sig")))}
    assert rows["编号"] == COLUMNS
    assert rows[failed][14:18] == ["", "", "不合格，重新整改", "整改中"]
    assert rows[closed][14] == "刘洋" and rows[closed][16] == "合格"


def test_funds_read_the_same_on_the_page_in_the_csv_and_in_the_sheet(console: TestClient, session: Session,
                                                                     signed_in) -> None:
    area, closed, _ = _world(session)
    signed_in(Role.officer)
    page = console.get(f"/console/hazards/{closed}").text
    assert 'id="funds">1200.50</dd>' in page
    answer = console.get(f"/console/ledger/export?{_query(area)}&format=csv")
    rows = {row[1]: row for row in csv.reader(io.StringIO(answer.content.decode("utf-8-sig")))}
    assert rows[closed][11] == "1200.50"
