"""The hazard workflow actions (reports come in through ``hazards.intake``).

Each action takes its edge with ``hazards.workflow.move``, the only writer of ``Hazard.state``: it stamps the
time and appends the event; the caller's boundary commits once.
"""

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from safety_service.clock import utc_now
from safety_service.errors import DomainError, InvalidInput, NotFound
from safety_service.hazards import criteria, intake, levels, library
from safety_service.hazards.models import Hazard, HazardEvent
from safety_service.hazards.schemas import (
    HazardAssign,
    HazardConfirm,
    HazardExtensionDecision,
    HazardExtensionRequest,
    HazardReassign,
    HazardRectified,
    HazardRegrade,
    HazardReject,
    HazardReopen,
    HazardSelfCheck,
    HazardVerify,
)
from safety_service.hazards.states import Action, Grade, HazardState
from safety_service.hazards.workflow import move, transition_for
from safety_service.locations import service as locations_service
from safety_service.people import service as people_service
from safety_service.people.models import OFFICER_ROLES, Role, User
from safety_service.units import service as units_service
from safety_service.units.models import OrgUnit
from safety_service.validation import broken_rules


def get_hazard(session: Session, *, ref: str) -> Hazard:
    """The hazard with this reference, or NotFound."""
    hazard = session.exec(select(Hazard).where(Hazard.ref == ref)).first()
    if hazard is None:
        raise NotFound(f"no hazard {ref!r}", field="ref")
    return hazard


def get_by_tracking_code(session: Session, *, code: str) -> Hazard:
    """The hazard a reporter's tracking code names, or NotFound."""
    normalized = intake.normalize_tracking_code(code)
    hazard = session.exec(select(Hazard).where(Hazard.tracking_code == normalized)).first()
    if hazard is None:
        raise NotFound("no report with this tracking code", field="tracking_code")
    return hazard


def confirm(session: Session, *, hazard: Hazard, data: HazardConfirm, actor: User,
            now: datetime | None = None) -> HazardEvent:
    """Confirm a report with its grade and category (major hazards go under the chief's supervision)."""
    transition = transition_for(hazard, Action.confirm, actor)
    category = locations_service.get_category(session, code=data.category_code, field="category_code")
    item = library.item_for(session, item_id=data.library_item, category=category)
    situation = criteria.criterion_for(session, criterion_id=data.major_criterion, major=data.grade == Grade.major)
    level = levels.level_for(session, code=data.level or _item_level(session, item, data.grade), grade=data.grade)
    now = now or utc_now()
    hazard.grade, hazard.category_id, hazard.confirmed_at = data.grade, category.id, now
    hazard.major_criterion_id = situation.id if situation else None
    hazard.level_id = level.id if level else None
    hazard.library_item_id = item.id if item else None
    hazard.report_type = data.report_type or (item.report_type if item else None) or hazard.report_type
    return move(session, hazard, transition, actor=actor, now=now, note=data.note,
                 data={"grade": str(data.grade), "category": category.code, "level": level.code if level else None,
                       "library_item": hazard.library_item_id, "report_type": hazard.report_type,
                       **_situation(situation)})


def _situation(situation: criteria.MajorCriterion | None) -> dict[str, Any]:
    """The event's record of the standard's situation a major grading names."""
    if situation is None:
        return {}
    return {"major_criterion": situation.code, "major_reference": criteria.reference(situation.article,
                                                                                     situation.item_no)}


def _item_level(session: Session, item: library.LibraryItem | None, grade: Grade) -> str | None:
    """The level code the library item gives a general hazard (the officer's grade decides)."""
    if item is None or item.level_id is None or grade == Grade.major:
        return None
    level = session.get(levels.HazardLevel, item.level_id)
    return level.code if level else None


