"""Two-step acceptance (两级验收), a level setting: where a level asks for it, the responsible unit's leader records
the self-check (自检) before the safety department verifies. Tested exhaustively: each level, each step (self-check
passed or failed, verification passed or failed, before and after the self-check), each kind of actor."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from safety_service.config import Settings
from safety_service.errors import PermissionDenied
from safety_service.hazards import service as hazards_service
from safety_service.hazards import workflow as hazards_workflow
from safety_service.hazards.levels import HazardLevel
from safety_service.hazards.schemas import HazardRectified, HazardSelfCheck, HazardVerify
from safety_service.hazards.states import HazardState
from safety_service.notifications.models import Notification
from safety_service.people.models import Role
from tests.hazards.test_levels import ACTORS, _stage
from tests.people.builders import auth, make_user

S = HazardState
# Written out from docs/mine-rules.md, independently of the level rows: with two-step acceptance the unit's leaders
# (of the responsible unit or the one above) self-check; the safety department, by level, verifies.
SELF_CHECKERS = {"unit_leader", "upper_leader"}
DEPARTMENT = {"A": {"chief"}, "B": {"officer", "chief"}, "C": {"officer", "chief"}}
STEPS = ["self_check_pass", "self_check_fail", "verify_pass", "verify_fail"]


def _two_step(session: Session, code: str) -> None:
    level = session.exec(select(HazardLevel).where(HazardLevel.code == code)).one()
    level.self_check = True
    session.add(level)
    session.flush()


def _call(session: Session, hazard, actor, step: str) -> None:
    passed = step.endswith("_pass")
    if step.startswith("self_check"):
        hazards_service.self_check(session, hazard=hazard, actor=actor, data=HazardSelfCheck(passed=passed, note="自检"))
    else:
        hazards_service.verify(session, hazard=hazard, actor=actor, data=HazardVerify(passed=passed, note="验收"))


def _expected(level: str, step: str, actor_kind: str, self_checked: bool) -> bool:
    if step.startswith("self_check"):
        return not self_checked and actor_kind in SELF_CHECKERS
    if step == "verify_pass" and not self_checked:
        return False
    return actor_kind in DEPARTMENT[level]


@pytest.mark.parametrize("self_checked", [False, True], ids=["before", "after"])
@pytest.mark.parametrize("actor_kind", ACTORS)
@pytest.mark.parametrize("step", STEPS)
@pytest.mark.parametrize("level", list(DEPARTMENT))
def test_every_level_step_and_actor_with_two_step_acceptance(session: Session, level: str, step: str,
                                                            actor_kind: str, self_checked: bool) -> None:
    _two_step(session, level)
    hazard, people, _crew = _stage(session, level, S.awaiting_verification)
    if self_checked:
        hazards_service.self_check(session, hazard=hazard, actor=people["unit_leader"],
                                   data=HazardSelfCheck(passed=True, note="自检合格"))
    actor = people.get(actor_kind) or make_user(session, role=Role(actor_kind))
    allowed = _expected(level, step, actor_kind, self_checked)
    action, target = step.rsplit("_", 1)
    outcome = {"pass": S.awaiting_verification if action == "self_check" else S.closed, "fail": S.rectifying}[target]
    assert (outcome in hazards_workflow.allowed_outcomes(hazard, actor).get(action, [])) == allowed
    if allowed:
        _call(session, hazard, actor, step)
        assert hazard.state == outcome
        assert (hazard.self_checked_at is not None) == (outcome != S.rectifying and (self_checked or action ==
                                                                                      "self_check"))
    else:
        with pytest.raises(PermissionDenied):
            _call(session, hazard, actor, step)
        assert hazard.state == S.awaiting_verification


@pytest.mark.parametrize("actor_kind", ACTORS)
@pytest.mark.parametrize("level", list(DEPARTMENT))
def test_without_the_setting_no_one_self_checks(session: Session, level: str, actor_kind: str) -> None:
    hazard, people, _crew = _stage(session, level, S.awaiting_verification)
    actor = people.get(actor_kind) or make_user(session, role=Role(actor_kind))
    assert "self_check" not in hazards_workflow.allowed_actions(hazard, actor)
    assert not any(key.startswith("self_check") for key in hazards_workflow.refusals(hazard, actor))
    with pytest.raises(PermissionDenied):
        _call(session, hazard, actor, "self_check_pass")


def test_a_fix_sent_back_is_self_checked_again_and_each_step_is_an_event(session: Session) -> None:
    _two_step(session, "C")
    hazard, people, _crew = _stage(session, "C", S.awaiting_verification)
    officer, leader, owner = make_user(session, role=Role.officer), people["unit_leader"], people["assigned_owner"]
    told = session.exec(select(Notification.kind).where(Notification.user_id == leader.id,
                                                        Notification.hazard_id == hazard.id)).all()
    assert told == ["self_check_due"]
    event = hazards_service.self_check(session, hazard=hazard, actor=leader,
                                       data=HazardSelfCheck(passed=True, note="自检合格"))
    assert (event.action, event.from_state, event.to_state, event.data) == (
        "self_check", "awaiting_verification", "awaiting_verification", {"passed": True})
    hazards_service.verify(session, hazard=hazard, actor=officer, data=HazardVerify(passed=False, note="锚杆不足"))
    assert hazard.self_checked_at is None
    hazards_service.mark_rectified(session, hazard=hazard, data=HazardRectified(note="补齐锚杆"), actor=owner)
    assert "verify" not in hazards_workflow.allowed_outcomes(hazard, officer) or \
        S.closed not in hazards_workflow.allowed_outcomes(hazard, officer)["verify"]
    assert hazards_workflow.refusals(hazard, officer)["verify:closed"] == "self_check_first"
    hazards_service.self_check(session, hazard=hazard, actor=leader, data=HazardSelfCheck(passed=True, note="合格"))
    hazards_service.verify(session, hazard=hazard, actor=officer, data=HazardVerify(passed=True, note="验收合格"))
    assert hazard.state == S.closed and hazard.self_checked_at is not None
    actions = [e.action for e, _ in hazards_service.history(session, hazard=hazard)]
    assert actions[-5:] == ["self_check", "verify", "rectified", "self_check", "verify"]


def test_the_api_takes_the_self_check_and_the_level_setting(client: TestClient, session: Session,
                                                            settings: Settings) -> None:
    admin = auth(make_user(session, role=Role.admin), settings)
    level = client.get("/api/v1/hazard-levels", headers=admin).json()["data"][1]
    assert level["code"] == "B" and level["self_check"] is False
    changed = client.put("/api/v1/hazard-levels/B", headers=admin, json={
        **{k: level[k] for k in ("name_zh", "name_en", "sort_order", "fix_days", "assign_by", "verify_by")},
        "self_check": True})
    assert changed.status_code == 200 and changed.json()["self_check"] is True
    hazard, people, _crew = _stage(session, "B", S.awaiting_verification)
    leader = auth(people["unit_leader"], settings)
    url = f"/api/v1/hazards/{hazard.ref}/self_check"
    bad = client.post(url, headers=leader, json={"passed": "maybe", "note": ""})
    assert bad.status_code == 422 and {"passed", "note"} <= {e["loc"][-1] for e in bad.json()["detail"]}
    assert client.post(url, headers=auth(people["other_leader"], settings),
                       json={"passed": True, "note": "合格"}).status_code == 403
    answer = client.post(url, headers=leader, json={"passed": True, "note": "自检合格"})
    assert answer.status_code == 200 and answer.json()["self_checked_at"] is not None
    again = client.post(url, headers=leader, json={"passed": True, "note": "自检合格"})
    assert again.status_code == 403
