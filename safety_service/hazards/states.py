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


S = HazardState
TRANSITIONS: tuple[Transition, ...] = (
    Transition(Action.confirm, S.reported, S.confirmed, OFFICER_ROLES),
    Transition(Action.reject, S.reported, S.rejected, OFFICER_ROLES),
    Transition(Action.assign, S.confirmed, S.rectifying, OFFICER_ROLES),
    Transition(
        Action.rectified, S.rectifying, S.awaiting_verification, frozenset(Role), assigned_owner_only=True
    ),
    Transition(
        Action.verify, S.awaiting_verification, S.closed, OFFICER_ROLES,
        never_assigned_owner=True, chief_for_major=True,
    ),
    Transition(Action.verify, S.awaiting_verification, S.rectifying, OFFICER_ROLES, never_assigned_owner=True),
)


def find_transition(source: HazardState, target: HazardState) -> Transition | None:
    """The edge from one state to another, if the workflow has it."""
    return next((t for t in TRANSITIONS if t.source == source and t.target == target), None)


def actions_from(state: HazardState) -> list[Action]:
    """The actions the workflow allows from a state, in table order, without repeats."""
    return list(dict.fromkeys(t.action for t in TRANSITIONS if t.source == state))