def reject(session: Session, *, hazard: Hazard, data: HazardReject, actor: User,
           now: datetime | None = None) -> HazardEvent:
    """Reject a report with a reason, naming the original when it is a duplicate."""
    transition = transition_for(hazard, Action.reject, actor)
    original = _duplicate_target(session, hazard, data.duplicate_of) if data.duplicate_of else None
    now = now or utc_now()
    hazard.rejection_reason, hazard.closed_at = data.reason, now
    hazard.duplicate_of_id = original.id if original else None
    return move(session, hazard, transition, actor=actor, now=now, note=data.reason,
                 data={"duplicate_of": original.ref} if original else None)


def input_problems(session: Session, *, hazard: Hazard, action: Action, values: dict[str, Any],
                   now: datetime) -> list[DomainError]:
    """Every rule of this action's input that the given values break (each value checked alone, whatever
    the others are), so a form can name all its errors at once; the action checks them again itself."""
    checks: dict[str, Callable[[Any], object]] = {
        "owner": lambda username: _rectification_owner(session, username),
        "deadline": lambda deadline: _future(deadline, now, "deadline"),
        "new_deadline": lambda deadline: _future(deadline, now, "new_deadline"),
        "duplicate_of": lambda ref: _duplicate_target(session, hazard, ref),
    }
    problems = broken_rules({field: checks[field] for field in _INPUT_RULES.get(action, ())}, values)
    if action in (Action.confirm, Action.regrade) and values.get("grade") in (Grade.major, Grade.general):
        problems += _criterion_problems(session, values)
    return problems


def _criterion_problems(session: Session, values: dict[str, Any]) -> list[InvalidInput]:
    """A major grading without a situation of the standard, or a general one with one (blank is none)."""
    raw = str(values.get("major_criterion") or "")
    wanted = (int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else 0) if raw else None
    try:
        criteria.criterion_for(session, criterion_id=wanted, major=values["grade"] == Grade.major)
    except InvalidInput as exc:
        return [exc]
    return []


_INPUT_RULES = {Action.confirm: (), Action.reject: ("duplicate_of",), Action.assign: ("owner", "deadline"),
                Action.rectified: (), Action.verify: ("new_deadline",)}


def _future(moment: datetime, now: datetime, field: str) -> None:
    if moment <= now:
        raise InvalidInput(f"the {field.replace('_', ' ')} must be in the future", field=field)


def _duplicate_target(session: Session, hazard: Hazard, ref: str) -> Hazard:
    original = session.exec(select(Hazard).where(Hazard.ref == ref)).first()
    if original is None:
        raise InvalidInput(f"no hazard {ref!r} to be a duplicate of", field="duplicate_of")
    if original.id == hazard.id:
        raise InvalidInput("a hazard cannot be a duplicate of itself", field="duplicate_of")
    return original


def assign(session: Session, *, hazard: Hazard, data: HazardAssign, actor: User,
           now: datetime | None = None) -> HazardEvent:
    """Start rectification with the five fixes: owner, measures, funds, deadline, contingency plan."""
    transition = transition_for(hazard, Action.assign, actor)
    now = now or utc_now()
    owner = _rectification_owner(session, data.owner)
    unit = _responsible_unit(session, data.unit, owner)
    deadline = data.deadline or _default_deadline(session, hazard, now)
    _future(deadline, now, "deadline")
    hazard.owner_id, hazard.assigned_by_id = owner.id, actor.id
    hazard.unit_id = unit.id if unit else None
    hazard.measures, hazard.funds, hazard.contingency_plan = data.measures, data.funds, data.contingency_plan
    hazard.deadline = deadline
    return move(session, hazard, transition, actor=actor, now=now,
                 data={"owner": owner.username, "unit": unit.code if unit else None,
                       "deadline": deadline.isoformat(), "funds": str(data.funds)})


def _rectification_owner(session: Session, username: str) -> User:
    owner = people_service.get_user(session, username=username)
    if owner is None or not owner.is_active:
        raise InvalidInput(f"no active account {username!r}", field="owner")
    if owner.role not in {Role.owner, *OFFICER_ROLES}:
        raise InvalidInput(f"{username!r} (role {owner.role}) cannot own a rectification", field="owner")
    return owner


