"""Deadline and assignment changes as edges (延期申请 and its decision, reassignment, 复查不合格 reopening):
every (state, action, actor) allowed or refused, and what each edge does and records."""

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from safety_service.clock import utc_now
from safety_service.config import Settings
from safety_service.errors import InvalidInput, InvalidTransition, PermissionDenied
from safety_service.hazards import service as hazards_service
from safety_service.hazards.models import HazardEvent
from safety_service.hazards.schemas import (
    HazardExtensionDecision,
    HazardExtensionRequest,
    HazardReassign,
    HazardRegrade,
    HazardReopen,
)
from safety_service.hazards.states import Grade, HazardState
from safety_service.notifications.models import Notification
from safety_service.people.models import Role
from tests.hazards.builders import a_criterion, make_hazard
from tests.people.builders import auth, make_user

S = HazardState
OFFICERS = {"officer", "chief"}
# action -> (the state it starts from, who may, by grade); written from docs/mine-rules.md
WHO = {
    "request_extension": (S.rectifying, lambda grade: {"assigned_owner"}),
    "decide_extension": (S.rectifying, lambda grade: {"chief"} if grade == Grade.major else OFFICERS),
    "reassign": (S.rectifying, lambda grade: OFFICERS),
    "reopen": (S.closed, lambda grade: {"chief"} if grade == Grade.major else OFFICERS),
}
FUNCTIONS = {"request_extension": hazards_service.request_extension,
             "decide_extension": hazards_service.decide_extension, "reassign": hazards_service.reassign,
             "reopen": hazards_service.reopen}
ACTORS = [r.value for r in Role] + ["assigned_owner"]


def _inputs(session: Session, action: str):
    later = utc_now() + timedelta(days=20)
    return {
        "request_extension": HazardExtensionRequest(reason="设备到货延迟", new_deadline=later),
        "decide_extension": HazardExtensionDecision(approved=True, note="同意"),
        "reassign": HazardReassign(owner=make_user(session, role=Role.owner).username, reason="调整分工"),
        "reopen": HazardReopen(reason="复查发现锚杆再次松动", deadline=later),
    }[action]


def _asked(session: Session, hazard, owner) -> None:
    hazards_service.request_extension(session, hazard=hazard, actor=owner, data=HazardExtensionRequest(
        reason="设备到货延迟", new_deadline=utc_now() + timedelta(days=20)))


@pytest.mark.parametrize("grade", list(Grade))
@pytest.mark.parametrize("actor_kind", ACTORS)
@pytest.mark.parametrize("action", list(WHO))
@pytest.mark.parametrize("state", list(HazardState))
def test_every_state_change_and_actor(session: Session, state: HazardState, action: str, actor_kind: str,
                                      grade: Grade) -> None:
    owner = make_user(session, role=Role.owner)
    hazard = make_hazard(session, state=state, grade=grade, owner=owner)
    if action == "decide_extension" and state == S.rectifying:
        _asked(session, hazard, owner)
    actor = owner if actor_kind == "assigned_owner" else make_user(session, role=Role(actor_kind))
    source, who = WHO[action]
    has_owner = state in (S.rectifying, S.awaiting_verification, S.closed)
    allowed = actor_kind in who(grade) and (actor_kind != "assigned_owner" or has_owner)
    data = _inputs(session, action)
    before = len(session.exec(select(HazardEvent).where(HazardEvent.hazard_id == hazard.id)).all())
    call = lambda: FUNCTIONS[action](session, hazard=hazard, data=data, actor=actor)
    role = "owner" if actor_kind == "assigned_owner" else actor_kind
    if state != source and (role in OFFICERS or action == "request_extension"):
        with pytest.raises(InvalidTransition):
            call()
    elif state != source or not allowed:
        with pytest.raises(PermissionDenied):
            call()
    else:
        event = call()
        assert (event.action, event.to_state, hazard.state) == (action, S.rectifying, S.rectifying)
    after = len(session.exec(select(HazardEvent).where(HazardEvent.hazard_id == hazard.id)).all())
    assert after == before + (1 if state == source and allowed else 0)


