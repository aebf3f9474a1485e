"""The counselling case workflow (亲情帮教): states, and the table of who may move what.

| action  | from        | to          | who                    | requires |
|---------|-------------|-------------|------------------------|----------|
| plan    | opened      | planned     | counsellor, admin      | plan text; at least one family contact of the worker |
| begin   | planned     | counselling | counsellor, admin      | the signed family agreement (家庭安全帮教责任书) recorded |
| observe | counselling | observation | counsellor, admin      | at least one session since the case (re-)entered counselling |
| close   | observation | closed      | counsellor, admin      | review note; the probation has ended (an admin may close early) |
| repeat  | observation | counselling | whoever records the violation | a new violation of the same worker; the level rises |

``repeat`` is never asked for: recording a violation takes it.
"""

from dataclasses import dataclass
from enum import StrEnum

from safety_service.people.models import Role


class CaseState(StrEnum):
    opened = "opened"
    planned = "planned"
    counselling = "counselling"
    observation = "observation"
    closed = "closed"


class ViolationKind(StrEnum):
    """三违: 违章指挥, 违章作业, 违反劳动纪律."""

    illegal_command = "illegal_command"
    illegal_operation = "illegal_operation"
    labour_discipline = "labour_discipline"


class ViolationSeverity(StrEnum):
    """How mines grade a violation: 一般三违, 严重三违, and 不规范行为 (short of a violation)."""

    general = "general"
    serious = "serious"
    irregular = "irregular"


class MeasureKind(StrEnum):
    """What a mine does about one violation: a fine (罚款), study class days (学习班), a talk (谈话), suspension (停工)."""

    fine = "fine"
    study_class = "study_class"
    talk = "talk"
    suspension = "suspension"


# The mine's help-education ladder: the level of a case names the highest step it has reached.
LADDER = ("team_talk", "unit", "union", "family")


def ladder_steps(level: int) -> list[str]:
    """The steps a case of this level goes through (班组谈话 → 区队 → 工会 → 亲情帮教)."""
    return list(LADDER[:max(1, min(level, len(LADDER)))])


class MentorRole(StrEnum):
    """Who the mentor of 一帮一 is in the worker's own unit: 班组长, 师傅 (master worker), 党员."""

    team_leader = "team_leader"
    master_worker = "master_worker"
    party_member = "party_member"


class SessionKind(StrEnum):
    talk = "talk"
    family_visit = "family_visit"
    family_letter = "family_letter"
    family_meeting = "family_meeting"
    study_class = "study_class"


class FamilyVisitKind(StrEnum):
    """What a family co-supervisor records: a family visit (家访) or a talk (谈心)."""

    visit = "visit"
    talk = "talk"


class MessageState(StrEnum):
    """A family message (亲情寄语): waiting for a counsellor, on the kiosks, or withdrawn."""

    pending = "pending"
    shown = "shown"
    withdrawn = "withdrawn"


class Relation(StrEnum):
    spouse = "spouse"
    parent = "parent"
    child = "child"
    sibling = "sibling"
    other = "other"


class Action(StrEnum):
    """The API's name for each transition (``POST /cases/{id}/{action}``); ``repeat`` is automatic."""

    plan = "plan"
    begin = "begin"
    observe = "observe"
    close = "close"
    repeat = "repeat"


CASE_ROLES = frozenset({Role.counsellor, Role.admin})
VIOLATION_RECORDERS = frozenset({Role.supervisor, Role.officer, Role.chief, Role.admin})
VIOLATION_READERS = frozenset({Role.officer, Role.chief, Role.admin, Role.counsellor})
# Who settles a violation's measures (a fine paid, a study class attended): the safety office, not the recorder.
MEASURE_CLOSERS = frozenset({Role.officer, Role.chief, Role.admin})
# A violation within this many days of the worker's previous one is a repeat (重复三违).
REPEAT_WINDOW_DAYS = 180
# The highest level a list may be filtered by (a level counts a worker's repeat violations).
MAX_LEVEL = 99


@dataclass(frozen=True)
class Transition:
    """One edge of the case workflow: the action that takes it and the roles that may."""

    action: Action
    source: CaseState
    target: CaseState
    roles: frozenset[Role]
    automatic: bool = False


S = CaseState
TRANSITIONS: tuple[Transition, ...] = (
    Transition(Action.plan, S.opened, S.planned, CASE_ROLES),
    Transition(Action.begin, S.planned, S.counselling, CASE_ROLES),
    Transition(Action.observe, S.counselling, S.observation, CASE_ROLES),
    Transition(Action.close, S.observation, S.closed, CASE_ROLES),
    Transition(Action.repeat, S.observation, S.counselling, VIOLATION_RECORDERS, automatic=True),
)
