"""The statistics page (server-drawn SVG charts) and the hazard ledger export (CSV and XLSX)."""

import csv
import io
from datetime import timedelta

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import Session

from safety_service.clock import utc_now
from safety_service.console import figures
from safety_service.hazards.states import Channel, Grade, HazardState
from safety_service.people.models import Role
from tests.hazards.builders import make_hazard
from tests.locations.builders import make_area, make_location


def test_the_statistics_page_draws_its_charts_on_the_server(console: TestClient, session: Session,
                                                             signed_in) -> None:
    make_hazard(session, state=HazardState.rectifying, grade=Grade.major)
    make_hazard(session, source=Channel.kiosk)
    make_hazard(session, state=HazardState.closed)
    signed_in(Role.officer)
    page = console.get("/console/stats")
    assert page.status_code == 200 and page.text.count("<svg") == 5
    assert "<script" not in page.text.split("</header>")[1] and "http://" not in page.text.replace(
        "http://www.w3.org", "")
    assert "未销号隐患（按类别）" in page.text and "井口终端" in page.text


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


def test_the_figures_cache_serves_stale_figures_while_it_refreshes() -> None:
    calls = []
    cache = figures.FiguresCache(3600, lambda: calls.append(1) or len(calls))
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
    assert rows[0][:3] == ["隐患编号", "发现时间", "地点"] and "验收人" in rows[0] and len(rows) == 2
    assert rows[1][0] == assigned.ref and "补打锚杆" in rows[1] and "已销号" in rows[1]
    answer = console.get(f"/console/ledger/export?{query}&format=xlsx")
    sheet = load_workbook(io.BytesIO(answer.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][0] == "隐患编号" and values[1][0] == assigned.ref and values[1][8] == 1200.5
    english = console.get(f"/console/ledger/export?{query}&format=csv&lang=en").content.decode("utf-8-sig")
    assert english.startswith("Reference,Found at")


def test_bad_ledger_input_shows_the_reason_beside_the_field(console: TestClient, signed_in) -> None:
    signed_in(Role.chief)
    assert console.get("/console/ledger").status_code == 200
    answer = console.get("/console/ledger/export?from=2026-05-01&to=2026-04-01&area=NOPE&format=pdf")
    assert answer.status_code == 422
    assert all(f'id="err-{f}"' in answer.text for f in ("to", "area")) and "截止日期不能早于起始日期" in answer.text
    assert 'id="err-from"' in console.get("/console/ledger/export?from=&to=2026-04-01&format=csv").text