def test_an_approved_extension_moves_the_deadline_and_restarts_the_ladder(session: Session) -> None:
    owner = make_user(session, role=Role.owner)
    hazard = make_hazard(session, state=S.rectifying, owner=owner)
    hazard.escalation_level, hazard.overdue_since = 2, hazard.deadline
    _asked(session, hazard, owner)
    asked, old = hazard.extension_until, hazard.deadline
    assert hazard.deadline == old  # the deadline holds until the decision
    with pytest.raises(PermissionDenied, match="already waiting"):
        _asked(session, hazard, owner)
    hazards_service.decide_extension(session, hazard=hazard, actor=make_user(session, role=Role.officer),
                                     data=HazardExtensionDecision(approved=True, note="同意延期"))
    assert (hazard.deadline, hazard.escalation_level, hazard.overdue_since) == (asked, 0, None)
    assert hazard.extension_until is None
    with pytest.raises(PermissionDenied, match="no extension request"):
        hazards_service.decide_extension(session, hazard=hazard, actor=make_user(session, role=Role.officer),
                                         data=HazardExtensionDecision(approved=True, note="再次"))


def test_a_refused_extension_keeps_the_deadline(session: Session) -> None:
    owner = make_user(session, role=Role.owner)
    hazard = make_hazard(session, state=S.rectifying, owner=owner)
    old = hazard.deadline
    _asked(session, hazard, owner)
    event = hazards_service.decide_extension(session, hazard=hazard, actor=make_user(session, role=Role.officer),
                                             data=HazardExtensionDecision(approved=False, note="必须按期完成"))
    assert hazard.deadline == old and hazard.extension_until is None and event.data["approved"] is False


def test_an_extension_must_ask_for_a_later_date(session: Session) -> None:
    owner = make_user(session, role=Role.owner)
    hazard = make_hazard(session, state=S.rectifying, owner=owner)
    with pytest.raises(InvalidInput) as refused:
        hazards_service.request_extension(session, hazard=hazard, actor=owner, data=HazardExtensionRequest(
            reason="理由", new_deadline=hazard.deadline - timedelta(hours=1)))
    assert refused.value.field == "new_deadline" and hazard.extension_until is None


def test_reassigning_names_the_new_owner_and_keeps_the_old_in_the_history(session: Session) -> None:
    old_owner, new_owner = make_user(session, role=Role.owner), make_user(session, role=Role.owner)
    hazard = make_hazard(session, state=S.rectifying, owner=old_owner)
    event = hazards_service.reassign(session, hazard=hazard, actor=make_user(session, role=Role.officer),
                                     data=HazardReassign(owner=new_owner.username, reason="调整分工"))
    assert hazard.owner_id == new_owner.id
    assert (event.data["owner"], event.data["previous_owner"], event.note) == (
        new_owner.username, old_owner.username, "调整分工")
    with pytest.raises(InvalidInput) as refused:
        hazards_service.reassign(session, hazard=hazard, actor=make_user(session, role=Role.officer),
                                 data=HazardReassign(owner="nobody-at-all", reason="x"))
    assert refused.value.field == "owner"


def test_a_reopened_hazard_is_open_again_with_its_new_deadline(session: Session) -> None:
    hazard = make_hazard(session, state=S.closed)
    deadline = utc_now() + timedelta(days=4)
    hazards_service.reopen(session, hazard=hazard, actor=make_user(session, role=Role.officer),
                           data=HazardReopen(reason="复查不合格", deadline=deadline))
    assert (hazard.state, hazard.is_open, hazard.closed_at, hazard.deadline) == (S.rectifying, True, None, deadline)
    history = [e.action for e, _ in hazards_service.history(session, hazard=hazard)]
    assert history[-2:] == ["verify", "reopen"]


def test_the_api_takes_each_change_and_refuses_other_roles(client: TestClient, session: Session,
                                                           settings: Settings) -> None:
    owner = make_user(session, role=Role.owner)
    hazard = make_hazard(session, state=S.rectifying, owner=owner)
    officer = auth(make_user(session, role=Role.officer), settings)
    later = (utc_now() + timedelta(days=20)).isoformat()
    ask = {"reason": "设备到货延迟", "new_deadline": later}
    assert client.post(f"/api/v1/hazards/{hazard.ref}/request_extension", json=ask,
                       headers=officer).status_code == 403
    asked = client.post(f"/api/v1/hazards/{hazard.ref}/request_extension", json=ask, headers=auth(owner, settings))
    assert asked.status_code == 200 and asked.json()["extension_until"] is not None
    bad = client.post(f"/api/v1/hazards/{hazard.ref}/decide_extension", json={"note": "x"}, headers=officer)
    assert bad.status_code == 422 and "approved" in bad.text
    decided = client.post(f"/api/v1/hazards/{hazard.ref}/decide_extension", json={"approved": True, "note": "同意"},
                          headers=officer)
    assert decided.status_code == 200 and decided.json()["extension_until"] is None
    closed = make_hazard(session, state=S.closed)
    assert client.post(f"/api/v1/hazards/{closed.ref}/reopen", json={"reason": "复查不合格", "deadline": later},
                       headers=auth(make_user(session, role=Role.miner), settings)).status_code == 403
    reopened = client.post(f"/api/v1/hazards/{closed.ref}/reopen", json={"reason": "复查不合格", "deadline": later},
                           headers=officer)
    assert reopened.status_code == 200 and reopened.json()["state"] == "rectifying"
    regraded = client.post(f"/api/v1/hazards/{closed.ref}/regrade", headers=officer,
                           json={"grade": "general", "category_code": "gas", "level": "B", "reason": "复核后定为科级"})
    assert regraded.status_code == 200 and regraded.json()["level"] == "B"
    assert client.get(f"/api/v1/hazards/{closed.ref}", headers=officer).json()["category"] == "gas"


