"""The standard list of violations (三违界定标准) admins keep, and the measures taken on each violation."""

import logging
from datetime import datetime

from sqlmodel import Session, col, select

from safety_service.clock import utc_now
from safety_service.counselling.models import ViolationItem, ViolationMeasure
from safety_service.counselling.states import MEASURE_CLOSERS, MeasureKind, ViolationKind
from safety_service.counselling.violation_schemas import (
    MeasureComplete,
    MeasureInput,
    MeasurePublic,
    ViolationItemCreate,
    ViolationItemPublic,
    ViolationItemUpdate,
)
from safety_service.database import saved_id
from safety_service.errors import AlreadyExists, InvalidInput, NotFound, PermissionDenied
from safety_service.people.models import Role, User

logger = logging.getLogger(__name__)


def list_items(session: Session, *, active_only: bool = False) -> list[ViolationItemPublic]:
    """The standard list, by kind then title."""
    query = select(ViolationItem).order_by(col(ViolationItem.kind), col(ViolationItem.id))
    if active_only:
        query = query.where(col(ViolationItem.active).is_(True))
    return [ViolationItemPublic.model_validate(i, from_attributes=True) for i in session.exec(query).all()]


def _require_admin(actor: User) -> None:
    if actor.role != Role.admin:
        raise PermissionDenied(f"role '{actor.role}' may not change the standard list of violations")


def _unique_title(session: Session, title: str, *, item_id: int | None = None) -> None:
    found = session.exec(select(ViolationItem.id).where(ViolationItem.title == title)).first()
    if found is not None and found != item_id:
        raise AlreadyExists(f"the standard list already has {title!r}", field="title")


def add_item(session: Session, *, data: ViolationItemCreate, actor: User) -> ViolationItem:
    """An admin adds an entry to the standard list."""
    _require_admin(actor)
    _unique_title(session, data.title)
    item = ViolationItem.model_validate(data)
    session.add(item)
    session.flush()
    logger.info("violation item added", extra={"item_id": item.id, "by": actor.username})
    return item


def update_item(session: Session, *, item_id: int, data: ViolationItemUpdate, actor: User) -> ViolationItem:
    """An admin changes an entry or takes it off the form; recorded violations keep what they were given."""
    _require_admin(actor)
    item = get_item(session, item_id=item_id, field="item_id")
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    if "title" in changes:
        _unique_title(session, changes["title"], item_id=item.id)
    for name, value in changes.items():
        setattr(item, name, value)
    session.add(item)
    session.flush()
    return item


def get_item(session: Session, *, item_id: int, field: str) -> ViolationItem:
    """The entry with this id, or NotFound naming the field."""
    item = session.get(ViolationItem, item_id)
    if item is None:
        raise NotFound(f"no entry {item_id} in the standard list", field=field)
    return item


def item_for(session: Session, *, item_id: int | None, kind: ViolationKind) -> ViolationItem | None:
    """The active entry a new violation names; its kind must be the violation's."""
    if item_id is None:
        return None
    item = session.get(ViolationItem, item_id)
    if item is None or not item.active:
        raise InvalidInput(f"no active entry {item_id} in the standard list", field="item_id")
    if item.kind != kind:
        raise InvalidInput(f"entry {item_id} is a '{item.kind}' violation, not '{kind}'", field="item_id")
    return item


def default_measures(item: ViolationItem | None) -> list[MeasureInput]:
    """The measures an entry of the standard list asks for (none without an entry)."""
    if item is None:
        return []
    wanted = ((MeasureKind.fine, item.fine_yuan), (MeasureKind.study_class, item.study_days),
              (MeasureKind.suspension, item.suspension_days))
    measures = [MeasureInput(kind=k, amount=a) for k, a in wanted if a > 0]
    return measures + ([MeasureInput(kind=MeasureKind.talk)] if item.talk else [])


def add_measures(session: Session, *, violation_id: int, measures: list[MeasureInput]) -> None:
    """The measures of a new violation, one of each kind at most."""
    kinds = [m.kind for m in measures]
    if len(set(kinds)) != len(kinds):
        raise InvalidInput("each kind of measure may be given once", field="measures")
    for measure in measures:
        session.add(ViolationMeasure(violation_id=violation_id, kind=measure.kind, amount=measure.amount))
    session.flush()


def measures_of(session: Session, violation_ids: list[int]) -> dict[int, list[MeasurePublic]]:
    """The measures of these violations, with who completed each."""
    found: dict[int, list[MeasurePublic]] = {i: [] for i in violation_ids}
    if not violation_ids:
        return found
    query = (select(ViolationMeasure, User.username).join(User, col(User.id) == ViolationMeasure.completed_by_id,
                                                            isouter=True)
             .where(col(ViolationMeasure.violation_id).in_(violation_ids)).order_by(col(ViolationMeasure.id)))
    for measure, username in session.exec(query).all():
        found[measure.violation_id].append(MeasurePublic(
            id=saved_id(measure), kind=measure.kind, amount=measure.amount, completed_at=measure.completed_at,
            completed_by=username, note=measure.note))
    return found


def complete_measure(session: Session, *, violation_id: int, measure_id: int, data: MeasureComplete, actor: User,
                     now: datetime | None = None) -> ViolationMeasure:
    """The safety office marks a measure done (the fine paid, the class attended, the talk held)."""
    if actor.role not in MEASURE_CLOSERS:
        raise PermissionDenied(f"role '{actor.role}' may not complete a violation's measures")
    measure = session.get(ViolationMeasure, measure_id)
    if measure is None or measure.violation_id != violation_id:
        raise NotFound(f"violation {violation_id} has no measure {measure_id}", field="measure_id")
    if measure.completed_at is not None:
        raise AlreadyExists(f"measure {measure_id} was completed already", field="measure_id")
    measure.completed_at, measure.completed_by_id, measure.note = now or utc_now(), actor.id, data.note
    session.add(measure)
    session.flush()
    logger.info("violation measure completed", extra={"measure_id": measure.id, "by": actor.username})
    return measure