def _default_deadline(session: Session, hazard: Hazard, now: datetime) -> datetime:
    """Now plus the matched library item's fix days, else the level's (the level's default time limit)."""
    item = session.get(library.LibraryItem, hazard.library_item_id) if hazard.library_item_id else None
    if item is not None:
        return now + timedelta(days=item.fix_days)
    level = session.get(levels.HazardLevel, hazard.level_id) if hazard.level_id else None
    if level is None:
        raise InvalidInput("a deadline is needed for a hazard without a level", field="deadline")
    return now + timedelta(days=level.fix_days)


def _responsible_unit(session: Session, code: str | None, owner: User) -> OrgUnit | None:
    """The unit named in the five fixes (the owner must be in it or lead it), else the owner's own."""
    if code is None:
        return units_service.unit_of_person(session, person_id=owner.person_id)
    unit = units_service.require_active(units_service.get_unit(session, code=code, field="unit"))
    own = units_service.unit_of_person(session, person_id=owner.person_id)
    if unit.leader_id != owner.id and not units_service.within(session, unit=unit, other_id=own.id if own else None):
        raise InvalidInput(f"{owner.username!r} is not a member of unit {code!r}", field="owner")
    return unit


def mark_rectified(session: Session, *, hazard: Hazard, data: HazardRectified, actor: User,
                   now: datetime | None = None) -> HazardEvent:
    """The owner submits the fix with evidence; it now waits for verification."""
    transition = transition_for(hazard, Action.rectified, actor)
    now = now or utc_now()
    hazard.rectification_note, hazard.rectified_at = data.note, now
    return move(session, hazard, transition, actor=actor, now=now, note=data.note)


def verify(session: Session, *, hazard: Hazard, data: HazardVerify, actor: User,
           now: datetime | None = None) -> HazardEvent:
    """Verify the fix (验收): passed closes the hazard, failed sends it back to rectification."""
    target = HazardState.closed if data.passed else HazardState.rectifying
    transition = transition_for(hazard, Action.verify, actor, target=target)
    now = now or utc_now()
    if data.new_deadline is not None:
        _future(data.new_deadline, now, "new_deadline")
    hazard.verification_note, hazard.verified_by_id = data.note, actor.id
    if data.passed:
        hazard.closed_at = now
    elif data.new_deadline is not None:
        hazard.deadline, hazard.overdue_since, hazard.escalation_level = data.new_deadline, None, 0
        hazard.warned_at = None  # the new deadline is warned of in its turn
    extra: dict[str, bool | str] = {"passed": data.passed}
    if data.new_deadline is not None:
        extra["new_deadline"] = data.new_deadline.isoformat()
    return move(session, hazard, transition, actor=actor, now=now, note=data.note, data=extra)


def self_check(session: Session, *, hazard: Hazard, data: HazardSelfCheck, actor: User,
               now: datetime | None = None) -> HazardEvent:
    """The responsible unit's leader records its self-check (自检): passed, the fix waits for the safety
    department's verification; failed, it goes back to rectification."""
    target = HazardState.awaiting_verification if data.passed else HazardState.rectifying
    transition = transition_for(hazard, Action.self_check, actor, target=target)
    now = now or utc_now()
    if data.passed:
        hazard.self_checked_at = now
    return move(session, hazard, transition, actor=actor, now=now, note=data.note, data={"passed": data.passed})


def request_extension(session: Session, *, hazard: Hazard, data: HazardExtensionRequest, actor: User,
                      now: datetime | None = None) -> HazardEvent:
    """The owner asks for a later deadline with a reason (延期申请); the deadline holds until it is decided."""
    transition = transition_for(hazard, Action.request_extension, actor)
    now = now or utc_now()
    if data.new_deadline <= max(now, hazard.deadline or now):
        raise InvalidInput("the new deadline must be later than the current one", field="new_deadline")
    hazard.extension_until, hazard.extension_reason = data.new_deadline, data.reason
    return move(session, hazard, transition, actor=actor, now=now, note=data.reason,
                 data={"new_deadline": data.new_deadline.isoformat()})


