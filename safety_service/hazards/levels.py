"""Hazard levels (隐患分级): besides the legal grade (一般/重大), a mine ranks general hazards A (矿级), B (科级),
C (区队级); the level decides who assigns the fix, who verifies it and the default time limit.

Levels are rows, so a mine changes them without a release; the workflow reads them in ``refusal``.
Source: 煤矿安全生产标准化管理体系 (2020), 事故隐患排查治理 (分级治理、分级验收).
"""

from enum import StrEnum

from sqlalchemy import CheckConstraint, String, false
from sqlmodel import Field, Session, SQLModel, col, select

from safety_service.errors import InvalidInput
from safety_service.hazards.states import Action, Grade
from safety_service.people.models import OFFICER_ROLES, Role, User
from safety_service.units import service as units_service
from safety_service.units.models import OrgUnit
from safety_service.validation import ModelConfig


class AssignBy(StrEnum):
    chief = "chief"  # the mine's leadership organises the fix (矿级)
    officer = "officer"  # the safety department or the specialist section (科级, 区队级)


class VerifyBy(StrEnum):
    chief = "chief"  # 矿级: accepted by the mine's leadership
    officer = "officer"  # 科级: accepted by the safety department or the section
    unit_leader = "unit_leader"  # 区队级: the responsible unit's own leader, the safety department spot-checks


class HazardLevelBase(SQLModel):
    model_config = ModelConfig(json_schema_extra={"examples": [{
        "name_zh": "科级",
        "name_en": "Section",
        "sort_order": 2,
        "fix_days": 7,
        "assign_by": "officer",
        "verify_by": "officer",
        "self_check": True,
    }]})

    name_zh: str = Field(min_length=1, max_length=32)
    name_en: str = Field(default="", max_length=32)
    sort_order: int = Field(default=0, ge=0, le=100)
    fix_days: int = Field(ge=1, le=365, description="default time limit of the fix, in days")
    assign_by: AssignBy = Field(sa_type=String(16))
    verify_by: VerifyBy = Field(sa_type=String(16))
    self_check: bool = Field(default=False, sa_column_kwargs={"server_default": false()},
                             description="two-step acceptance: the responsible unit's self-check (自检合格) "
                                         "before the safety department verifies")


class HazardLevel(HazardLevelBase, table=True):
    """One level of the mine's hazard classification."""

    __tablename__ = "hazard_level"
    __table_args__ = (
        CheckConstraint("assign_by IN ('chief','officer')", name="assign_by"),
        CheckConstraint("verify_by IN ('chief','officer','unit_leader')", name="verify_by"),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=8, unique=True)
    is_default: bool = False


class HazardLevelPublic(HazardLevelBase):
    model_config = ModelConfig(json_schema_extra={"examples": [{
        "code": "C",
        "name_zh": "区队级",
        "name_en": "Team",
        "sort_order": 3,
        "fix_days": 3,
        "assign_by": "officer",
        "verify_by": "unit_leader",
        "self_check": False,
        "is_default": True,
    }]})

    code: str
    is_default: bool


class HazardLevelsPublic(SQLModel):
    data: list[HazardLevelPublic]
    count: int


def list_levels(session: Session) -> list[HazardLevel]:
    """The levels, highest (矿级) first."""
    return list(session.exec(select(HazardLevel).order_by(col(HazardLevel.sort_order), col(HazardLevel.code))).all())


def level_for(session: Session, *, code: str | None, grade: Grade) -> HazardLevel | None:
    """The level named, else the default one, for a general hazard; a major hazard has none (the law's
    rules for major hazards apply to it instead)."""
    if grade == Grade.major:
        if code is not None:
            raise InvalidInput("levels are for general hazards; a major hazard follows the major-hazard rules",
                               field="level")
        return None
    if code is not None:
        level = session.exec(select(HazardLevel).where(HazardLevel.code == code)).first()
        if level is None:
            raise InvalidInput(f"no hazard level {code!r}", field="level")
        return level
    return next(level for level in list_levels(session) if level.is_default)


def update_level(session: Session, *, level: HazardLevel, data: HazardLevelBase) -> HazardLevel:
    """Change a level's names, order, default time limit or who assigns and verifies it."""
    for name, value in data.model_dump().items():
        setattr(level, name, value)
    session.add(level)
    session.flush()
    return level


# Who assigns a level's fix also decides on extensions and reassigns it; who verifies it may reopen it.
_ASSIGNER_ACTIONS = frozenset({Action.assign, Action.decide_extension, Action.reassign})
_VERIFIER_ACTIONS = frozenset({Action.verify, Action.reopen})


def refusal(session: Session, level: HazardLevel | None, *, action: Action, actor: User,
            unit_id: int | None) -> str | None:
    """Why the level forbids this actor this action (a code of ``workflow.REFUSALS``), or None when it allows it."""
    if action in _ASSIGNER_ACTIONS and level is not None and level.assign_by == AssignBy.chief \
            and actor.role != Role.chief:
        return "level_chief_decides"
    if action not in _VERIFIER_ACTIONS:
        return None
    if actor.role in OFFICER_ROLES:
        if level is not None and level.verify_by == VerifyBy.chief and actor.role != Role.chief:
            return "level_chief_verifies"
        return None
    if level is not None and level.verify_by == VerifyBy.unit_leader and _leads(session, actor, unit_id):
        # With two-step acceptance the unit's part is its self-check; the verification is the safety department's.
        return "level_safety_department_verifies" if level.self_check and action == Action.verify else None
    return "role"


def self_check_refusal(session: Session, level: HazardLevel | None, *, actor: User, unit_id: int | None,
                       done: bool) -> str | None:
    """Why this actor may not record the unit's self-check (自检) now, or None when they may: the level must ask
    for one, it is taken once per submitted fix, by the leader of the responsible unit or of a unit above it."""
    if level is None or not level.self_check:
        return "self_check_not_required"
    if done:
        return "self_check_done"
    return None if _leads(session, actor, unit_id) else "self_check_unit_leader"


def _leads(session: Session, actor: User, unit_id: int | None) -> bool:
    """Whether the actor leads the unit with this id or a unit above it."""
    led = session.exec(select(OrgUnit).where(OrgUnit.leader_id == actor.id)).all()
    return any(units_service.within(session, unit=unit, other_id=unit_id) for unit in led)
