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


class SessionKind(StrEnum):
    talk = "talk"
    family_visit = "family_visit"
    family_letter = "family_letter"
    family_meeting = "family_meeting"
    study_class = "study_class"


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
MANUAL_ACTIONS = tuple(t.action for t in TRANSITIONS if not t.automatic)


def find_transition(action: Action, source: CaseState) -> Transition | None:
    """The edge this action takes from this state, if the workflow has one."""
    return next((t for t in TRANSITIONS if t.action == action and t.source == source), None)


def actions_from(state: CaseState) -> list[Action]:
    """The manual actions the workflow allows from a state."""
    return [t.action for t in TRANSITIONS if t.source == state and not t.automatic]