def test_the_api_regrades_and_reassigns_and_answers_the_hazard(client: TestClient, session: Session,
                                                                settings: Settings) -> None:
    hazard = make_hazard(session, state=S.rectifying, owner=make_user(session, role=Role.owner))
    officer = auth(make_user(session, role=Role.officer), settings)
    regraded = client.post(f"/api/v1/hazards/{hazard.ref}/regrade", headers=officer,
                           json={"grade": "general", "category_code": "gas", "reason": "经复核属通风瓦斯类"})
    assert regraded.status_code == 200 and regraded.json()["category"] == "gas"
    other = make_user(session, role=Role.owner)
    reassigned = client.post(f"/api/v1/hazards/{hazard.ref}/reassign", headers=officer,
                             json={"owner": other.username, "reason": "改由机电科负责整改"})
    assert reassigned.status_code == 200 and reassigned.json()["owner"] == other.username
    assert [e["action"] for e in reassigned.json()["history"]][-2:] == ["regrade", "reassign"]


REGRADE_FROM = {S.confirmed, S.rectifying, S.awaiting_verification}


@pytest.mark.parametrize("grade", list(Grade))
@pytest.mark.parametrize("actor_kind", [r.value for r in Role])
@pytest.mark.parametrize("state", list(HazardState))
def test_every_state_and_actor_may_regrade_or_not(session: Session, state: HazardState, actor_kind: str,
                                                  grade: Grade) -> None:
    hazard = make_hazard(session, state=state, grade=grade)
    actor = make_user(session, role=Role(actor_kind))
    new_grade = Grade.general if grade == Grade.major else Grade.major
    data = HazardRegrade(grade=new_grade, category_code="gas", reason="复核后重新定级",
                         major_criterion=a_criterion(session) if new_grade == Grade.major else None)
    allowed = actor_kind == "chief" or (actor_kind == "officer" and grade == Grade.general)
    if actor_kind in OFFICERS and state not in REGRADE_FROM:
        with pytest.raises(InvalidTransition):
            hazards_service.regrade(session, hazard=hazard, data=data, actor=actor)
    elif state not in REGRADE_FROM or not allowed:
        with pytest.raises(PermissionDenied):
            hazards_service.regrade(session, hazard=hazard, data=data, actor=actor)
    else:
        event = hazards_service.regrade(session, hazard=hazard, data=data, actor=actor)
        assert (hazard.grade, hazard.state, event.from_state, event.to_state) == (new_grade, state, state, state)
        assert event.data["previous_grade"] == grade and event.note == "复核后重新定级"
        assert (hazard.level_id is None) == (new_grade == Grade.major)


def test_a_hazard_regraded_major_is_told_to_the_chief(session: Session) -> None:
    chief = make_user(session, role=Role.chief)
    hazard = make_hazard(session, state=S.rectifying, owner=make_user(session, role=Role.owner))
    told = select(Notification.user_id).where(Notification.hazard_id == hazard.id, Notification.kind == "major_listed")
    hazards_service.regrade(session, hazard=hazard, actor=make_user(session, role=Role.officer), data=HazardRegrade(
        grade=Grade.general, category_code="gas", reason="经复核属通风瓦斯类"))
    assert chief.id not in session.exec(told).all()
    hazards_service.regrade(session, hazard=hazard, actor=chief, data=HazardRegrade(
        grade=Grade.major, category_code="ventilation", major_criterion=a_criterion(session),
        reason="主要用风地点风量不足，属重大事故隐患"))
    assert chief.id not in session.exec(told).all()  # the chief who regraded it is not told of it
    other = make_user(session, role=Role.chief)
    hazards_service.regrade(session, hazard=hazard, actor=chief, data=HazardRegrade(
        grade=Grade.major, category_code="ventilation", major_criterion=a_criterion(session), reason="补充分类"))
    assert other.id in session.exec(told).all()
