"""Demo steps of the mine rules on the demo hazards: an extension waiting for its decision, one approved,
a reassignment, a closed hazard reopened after a later check (复查不合格), and two-step acceptance for 科级
hazards (the unit's self-check, then the safety department)."""

from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from safety_service.database import known
from safety_service.hazards import service as hazards_service
from safety_service.hazards.levels import AssignBy, HazardLevel, VerifyBy
from safety_service.hazards.models import Hazard
from safety_service.hazards.schemas import (
    HazardExtensionDecision,
    HazardExtensionRequest,
    HazardReassign,
    HazardReopen,
    HazardSelfCheck,
)
from safety_service.hazards.states import Grade, HazardState
from safety_service.people.models import User
from safety_service.units.models import OrgUnit


def _general(session: Session, state: HazardState) -> list[Hazard]:
    query = select(Hazard).where(Hazard.state == state, Hazard.grade == Grade.general).order_by(col(Hazard.id))
    return list(session.exec(query).all())


def _chief_needed(session: Session, hazard: Hazard) -> bool:
    level = session.get(HazardLevel, hazard.level_id) if hazard.level_id else None
    return level is not None and (level.assign_by == AssignBy.chief or level.verify_by == VerifyBy.chief)


def load(session: Session, *, users: dict[str, User], now: datetime) -> str:
    """Take some demo hazards through the change edges; returns a line describing them."""
    rectifying, closed = _general(session, HazardState.rectifying), _general(session, HazardState.closed)
    def officer(hazard: Hazard) -> User:  # the safety department, or the chief where the level says so
        return users["chief"] if _chief_needed(session, hazard) else users["officer1"]

    owners = {user.id: user for user in users.values()}
    waiting, approved, moved = rectifying[0], rectifying[1], rectifying[2]
    for hazard, reason in ((waiting, "液压支架配件未到货，需延期一周"), (approved, "工作面推进需停机检修，申请延期")):
        hazards_service.request_extension(session, hazard=hazard, actor=owners[hazard.owner_id], now=now, data=(
            HazardExtensionRequest(reason=reason, new_deadline=known(hazard.deadline) + timedelta(days=7))))
    hazards_service.decide_extension(session, hazard=approved, actor=officer(approved), now=now, data=HazardExtensionDecision(
        approved=True, note="情况属实，同意延期，期间加强现场监护"))
    other = users["owner2"] if moved.owner_id == users["owner1"].id else users["owner1"]
    hazards_service.reassign(session, hazard=moved, actor=officer(moved), now=now, data=HazardReassign(
        owner=other.username, reason="该处设备归口管理单位调整"))
    hazards_service.reopen(session, hazard=closed[0], actor=officer(closed[0]), now=now, data=HazardReopen(
        reason="复查发现整改部位再次出现问题", deadline=now + timedelta(days=3)))
    return ("mine rules: 2 extension requests (1 approved), 1 reassignment, 1 hazard reopened after a later check; "
            + _two_step(session, users, now=now))


def _two_step(session: Session, users: dict[str, User], *, now: datetime) -> str:
    """科级 (B) hazards take two-step acceptance; the first waiting one has passed its unit's self-check."""
    level = session.exec(select(HazardLevel).where(HazardLevel.code == "B")).one()
    level.self_check = True
    session.add(level)
    waiting = [h for h in _general(session, HazardState.awaiting_verification) if h.level_id == level.id]
    accounts = {user.id: user for user in users.values()}
    checked = 0
    for hazard in waiting[:1]:
        leader = _leader(session, hazard.unit_id)
        if leader in accounts:
            hazards_service.self_check(session, hazard=hazard, actor=accounts[leader], now=now, data=HazardSelfCheck(
                passed=True, note="区队自检合格：支护已补齐，现场清理完毕，报安全科验收"))
            checked += 1
    return f"two-step acceptance for level B: {len(waiting)} waiting, {checked} self-checked by the unit"


def _leader(session: Session, unit_id: int | None) -> int | None:
    unit = session.get(OrgUnit, unit_id) if unit_id else None
    while unit is not None and unit.leader_id is None:
        unit = session.get(OrgUnit, unit.parent_id) if unit.parent_id else None
    return unit.leader_id if unit else None
