"""The reward ledger, the awards and the register cut by the rewarded person's unit (a unit covers its crews)."""

import csv
import io
from dataclasses import dataclass
from datetime import timedelta

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import Session

from safety_service.clock import utc_now
from safety_service.config import Settings
from safety_service.hazards.models import Hazard
from safety_service.hazards.states import HazardState, ReportType
from safety_service.people.models import Role
from safety_service.rewards import awards
from safety_service.rewards import service as rewards_service
from tests.hazards.builders import make_hazard
from tests.people.builders import auth, make_user
from tests.units.builders import Tree, make_tree, member

API = "/api/v1/rewards"


@dataclass
class Rewarded:
    tree: Tree
    hazards: dict[str, Hazard]  # by whose report: crew, team, other, nobody's unit, anonymous

    def refs(self, *names: str) -> set[str]:
        return {self.hazards[name].ref for name in names}


def make_rewarded(session: Session) -> Rewarded:
    """Confirmed reports (each earning points) by a crew's, a team's, another team's and a unit-less worker, and an
    anonymous one; each proposed for a cash award."""
    tree = make_tree(session)
    people = {"crew": member(session, tree.crew), "team": member(session, tree.team),
              "other": member(session, tree.other), "none": member(session, None)}
    hazards = {name: make_hazard(session, state=HazardState.confirmed, reporter_employee_no=person.employee_no)
               for name, person in people.items()}
    hazards["anonymous"] = make_hazard(session, state=HazardState.confirmed)
    officer = make_user(session, role=Role.officer)
    for hazard in hazards.values():
        awards.propose(session, hazard=hazard, actor=officer, now=utc_now(), report_type=ReportType.unsafe_act)
    return Rewarded(tree, hazards)


def test_the_ledger_awards_and_register_hold_only_the_units_people(session: Session) -> None:
    found = make_rewarded(session)
    tree, mine = found.tree, {h.ref for h in found.hazards.values()}
    start, end = utc_now() - timedelta(hours=1), utc_now() + timedelta(hours=1)
    for unit, names in ((tree.team, ("crew", "team")), (tree.crew, ("crew",)), (tree.other, ("other",))):
        rows, count = rewards_service.ledger(session, unit=unit.code, limit=1000)
        assert {ref for _, ref in rows} == found.refs(*names) and count == len(names)
        listed, _ = awards.list_awards(session, unit=unit.code, limit=500)
        assert {h.ref for _, h in listed} == found.refs(*names)
        assert {h.ref for _, h in awards.register(session, start=start, end=end, unit=unit.code)} == found.refs(*names)
        numbers = {number for number, _, _ in rewards_service.balances(session, unit=unit.code)}
        assert numbers == {found.hazards[name].reporter_employee_no for name in names}
    whole = {h.ref for _, h in awards.register(session, start=start, end=end)} & mine
    assert whole == mine  # no unit: everyone's, the anonymous report's too


def test_the_api_cuts_the_ledger_awards_and_register_and_names_an_unknown_unit(
        client: TestClient, session: Session, settings: Settings) -> None:
    found = make_rewarded(session)
    officer = auth(make_user(session, role=Role.officer), settings)
    team = {"unit": found.tree.team.code}
    assert {e["hazard_ref"] for e in client.get(f"{API}/ledger", params=team, headers=officer).json()["data"]} \
        == found.refs("crew", "team")
    lines = list(csv.reader(io.StringIO(client.get(f"{API}/ledger.csv", params=team, headers=officer).text)))
    assert {line[4] for line in lines[1:]} == found.refs("crew", "team")
    listed = client.get(f"{API}/awards", params={"unit": found.tree.crew.code}, headers=officer).json()
    assert [a["hazard_ref"] for a in listed["data"]] == [found.hazards["crew"].ref]
    today = utc_now().date()
    period = {"start": str(today - timedelta(days=1)), "end": str(today + timedelta(days=1))}
    sheet = client.get(f"{API}/register.xlsx", params={**period, **team}, headers=officer)
    rows = [[c.value for c in row] for row in load_workbook(io.BytesIO(sheet.content)).active.iter_rows()]
    assert "综采一队" in rows[0][0] and {r[1] for r in rows[2:]} == found.refs("crew", "team")
    for path, params in (("ledger", {}), ("ledger.csv", {}), ("awards", {}), ("register.xlsx", period)):
        unknown = client.get(f"{API}/{path}", params={**params, "unit": "NO-SUCH"}, headers=officer)
        assert unknown.status_code == 422 and unknown.json()["detail"][0]["loc"] == ["query", "unit"], path
        miner = client.get(f"{API}/{path}", params={**params, **team},
                           headers=auth(make_user(session, role=Role.miner), settings))
        assert miner.status_code == 403, path
