"""The conditions the register's reads share: which hazards a reader may see (``visible``, by the role's
``Visibility``) and which are past a step's time limit (``late_steps``), and the late step of a hazard in hand
(``late``).

The conditions are bound to parameters (``viewer_params``, ``late_params``) so that statements built once carry
them: the hazard list (``list_statements``), one hazard's detail and the late figures (``queries``) read the same
hazards as visible and as late. The few-valued parameters are written into the statement's text (``literal``).
"""

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlmodel
from sqlalchemy import ColumnElement, Integer, String, and_, bindparam, false, or_, true
from sqlalchemy.sql.elements import BindParameter
from sqlmodel import Session, col

from safety_service.database import known, table_of
from safety_service.hazards import overdue as overdue_rule
from safety_service.hazards.models import Hazard
from safety_service.hazards.schemas import StepLimits
from safety_service.hazards.states import HazardState
from safety_service.people.models import STAFF_ROLES, Person, Role, User, Viewer
from safety_service.units import service as units_service
from safety_service.units.models import OrgUnit

H = table_of(Hazard).c


class Visibility(StrEnum):
    """Which part of the register a role may read."""

    all = "all"
    owned_or_own = "owned_or_own"  # an owner: what they own or reported, and what their unit answers for
    own = "own"  # a miner or supervisor: their own reports
    none = "none"


def visibility(role: Role) -> Visibility:
    """The part of the register this role may read."""
    if role in STAFF_ROLES:
        return Visibility.all
    if role == Role.owner:
        return Visibility.owned_or_own
    return Visibility.own if role in {Role.miner, Role.supervisor} else Visibility.none


def viewer(session: Session, user: User) -> Viewer:
    """The account as a reader of the register (its person's employee number read only when it matters)."""
    person = session.get(Person, user.person_id) if user.person_id and visibility(user.role) != "all" else None
    return Viewer(known(user.id), user.role, person.employee_no if person else None)


# The units an owner leads (区队长/科长) and those under them, whose hazards the owner also sees.
LED_UNITS = units_service.reach(sqlmodel.select(OrgUnit.id).where(col(OrgUnit.leader_id) == bindparam("viewer_id")))


def visible(seen: Visibility, *, led: bool | None = None) -> ColumnElement[bool]:
    """The condition a hazard this part of the register holds meets (bound to ``viewer_params``).

    An owner also sees what is assigned to the units they lead (``LED_UNITS``): read inside the condition by
    default; with ``led`` the caller has read them, and names them in ``viewer_units`` (``led``) or leads none
    (not ``led``). The list reads them first: under the OR a sub-select is run by PostgreSQL as a SubPlan
    against every hazard of the table (about 200 ms on a million), where a list of units lets it read the
    three arms from their indexes and combine them (BitmapOr)."""
    if seen == Visibility.all:
        return true()
    own = H.reporter_employee_no == bindparam("viewer_employee_no")
    if seen == Visibility.own:
        return own
    if seen == Visibility.none:
        return false()
    owned = H.owner_id == bindparam("viewer_id")
    if led is None:
        return or_(owned, own, H.unit_id.in_(LED_UNITS))
    if led:
        return or_(owned, own, H.unit_id.in_(literal("viewer_units", expanding=True, type_=Integer)))
    return or_(owned, own)


def viewer_params(reader: Viewer) -> dict[str, Any]:
    """The reader's values the visibility conditions are bound to."""
    if visibility(reader.role) in (Visibility.all, Visibility.none):
        return {}
    # No person, no own reports: a NULL employee number matches no row.
    return {"viewer_id": reader.user_id, "viewer_employee_no": reader.employee_no}


def literal(name: str, **kwargs: Any) -> BindParameter[Any]:
    """A parameter written into the statement's text when it runs (``literal_execute``).

    For the few-valued ones (a state, open or not, a grade, a channel, the page's limits): given as
    parameters, PostgreSQL cannot tell a plan for them apart from one for any other value, so it
    plans the list afresh on every execution (costing more than running it); with them
    in the text, a prepared statement keeps a generic plan where that is as good as a fresh one.
    """
    return bindparam(name, literal_execute=True, **kwargs)


def late_steps() -> tuple[ColumnElement[bool], ...]:
    """Past a step's time limit, step by step: a fix past its deadline, a report not triaged in time, a fix not
    verified in time (each served by its own index: open and deadline, state and reported, the fixes waiting for
    verification)."""
    return (
        overdue_rule.condition(bindparam("now")),
        and_(H.state == literal("triage_state", value=str(HazardState.reported), type_=String),
             H.reported_at < bindparam("triage_due")),
        and_(H.state == literal("verification_state", value=str(HazardState.awaiting_verification), type_=String),
             H.rectified_at < bindparam("verification_due")),
    )


def late_params(now: datetime, limits: StepLimits) -> dict[str, datetime]:
    """The values ``late_steps`` are bound to."""
    return {"now": now, "triage_due": now - limits.triage, "verification_due": now - limits.verification}


def late_at_any_step() -> ColumnElement[bool]:
    """Past a step's time limit, at any step."""
    return or_(*late_steps())


def late(state: str, *, reported_at: datetime, deadline: datetime | None, rectified_at: datetime | None,
         now: datetime, limits: StepLimits) -> tuple[str | None, datetime | None]:
    """The step of an open hazard past its time limit, and since when; (None, None) when none is."""
    if state == HazardState.reported and reported_at + limits.triage < now:
        return "triage", reported_at + limits.triage
    if state == HazardState.awaiting_verification and rectified_at and rectified_at + limits.verification < now:
        return "verification", rectified_at + limits.verification
    if deadline is not None and deadline < now:
        return "rectification", deadline
    return None, None
