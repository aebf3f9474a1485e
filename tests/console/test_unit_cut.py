"""The console's figures, queues and ledger cut by a chosen unit (the hazards about it and the units under it)."""

import csv
import io
import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session

from safety_service.clock import utc_now
from safety_service.people.models import Role
from tests.units.builders import make_cut

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
    assert "统计范围：综采一队" in team.text and team.text.count("<svg") == 5
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
