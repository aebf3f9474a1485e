"""The hazard workflow (闭环管理): states, and the table of who may move what."""

from dataclasses import dataclass
from enum import StrEnum

from safety_service.people.models import OFFICER_ROLES, Role


class HazardState(StrEnum):
    reported = "reported"
    confirmed = "confirmed"
    rectifying = "rectifying"
    awaiting_verification = "awaiting_verification"
    closed = "closed"
    rejected = "rejected"


OPEN_STATES = frozenset(
    {HazardState.reported, HazardState.confirmed, HazardState.rectifying, HazardState.awaiting_verification}
)


class Grade(StrEnum):
    general = "general"
    major = "major"


class ReportType(StrEnum):
    """The four kinds of hazard report of 安委〔2024〕7号, a second dimension beside the category."""

    unsafe_act = "unsafe_act"  # 人的不安全行为
    unsafe_condition = "unsafe_condition"  # 物的不安全状态
    environment = "environment"  # 环境缺陷
    management = "management"  # 管理缺陷


class Channel(StrEnum):
    qr = "qr"
    kiosk = "kiosk"
    console = "console"
    inspection = "inspection"


class Action(StrEnum):
    """The API's name for each transition (``POST /hazards/{ref}/{action}``)."""

    confirm = "confirm"
    reject = "reject"
    assign = "assign"
    rectified = "rectified"
    verify = "verify"
    # Changes to a fix under way, each an edge with its own event (never an edit in place).
    request_extension = "request_extension"  # 延期申请
    decide_extension = "decide_extension"  # 延期审批
    reassign = "reassign"  # 调整责任单位/责任人
    reopen = "reopen"  # 复查不合格: a closed hazard found failing at a later check
    regrade = "regrade"  # 重新定级/分类, with a reason
    # A major hazard's own steps (安监总局令第16号 第十四、十五条; 国务院令第446号), each with its record.
    submit_plan = "submit_plan"  # 治理方案 submitted
    decide_plan = "decide_plan"  # 治理方案 approved or sent back by the chief
    stop_production = "stop_production"  # 停产撤人
    resume_production = "resume_production"  # 复产, after acceptance
    send_report = "send_report"  # 重大事故隐患报告 sent to the regulator or the workers' congress
    list_supervision = "list_supervision"  # 挂牌督办 recorded
    accept_supervision = "accept_supervision"  # the regulator's acceptance and 销号
    self_check = "self_check"  # 自检: the responsible unit accepts its own fix before the safety department


@dataclass(frozen=True)
class Transition:
    """One edge of the workflow: the action that takes it and the roles that may."""

    action: Action
    source: HazardState
    target: HazardState
    roles: frozenset[Role]
    assigned_owner_only: bool = False
    never_assigned_owner: bool = False
    chief_for_major: bool = False
    # The hazard's level (hazards.levels) decides further who may: the chief assigns a 矿级 hazard;
    # a 区队级 hazard may be verified by its unit's own leader.
    by_level: bool = False
    # True: only while an extension request waits for its decision; False: only while none does.
    pending_extension: bool | None = None
    # Only for a major hazard; its own rules (a plan waiting, production stopped …) in hazards.major_rules.
    major_only: bool = False
    # The responsible unit's self-check (自检), taken where the level asks for two-step acceptance.
    unit_self_check: bool = False


S = HazardState
# Officers verify; an owner who leads the hazard's unit may too where its level lets the unit verify.
VERIFIER_ROLES = OFFICER_ROLES | {Role.owner}
_STOPPABLE = (S.confirmed, S.rectifying, S.awaiting_verification)
MAJOR_TRANSITIONS: tuple[Transition, ...] = (
    *(Transition(Action.submit_plan, state, state, OFFICER_ROLES | {Role.owner}, major_only=True)
      for state in (S.confirmed, S.rectifying)),
    *(Transition(Action.decide_plan, state, state, frozenset({Role.chief}), major_only=True)
      for state in (S.confirmed, S.rectifying)),
    *(Transition(Action.stop_production, state, state, OFFICER_ROLES | {Role.dispatcher}, major_only=True)
      for state in _STOPPABLE),
    *(Transition(Action.resume_production, state, state, frozenset({Role.chief}), major_only=True)
      for state in _STOPPABLE),
    *(Transition(Action.send_report, state, state, OFFICER_ROLES, major_only=True)
      for state in (*_STOPPABLE, S.closed)),
    *(Transition(Action.list_supervision, state, state, OFFICER_ROLES, major_only=True) for state in _STOPPABLE),
    Transition(Action.accept_supervision, S.awaiting_verification, S.awaiting_verification, OFFICER_ROLES,
               major_only=True),
)
TRANSITIONS: tuple[Transition, ...] = (
    Transition(Action.confirm, S.reported, S.confirmed, OFFICER_ROLES),
    Transition(Action.reject, S.reported, S.rejected, OFFICER_ROLES),
    Transition(Action.assign, S.confirmed, S.rectifying, OFFICER_ROLES, by_level=True),
    Transition(
        Action.rectified, S.rectifying, S.awaiting_verification, frozenset(Role), assigned_owner_only=True
    ),
    Transition(
        Action.verify, S.awaiting_verification, S.closed, VERIFIER_ROLES,
        never_assigned_owner=True, chief_for_major=True, by_level=True,
    ),
    Transition(Action.verify, S.awaiting_verification, S.rectifying, VERIFIER_ROLES, never_assigned_owner=True,
               by_level=True),
    Transition(Action.request_extension, S.rectifying, S.rectifying, frozenset(Role), assigned_owner_only=True,
               pending_extension=False),
    Transition(Action.decide_extension, S.rectifying, S.rectifying, OFFICER_ROLES, never_assigned_owner=True,
               chief_for_major=True, by_level=True, pending_extension=True),
    Transition(Action.reassign, S.rectifying, S.rectifying, OFFICER_ROLES, by_level=True),
    Transition(Action.reopen, S.closed, S.rectifying, OFFICER_ROLES, chief_for_major=True, by_level=True),
    # Two-step acceptance (levels with self_check): the unit's leader passes its own fix (自检合格), the hazard
    # waiting on for the safety department, or sends it back; closing waits for the pass.
    Transition(Action.self_check, S.awaiting_verification, S.awaiting_verification, frozenset(Role),
               unit_self_check=True),
    Transition(Action.self_check, S.awaiting_verification, S.rectifying, frozenset(Role), unit_self_check=True),
    *(Transition(Action.regrade, state, state, OFFICER_ROLES, chief_for_major=True)
      for state in (S.confirmed, S.rectifying, S.awaiting_verification)),
    *MAJOR_TRANSITIONS,
)
