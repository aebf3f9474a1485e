"""Reading the register: one hazard with its history, and the figures of the late ones (the list is
``listing``; the conditions of who sees a hazard and of late ones are ``conditions``)."""

from datetime import datetime
from typing import Any

import sqlmodel
from sqlalchemy import bindparam, func, select
from sqlmodel import Session, col

from safety_service.clock import as_utc
from safety_service.database import table_of
from safety_service.errors import NotFound
from safety_service.hazards import attribution, conditions
from safety_service.hazards import overdue as overdue_rule
from safety_service.hazards import service as hazards_service
from safety_service.hazards import workflow as hazards_workflow
from safety_service.hazards.levels import HazardLevel
from safety_service.hazards.library import LibraryItem
from safety_service.hazards.models import Hazard
from safety_service.hazards.schemas import HazardEventPublic, HazardPublic, StepLimits
from safety_service.locations.models import Category, Location
from safety_service.people.models import OFFICER_ROLES, Role, User
from safety_service.units.models import OrgUnit

_HAZARD = table_of(Hazard)
H = _HAZARD.c


def late_counts(session: Session, *, now: datetime, limits: StepLimits, unit: str | None = None) -> dict[str, int]:
    """How many open hazards (about the unit, when one is given) are past each step's time limit (each counted once,
    at its own step)."""
    # The list's steps (their states written into the statement, so that the partial index of the fixes waiting
    # for verification serves it); a fix late at verification is counted there, not among the fixes past their
    # deadline, by subtraction, so that every count reads index entries only, never the hazards' rows.
    past_deadline, triage, verification = conditions.late_steps()
    cut = (attribution.about_read(session.connection(), unit),) if unit else ()
    params = conditions.late_params(now, limits)

    def count(*condition: Any) -> int:
        statement = select(func.count()).select_from(_HAZARD).where(*condition, *cut)
        return int(session.connection().execute(statement, params).scalar_one())

    late_fixes = count(past_deadline) - count(verification, H.deadline < bindparam("now"))
    return {"triage": count(triage), "rectification": late_fixes, "verification": count(verification)}


def get_visible(session: Session, *, ref: str, user: User) -> Hazard:
    """The hazard with this reference if this user may see it; NotFound otherwise."""
    query = sqlmodel.select(Hazard).where(col(Hazard.ref) == ref, conditions.visible(conditions.visibility(user.role)))
    hazard = session.exec(query, params=conditions.viewer_params(conditions.viewer(session, user))).first()
    if hazard is None:
        raise NotFound(f"no hazard {ref!r}", field="ref")
    return hazard


def detail(session: Session, *, hazard: Hazard, user: User, now: datetime) -> HazardPublic:
    """Everything about one hazard, with its history and what this user may do now."""
    names = _names(session, hazard)
    events = hazards_service.history(session, hazard=hazard)
    deadline = as_utc(hazard.deadline) if hazard.deadline else None
    return HazardPublic.model_validate(
        hazard,
        update={
            "allowed_actions": [str(a) for a in hazards_workflow.allowed_actions(hazard, user)],
            "allowed_outcomes": {str(a): to for a, to in hazards_workflow.allowed_outcomes(hazard, user).items()},
            "refusals": hazards_workflow.refusals(hazard, user),
            "category": names["category"], "location": names["location"].code,
            "location_name": names["location"].name_zh, "owner": names["owner"],
            "unit": names["unit"].code if names["unit"] else None, "level": names["level"],
            "unit_name": names["unit"].name_zh if names["unit"] else None,
            "verified_by": names["verified_by"], "duplicate_of": names["duplicate_of"],
            "library_item": names["library_item"],
            "anonymous": not hazard.reporter_name and not hazard.reporter_employee_no,  # a kiosk sends ""
            "overdue": overdue_rule.holds(is_open=hazard.is_open, deadline=deadline, now=now),
            "reporter_name": hazard.reporter_name if _sees_reporter(user) else None,
            "reporter_employee_no": hazard.reporter_employee_no if _sees_reporter(user) else None,
            "history": [HazardEventPublic.of(e, actor) for e, actor in events],
        },
    )


def _sees_reporter(user: User) -> bool:
    return user.role in OFFICER_ROLES or user.role == Role.admin


def _names(session: Session, hazard: Hazard) -> dict[str, Any]:
    def username(user_id: int | None) -> str | None:
        user = session.get(User, user_id) if user_id else None
        return user.username if user else None

    category = session.get(Category, hazard.category_id) if hazard.category_id else None
    original = session.get(Hazard, hazard.duplicate_of_id) if hazard.duplicate_of_id else None
    return {
        "location": session.get(Location, hazard.location_id),
        "category": category.code if category else None,
        "owner": username(hazard.owner_id),
        "unit": session.get(OrgUnit, hazard.unit_id) if hazard.unit_id else None,
        "level": level.code if (level := session.get(HazardLevel, hazard.level_id) if hazard.level_id else None)
        else None,
        "verified_by": username(hazard.verified_by_id),
        "duplicate_of": original.ref if original else None,
        "library_item": item.title if (item := session.get(LibraryItem, hazard.library_item_id)
                                       if hazard.library_item_id else None) else None,
    }

