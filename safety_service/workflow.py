"""One workflow engine for the two closed loops: the hazard (闭环管理) and the counselling case (亲情帮教).

A workflow is a table of edges: the action that takes an edge, its source and target states and the roles
that may take it, plus whatever conditions the workflow itself adds to its edges. The engine finds the edge
an action takes from a subject's state, refuses with the workflow's reason when the actor may not take it,
and is the only writer of a subject's state: it moves along one edge, stamps the time and appends the event
through the workflow's one event writer. What a workflow does on arrival (a hazard reopened is open again, a
closed case frees its worker) is the workflow's ``arrive``; what follows a move (notices, points) stays with
the caller, after the event is written.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Generic, Protocol, Self, TypeVar

from sqlmodel import SQLModel

from safety_service.errors import InvalidTransition, PermissionDenied
from safety_service.people.models import Role, User


class Edge(Protocol):
    """What the engine reads of an edge; a workflow's edge type adds its own conditions."""

    @property
    def action(self) -> StrEnum: ...

    @property
    def source(self) -> StrEnum: ...

    @property
    def target(self) -> StrEnum: ...

    @property
    def roles(self) -> frozenset[Role]: ...


class Subject(Protocol):
    """What the engine writes on the thing that moves: its state and when it last changed."""

    state: Any
    updated_at: datetime


E = TypeVar("E", bound=Edge)
S = TypeVar("S", bound=Subject)
Event = TypeVar("Event")
Event_co = TypeVar("Event_co", covariant=True)  # what a writer gives back
# Why the actor may not take this edge on this subject (a reason code), or None when they may.
Refusal = Callable[[Any, Any, User], str | None]


class EventWriter(Protocol[Event_co]):
    """A workflow's one writer of its event table."""

    def __call__(self, session: Any, subject: Any, /, *, action: str, actor: User | None, now: datetime,
                 from_state: str | None = None, to_state: str | None = None, note: str | None = None,
                 data: dict[str, Any] | None = None) -> Event_co: ...


def _no_refusal(subject: object, edge: object, actor: User) -> str | None:
    return None


@dataclass(frozen=True)
class Workflow(Generic[E, Event]):
    """A table of edges and what the engine needs to take them (see the module's docstring)."""

    noun: str  # what moves, in the engine's messages ("hazard", "case")
    edges: tuple[E, ...]
    write_event: EventWriter[Event]
    refusal: Refusal = _no_refusal
    refusal_messages: dict[str, str] | None = None
    arrive: Callable[[Any, E], None] | None = None
    # Edges nobody asks for (a counselling case's ``repeat`` follows a recorded violation).
    automatic: Callable[[E], bool] = lambda edge: False

    def may_act(self, role: Role, action: StrEnum) -> bool:
        """Whether this role may ever take this action (before looking at a subject)."""
        return any(role in edge.roles for edge in self.edges if edge.action == action)

    def edges_from(self, state: StrEnum | str) -> list[E]:
        """The edges that leave a state, in table order."""
        return [edge for edge in self.edges if edge.source == state]

    def actions_from(self, state: StrEnum | str) -> list[StrEnum]:
        """The actions anyone may ask for from a state, in table order, without repeats."""
        return list(dict.fromkeys(edge.action for edge in self.edges_from(state) if not self.automatic(edge)))

    def edge_for(self, subject: Subject, action: StrEnum, actor: User, *, target: StrEnum | None = None) -> E:
        """The edge this action takes from the subject's state (to ``target`` where the action has several),
        refused with PermissionDenied (the role, or the workflow's reason) or InvalidTransition."""
        if not self.may_act(actor.role, action):
            raise PermissionDenied(f"role '{actor.role}' may not {action} a {self.noun}")
        edge = next((edge for edge in self.edges_from(subject.state)
                     if edge.action == action and (target is None or edge.target == target)), None)
        if edge is None:
            raise InvalidTransition(f"a {self.noun} in state '{subject.state}' cannot take '{action}'",
                                    allowed=[str(a) for a in self.actions_from(subject.state)],
                                    state=str(subject.state))
        if (reason := self.refusal(subject, edge, actor)) is not None:
            message = (self.refusal_messages or {}).get(reason) if reason != "role" else None
            raise PermissionDenied(message or f"role '{actor.role}' may not {action}", reason=reason)
        return edge

    def outcomes(self, subject: Subject, actor: User) -> dict[StrEnum, list[StrEnum]]:
        """The states each action this actor may take now leads to."""
        found: dict[StrEnum, list[StrEnum]] = {}
        for edge in self.edges_from(subject.state):
            if not self.automatic(edge) and self.refusal(subject, edge, actor) is None:
                found.setdefault(edge.action, []).append(edge.target)
        return found

    def move(self, session: Any, subject: S, edge: E, *, actor: User | None, now: datetime,
             note: str | None = None, data: dict[str, Any] | None = None) -> Event:
        """The only writer of ``state``: move along one edge, stamp the time, append the event."""
        source = subject.state
        subject.state = edge.target
        subject.updated_at = now
        if self.arrive is not None:
            self.arrive(subject, edge)
        session.add(subject)
        return self.write_event(session, subject, action=str(edge.action), actor=actor, now=now,
                                from_state=str(source), to_state=str(edge.target), note=note, data=data)


class EventPublic(SQLModel):
    """One entry of a subject's history as the API shows it (a hazard's and a case's alike)."""

    at: datetime
    action: str
    from_state: str | None
    to_state: str | None
    actor: str | None
    note: str | None
    data: dict[str, Any] | None

    @classmethod
    def of(cls, event: Any, actor: User | None) -> Self:
        """The public shape of a stored event and the account that took it (None: the service itself)."""
        return cls(at=event.at, action=event.action, from_state=event.from_state, to_state=event.to_state,
                   actor=actor.username if actor else None, note=event.note, data=event.data)
