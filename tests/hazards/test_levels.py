"""The levels' rules (A 矿级, B 科级, C 区队级), tested exhaustively: for each level, each action the level
governs (assign, verify passed, verify failed) and each kind of actor, allowed or refused."""

from datetime import timedelta
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from safety_service.clock import utc_now
from safety_service.config import Settings
from safety_service.errors import InvalidInput, PermissionDenied
from safety_service.hazards import service as hazards_service
from safety_service.hazards import workflow as hazards_workflow
from safety_service.hazards.schemas import HazardAssign, HazardConfirm, HazardRectified, HazardVerify
from safety_service.hazards.states import Grade, HazardState
from safety_service.people.models import Role
from safety_service.units.models import UnitKind
from tests.hazards.builders import a_criterion, make_hazard
from tests.people.builders import auth, make_user
from tests.units.builders import join, make_unit

S = HazardState
# Written out from docs/mine-rules.md (the seeded levels), independently of the level rows.
WHO = {
    "A": {"assign": {"chief"}, "verify": {"chief"}},
    "B": {"assign": {"officer", "chief"}, "verify": {"officer", "chief"}},
    "C": {"assign": {"officer", "chief"}, "verify": {"officer", "chief", "unit_leader", "upper_leader"}},
}
FIX_DAYS = {"A": 15, "B": 7, "C": 3}
ACTORS = [r.value for r in Role] + ["assigned_owner", "unit_leader", "upper_leader", "other_leader"]


def _stage(session: Session, level: str, state: HazardState):
    """A general hazard of this level in this state; its fix is owned by a crew member, the crew under a team."""
    team_leader, crew_leader = make_user(session, role=Role.owner), make_user(session, role=Role.owner)
    team = make_unit(session, leader=team_leader)
    crew = make_unit(session, kind=UnitKind.crew, parent=team, leader=crew_leader)
    owner = join(session, make_user(session, role=Role.owner), crew)
    chief = make_user(session, role=Role.chief)
    hazard = make_hazard(session, state=S.reported)
    hazards_service.confirm(session, hazard=hazard, actor=chief,
                            data=HazardConfirm(grade=Grade.general, category_code="roof", level=level))
    if state != S.confirmed:
        hazards_service.assign(session, hazard=hazard, actor=chief, data=_fix(owner.username, crew.code))
        hazards_service.mark_rectified(session, hazard=hazard, data=HazardRectified(note="已整改"), actor=owner)
    other_leader = make_user(session, role=Role.owner)
    make_unit(session, leader=other_leader)
    people = {"assigned_owner": owner, "unit_leader": crew_leader, "upper_leader": team_leader,
              "other_leader": other_leader}
    return hazard, people, crew


def _fix(owner: str, unit: str, deadline=None) -> HazardAssign:
    return HazardAssign(owner=owner, unit=unit, measures="补打锚杆", funds=Decimal(100), deadline=deadline,
                        contingency_plan="设警戒")


@pytest.mark.parametrize("actor_kind", ACTORS)
@pytest.mark.parametrize("action", ["assign", "verify_pass", "verify_fail"])
@pytest.mark.parametrize("level", list(WHO))
def test_every_level_action_and_actor(session: Session, level: str, action: str, actor_kind: str) -> None:
    state = S.confirmed if action == "assign" else S.awaiting_verification
    hazard, people, crew = _stage(session, level, state)
    actor = people.get(actor_kind) or make_user(session, role=Role(actor_kind))
    if action == "assign":
        call = lambda: hazards_service.assign(session, hazard=hazard, actor=actor,
                                              data=_fix(people["assigned_owner"].username, crew.code))
        target, allowed = S.rectifying, actor_kind in WHO[level]["assign"]
    else:
        passed = action == "verify_pass"
        call = lambda: hazards_service.verify(session, hazard=hazard, actor=actor,
                                              data=HazardVerify(passed=passed, note="验收"))
        target, allowed = (S.closed if passed else S.rectifying), actor_kind in WHO[level]["verify"]
    may_now = ("assign" if action == "assign" else "verify") in hazards_workflow.allowed_actions(hazard, actor)
    assert may_now == allowed
    if allowed:
        call()
        assert hazard.state == target
    else:
        with pytest.raises(PermissionDenied):
            call()
        assert hazard.state == state


@pytest.mark.parametrize("level", list(WHO))
def test_the_deadline_defaults_to_the_levels_fix_days(session: Session, level: str) -> None:
    hazard, people, crew = _stage(session, level, S.confirmed)
    before = utc_now()
    hazards_service.assign(session, hazard=hazard, actor=make_user(session, role=Role.chief),
                           data=_fix(people["assigned_owner"].username, crew.code))
    expected = before + timedelta(days=FIX_DAYS[level])
    assert abs((hazard.deadline - expected).total_seconds()) < 60


def test_a_general_hazard_gets_the_default_level_and_a_major_one_none(session: Session) -> None:
    general = make_hazard(session, state=S.confirmed, grade=Grade.general)
    major = make_hazard(session, state=S.confirmed, grade=Grade.major)
    assert general.level_id is not None and major.level_id is None
    with pytest.raises(InvalidInput) as refused:
        hazards_service.confirm(session, hazard=make_hazard(session), actor=make_user(session, role=Role.officer),
                                data=HazardConfirm(grade=Grade.major, category_code="gas", level="A",
                                                   major_criterion=a_criterion(session)))
    assert refused.value.field == "level"
    with pytest.raises(InvalidInput) as unknown:
        hazards_service.confirm(session, hazard=make_hazard(session), actor=make_user(session, role=Role.officer),
                                data=HazardConfirm(grade=Grade.general, category_code="gas", level="Z"))
    assert unknown.value.field == "level"


def test_levels_are_data_an_administrator_changes(client: TestClient, session: Session, settings: Settings) -> None:
    admin, officer = auth(make_user(session, role=Role.admin), settings), auth(make_user(session, role=Role.officer),
                                                                               settings)
    listed = client.get("/api/v1/hazard-levels", headers=officer).json()["data"]
    assert [(row["code"], row["name_zh"], row["verify_by"]) for row in listed] == [
        ("A", "矿级", "chief"), ("B", "科级", "officer"), ("C", "区队级", "unit_leader")]
    change = {"name_zh": "区队级", "name_en": "Team", "sort_order": 3, "fix_days": 5, "assign_by": "officer",
              "verify_by": "officer"}
    assert client.put("/api/v1/hazard-levels/C", json=change, headers=officer).status_code == 403
    assert client.put("/api/v1/hazard-levels/C", json=change, headers=admin).status_code == 200
    bad = client.put("/api/v1/hazard-levels/C", json={**change, "verify_by": "anyone"}, headers=admin)
    assert bad.status_code == 422 and "verify_by" in bad.text
    assert client.put("/api/v1/hazard-levels/Z", json=change, headers=admin).status_code == 404
    hazard, people, _crew = _stage(session, "C", S.awaiting_verification)
    with pytest.raises(PermissionDenied):  # the unit's leader no longer verifies a C-level hazard
        hazards_service.verify(session, hazard=hazard, actor=people["unit_leader"],
                               data=HazardVerify(passed=True, note="验收"))
    assert client.get(f"/api/v1/hazards/{hazard.ref}", headers=officer).json()["level"] == "C"
