"""The console's figures, queues and ledger cut by a chosen unit (the hazards about it and the units under it)."""

import csv
import io
import re
from datetime import timedelta

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import Session

from safety_service.clock import utc_now
from safety_service.inspections import service as inspections_service
from safety_service.people.models import Role
from tests.counselling.builders import make_violation
from tests.inspections.builders import make_plan
from tests.rewards.test_unit_cut import make_rewarded
from tests.risks.builders import make_placed_points
from tests.units.builders import make_cut, make_tree, member

REF = re.compile(r"YH-\d{4}-\d{6}")


def test_the_statistics_page_offers_units_and_cuts_its_figures(console: TestClient, session: Session,
                                                               signed_in) -> None:
    cut = make_cut(session)
    signed_in(Role.officer)
    page = console.get("/console/stats")
    assert page.status_code == 200 and "统计单位" in page.text and "全矿" in page.text
    assert f'<option value="{cut.team.code}"' in page.text
    team = console.get(f"/console/stats?unit={cut.team.code}")
    assert team.status_code == 200 and '<strong id="open-total">2</strong>' in team.text
    assert "统计范围：综采一队" in team.text and team.text.count("<svg") == 6
    assert '<strong id="overdue-now" class="late">0</strong>' in console.get(f"/console/stats?unit={cut.other.code}").text
    unknown = console.get("/console/stats?unit=NO-SUCH")
    assert unknown.status_code == 422 and 'id="err-unit"' in unknown.text


def test_the_ledger_holds_only_the_chosen_units_hazards(console: TestClient, session: Session, signed_in) -> None:
    cut = make_cut(session)
    signed_in(Role.officer)
    today = utc_now().date()
    query = f"from={today - timedelta(days=10)}&to={today + timedelta(days=1)}&format=csv"
    for unit, names in ((cut.team, ("fixed", "placed")), (cut.other, ("area", "over_area", "closed"))):
        assert {row[1] for row in rows_of(console, query, unit.code)[1:]} == cut.refs(*names)
    placed = next(row for row in rows_of(console, query, cut.team.code) if row[1] == cut.hazards["placed"].ref)
    assert "综采一队" in placed  # before the five fixes, the unit in charge of the place


def rows_of(console: TestClient, query: str, unit: str) -> list[list[str]]:
    answer = console.get(f"/console/ledger/export?{query}&unit={unit}")
    return list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))


def test_the_queues_filter_and_count_by_unit(console: TestClient, session: Session, signed_in) -> None:
    cut = make_cut(session)
    signed_in(Role.officer)
    page = console.get(f"/console/?queue=all&unit={cut.team.code}")
    assert _tab_count(page.text, "all") == 2 and _tab_count(page.text, "triage") == 1
    assert _tab_count(console.get(f"/console/?queue=all&unit={cut.other.code}").text, "all") == 3
    assert f'href="/console/?queue=triage&amp;unit={cut.team.code}"' in page.text  # the tabs keep the unit
    late = console.get(f"/console/?queue=overdue&unit={cut.team.code}").text
    assert "核实 0 条，整改 1 条，验收 0 条" in late
    assert set(REF.findall(page.text)) >= cut.refs("fixed", "placed")
    assert not set(REF.findall(page.text)) & cut.refs("area", "over_area", "closed", "nowhere")
    assert set(REF.findall(console.get(f"/console/?queue=all&unit={cut.crew.code}").text)) & set(
        cut.refs(*cut.hazards)) == cut.refs("fixed")


def _tab_count(html: str, tab: str) -> int:
    found = re.search(rf'id="count-{tab}">(\d+)<', html)
    assert found, tab
    return int(found.group(1))


def test_the_supervisors_figures_offer_units_and_name_an_unknown_one(console: TestClient, session: Session,
                                                                    signed_in) -> None:
    cut = make_cut(session)
    signed_in(Role.officer)
    page = console.get(f"/console/supervisors/figures?unit={cut.team.code}")
    assert page.status_code == 200 and f'<option value="{cut.team.code}" selected' in page.text
    unknown = console.get("/console/supervisors/figures?unit=NO-SUCH")
    assert unknown.status_code == 422 and 'id="err-unit"' in unknown.text and 'id="err-month"' not in unknown.text