def decide_extension(session: Session, *, hazard: Hazard, data: HazardExtensionDecision, actor: User,
                     now: datetime | None = None) -> HazardEvent:
    """Approve (the deadline moves, the escalation ladder starts again) or refuse a waiting extension request."""
    transition = transition_for(hazard, Action.decide_extension, actor)
    now = now or utc_now()
    requested = hazard.extension_until
    if data.approved:
        hazard.deadline, hazard.overdue_since, hazard.escalation_level = requested, None, 0
    hazard.extension_until, hazard.extension_reason = None, None
    return move(session, hazard, transition, actor=actor, now=now, note=data.note,
                 data={"approved": data.approved, "new_deadline": requested.isoformat() if requested else None})


def reassign(session: Session, *, hazard: Hazard, data: HazardReassign, actor: User,
             now: datetime | None = None) -> HazardEvent:
    """Give a fix under way to another responsible unit or person, with the reason."""
    transition = transition_for(hazard, Action.reassign, actor)
    owner = _rectification_owner(session, data.owner)
    unit = _responsible_unit(session, data.unit, owner)
    previous = {"owner": people_service.get_user_by_id(session, user_id=hazard.owner_id).username
                if hazard.owner_id else None, "unit": hazard.unit_id}
    hazard.owner_id, hazard.unit_id = owner.id, unit.id if unit else None
    hazard.extension_until, hazard.extension_reason = None, None  # a new owner asks afresh
    return move(session, hazard, transition, actor=actor, now=now or utc_now(), note=data.reason,
                 data={"owner": owner.username, "unit": unit.code if unit else None,
                       "previous_owner": previous["owner"]})


def reopen(session: Session, *, hazard: Hazard, data: HazardReopen, actor: User,
           now: datetime | None = None) -> HazardEvent:
    """A closed hazard found failing at a later check (复查不合格) goes back to its owner with a new deadline."""
    transition = transition_for(hazard, Action.reopen, actor)
    now = now or utc_now()
    if data.deadline <= now:
        raise InvalidInput("the deadline must be in the future", field="deadline")
    hazard.closed_at, hazard.deadline, hazard.overdue_since, hazard.escalation_level = None, data.deadline, None, 0
    return move(session, hazard, transition, actor=actor, now=now, note=data.reason,
                 data={"deadline": data.deadline.isoformat()})


def regrade(session: Session, *, hazard: Hazard, data: HazardRegrade, actor: User,
            now: datetime | None = None) -> HazardEvent:
    """Change a confirmed hazard's grade, category or level with a reason; what it was stays in the event."""
    transition = transition_for(hazard, Action.regrade, actor)
    category = locations_service.get_category(session, code=data.category_code, field="category_code")
    level = levels.level_for(session, code=data.level, grade=data.grade)
    situation = criteria.criterion_for(session, criterion_id=data.major_criterion, major=data.grade == Grade.major)
    previous = {"previous_grade": str(hazard.grade) if hazard.grade else None,
                "previous_category_id": hazard.category_id, "previous_level_id": hazard.level_id,
                "previous_major_criterion_id": hazard.major_criterion_id}
    hazard.grade, hazard.category_id, hazard.level_id = data.grade, category.id, level.id if level else None
    hazard.major_criterion_id = situation.id if situation else None
    return move(session, hazard, transition, actor=actor, now=now or utc_now(), note=data.reason,
                 data={"grade": str(data.grade), "category": category.code,
                       "level": level.code if level else None, **_situation(situation), **previous})


def history(session: Session, *, hazard: Hazard) -> list[tuple[HazardEvent, User | None]]:
    """The hazard's events, oldest first, with who did each."""
    query = (
        select(HazardEvent, User).join(User, isouter=True)
        .where(HazardEvent.hazard_id == hazard.id).order_by(col(HazardEvent.id))
    )
    return list(session.exec(query).all())