def test_the_help_education_figures_offer_units_and_cut_by_the_workers_unit(console: TestClient, session: Session,
                                                                            signed_in) -> None:
    tree = make_tree(session)
    for unit in (tree.crew, tree.crew, tree.other):
        make_violation(session, person=member(session, unit))
    signed_in(Role.counsellor)
    page = console.get(f"/console/counselling/figures?unit={tree.team.code}")
    assert page.status_code == 200 and f'<option value="{tree.team.code}" selected' in page.text
    assert '<strong id="cases-open-now">2</strong>' in page.text and "统计范围：综采一队" in page.text
    assert '<strong id="cases-open-now">1</strong>' in console.get(
        f"/console/counselling/figures?unit={tree.other.code}").text
    unknown = console.get("/console/counselling/figures?unit=NO-SUCH")
    assert unknown.status_code == 422 and 'id="err-unit"' in unknown.text and 'id="err-months"' not in unknown.text
    signed_in(Role.officer)
    assert console.get(f"/console/counselling/figures?unit={tree.team.code}").status_code == 403


def test_the_reward_ledger_awards_and_register_follow_the_chosen_unit(console: TestClient, session: Session,
                                                                      signed_in) -> None:
    found = make_rewarded(session)
    tree = found.tree
    signed_in(Role.officer)
    page = console.get(f"/console/rewards?unit={tree.crew.code}")
    assert page.status_code == 200 and f'<option value="{tree.crew.code}" selected' in page.text
    assert set(REF.findall(page.text.split('id="entries"')[1].split("</table>")[0])) == found.refs("crew")
    assert f"unit={tree.crew.code}" in page.text.split('id="export-csv"')[0].rsplit("<a", 1)[1]
    sheet = console.get(f"/console/rewards/export?format=csv&unit={tree.team.code}")
    lines = list(csv.reader(io.StringIO(sheet.content.decode("utf-8-sig"))))
    assert {line[4] for line in lines[1:]} == found.refs("crew", "team")
    assert console.get("/console/rewards?unit=NO-SUCH").status_code == 422
    awards_page = console.get(f"/console/awards?unit={tree.other.code}")
    listed = awards_page.text.split('id="awards"')[1].split("</table>")[0]
    assert set(REF.findall(listed)) == found.refs("other")
    assert f'<input type="hidden" name="unit" value="{tree.other.code}">' in awards_page.text
    today = utc_now().date()
    register = console.get(f"/console/awards/register?start={today - timedelta(days=1)}&end={today + timedelta(days=1)}"
                           f"&unit={tree.team.code}")
    rows = [[c.value for c in row] for row in load_workbook(io.BytesIO(register.content)).active.iter_rows()]
    assert {r[1] for r in rows[2:]} == found.refs("crew", "team")
    unknown = console.get(f"/console/awards/register?start={today}&end={today}&unit=NO-SUCH")
    assert unknown.status_code == 422 and 'id="err-unit"' in unknown.text


def test_the_risk_pages_and_their_exports_follow_the_chosen_unit(console: TestClient, session: Session,
                                                                signed_in) -> None:
    tree = make_tree(session)
    points = make_placed_points(session, tree)
    today = utc_now().date()
    make_plan(session, points=list(points.values()), frequency="shift", starts_on=today)
    inspections_service.schedule(session, now=utc_now(), timezone="Asia/Shanghai")
    session.commit()
    signed_in(Role.officer)
    for path in ("/console/risks", "/console/risks/map", "/console/risks/coverage"):
        page = console.get(f"{path}?unit={tree.team.code}")
        assert page.status_code == 200 and f'<option value="{tree.team.code}" selected' in page.text, path
        assert "综采一队" in page.text.split('id="unit-scope"')[1][:200], path
        cut = page.text.split('id="plans"')[0]  # the plans (every point each covers) are not cut
        assert {name for name, point in points.items() if point.name in cut} == {"charged", "crew_area"}, path
        assert console.get(f"{path}?unit=NO-SUCH").status_code == 422, path
    sheet = console.get(f"/console/risks/export.xlsx?unit={tree.crew.code}")
    cells = {c for row in load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True) for c in row}
    assert points["crew_area"].code in cells and not {points["charged"].code, points["over_area"].code} & cells
    record = console.get(f"/console/risks/coverage.xlsx?start={today}&end={today}&unit={tree.other.code}")
    rows = list(load_workbook(io.BytesIO(record.content)).active.iter_rows(values_only=True))
    assert {r[2] for r in rows[1:]} == {points["over_area"].code, points["area_only"].code}
    assert console.get(f"/console/risks/map.pdf?unit={tree.crew.code}").content.startswith(b"%PDF")
    for path in ("/console/risks/export.xlsx", "/console/risks/map.pdf", f"/console/risks/coverage.xlsx?start={today}&end={today}"):
        joiner = "&" if "?" in path else "?"
        assert console.get(f"{path}{joiner}unit=NO-SUCH").status_code == 422, path
