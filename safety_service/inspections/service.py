"""Inspection plans, the schedule of due rounds, and the one mutator of a round: ``record_round``.

A round is recorded once (its client id makes a resend harmless); each checklist item not OK
becomes a hazard through the one intake path (channel ``inspection``) naming the risk point and
the failed control, so a round that found nothing is a record too.
"""

import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from safety_service.clock import as_utc
from safety_service.database import known, saved_id
from safety_service.errors import AlreadyExists, InvalidInput, InvalidTransition, NotFound, PermissionDenied
from safety_service.hazards import intake as hazards_intake
from safety_service.hazards.schemas import HazardReport
from safety_service.hazards.states import Channel
from safety_service.inspections import ladder
from safety_service.inspections.models import InspectionPlan, InspectionRound, PlanPoint, RoundItem
from safety_service.inspections.schemas import ChecklistItem, ItemCheck, PlanCreate, RoundRecord
from safety_service.inspections.states import RoundState, window
from safety_service.locations.models import Location
from safety_service.people import service as people_service
from safety_service.people.models import Person, Role, User
from safety_service.photos import service as photos_service
from safety_service.photos.processing import ProcessedPhoto
from safety_service.risks import service as risks_service
from safety_service.risks.models import Control, Risk, RiskPoint, RiskPointLocation

logger = logging.getLogger(__name__)
INSPECTOR_ROLES = frozenset({Role.supervisor, Role.owner, Role.officer, Role.chief})
# How far back the schedule fills windows it has not seen (the service was down).
CATCH_UP = timedelta(days=31)


def add_plan(session: Session, *, data: PlanCreate, actor: User) -> InspectionPlan:
    """A plan over risk points; its inspector must hold a role that inspects."""
    inspector = people_service.get_user(session, username=data.inspector)
    if inspector is None or not inspector.is_active:
        raise InvalidInput(f"no active account {data.inspector!r}", field="inspector")
    if inspector.role not in INSPECTOR_ROLES:
        raise InvalidInput(f"role {inspector.role!r} does not inspect", field="inspector")
    points = [risks_service.get_risk_point(session, code=code, field="risk_point_codes")
              for code in dict.fromkeys(data.risk_point_codes)]
    plan = InspectionPlan(name=data.name, inspector_id=saved_id(inspector), post=data.post,
                          leader_round=data.leader_round, frequency=data.frequency, starts_on=data.starts_on,
                          created_by_id=actor.id)
    session.add(plan)
    session.flush()
    session.add_all([PlanPoint(plan_id=saved_id(plan), risk_point_id=saved_id(point)) for point in points])
    session.flush()
    logger.info("inspection plan added", extra={"plan": plan.id, "frequency": str(plan.frequency)})
    return plan


def get_plan(session: Session, *, plan_id: int) -> InspectionPlan:
    plan = session.get(InspectionPlan, plan_id)
    if plan is None:
        raise NotFound(f"no inspection plan {plan_id}", field="plan_id")
    return plan


def end_plan(session: Session, *, plan: InspectionPlan) -> InspectionPlan:
    """Stop a plan: no further rounds are made; those made stay."""
    plan.active = False
    session.add(plan)
    session.flush()
    return plan


def schedule(session: Session, *, now: datetime, timezone: str, hours: ladder.Hours | None = None) -> int:
    """Make the due rounds of every active plan up to now, mark the rounds whose window passed missed and
    take the steps now due of their ladder."""
    made = 0
    for plan in session.exec(select(InspectionPlan).where(col(InspectionPlan.active))).all():
        points = session.exec(select(PlanPoint.risk_point_id).where(PlanPoint.plan_id == plan.id)).all()
        for start, end in _windows(plan, now, timezone):
            made += _make_rounds(session, plan, list(points), start, end)
    missed = _mark_missed(session, now=now)
    return made + missed + ladder.escalate(session, now=now, hours=hours or ladder.Hours())


def _windows(plan: InspectionPlan, now: datetime, timezone: str) -> list[tuple[datetime, datetime]]:
    begin = datetime(plan.starts_on.year, plan.starts_on.month, plan.starts_on.day, tzinfo=ZoneInfo(timezone))
    at, found = max(begin, now - CATCH_UP), []
    while at <= now:
        start, end = window(plan.frequency, at, timezone)
        found.append((start, end))
        at = end
    return found


def _make_rounds(session: Session, plan: InspectionPlan, points: list[int], start: datetime, end: datetime) -> int:
    existing = set(session.exec(select(InspectionRound.risk_point_id).where(
        InspectionRound.plan_id == plan.id, InspectionRound.window_start == start)).all())
    new = [InspectionRound(plan_id=saved_id(plan), risk_point_id=point, inspector_id=plan.inspector_id,
                           window_start=start, window_end=end) for point in points if point not in existing]
    session.add_all(new)
    session.flush()
    return len(new)


def _mark_missed(session: Session, *, now: datetime) -> int:
    late = session.exec(select(InspectionRound).where(InspectionRound.state == RoundState.due,
                                                       col(InspectionRound.window_end) <= now)).all()
    for one in late:
        one.state, one.missed_at = RoundState.missed, now
        session.add(one)
    session.flush()
    return len(late)


def get_round(session: Session, *, round_id: int) -> InspectionRound:
    found = session.get(InspectionRound, round_id)
    if found is None:
        raise NotFound(f"no inspection round {round_id}", field="round_id")
    return found


def checklist(session: Session, *, risk_point_id: int) -> list[ChecklistItem]:
    """The checklist (检查表) of a risk point: each control of each of its risks."""
    query = (select(Control, Risk.hazard_source).join(Risk, col(Control.risk_id) == Risk.id)
             .where(Risk.risk_point_id == risk_point_id).order_by(col(Risk.id), col(Control.id)))
    return [ChecklistItem(control_id=saved_id(c), kind=c.kind, measure=c.measure, unit=c.unit, person=c.person,
                          hazard_source=source) for c, source in session.exec(query).all()]


def record_round(session: Session, *, inspection: InspectionRound, data: RoundRecord, actor: User, now: datetime,
                 timezone: str, photos: dict[int, ProcessedPhoto] | None = None) -> InspectionRound:
    """Record a round done in its window: every checklist item OK or not; a not-OK item becomes a hazard,
    carrying the photo taken of it (``photos`` by control id)."""
    if inspection.client_round_id == data.client_round_id:
        return inspection  # the phone sent it again
    other = session.exec(select(InspectionRound.id).where(InspectionRound.client_round_id == data.client_round_id)).first()
    if other is not None:
        raise AlreadyExists("another round was recorded with this client_round_id", field="client_round_id")
    checked_at = as_utc(data.checked_at) if data.checked_at else now
    _check_may_record(inspection, actor=actor, checked_at=checked_at, now=now)
    items = _check_items(session, inspection, data)
    photos = photos or {}
    if set(photos) - {item.control_id for item in items if not item.ok}:
        raise InvalidInput("a photo goes with a checklist item that is not OK", field="photos")
    location = _where(session, inspection, data.location_code)
    inspection.state, inspection.done_by_id, inspection.location_id = RoundState.done, actor.id, location.id
    inspection.client_round_id, inspection.checked_at, inspection.recorded_at = data.client_round_id, checked_at, now
    inspection.note, inspection.missed_at = data.note, None
    session.add(inspection)
    session.flush()
    for item in items:
        row = _item(session, inspection, item, location=location, actor=actor, now=now, timezone=timezone)
        session.add(row)
        if row.hazard_id is not None and item.control_id in photos:
            photos_service.add_photo(session, hazard_id=row.hazard_id, photo=photos[item.control_id])
    session.flush()
    logger.info("round recorded", extra={"round": inspection.id, "not_ok": sum(not i.ok for i in items)})
    return inspection


def _check_may_record(inspection: InspectionRound, *, actor: User, checked_at: datetime, now: datetime) -> None:
    if actor.id != inspection.inspector_id:
        raise PermissionDenied("only the planned inspector records this round")
    if inspection.state == RoundState.done:
        raise InvalidTransition("this round is already recorded", field="client_round_id", allowed=[])
    if checked_at > now + timedelta(minutes=5):
        raise InvalidInput("checked_at is in the future", field="checked_at")
    # A round done offline in its window counts when it arrives later, even once marked missed.
    if not as_utc(inspection.window_start) <= checked_at < as_utc(inspection.window_end):
        raise InvalidTransition("the round was not done within its window", field="checked_at", allowed=[])


def _check_items(session: Session, inspection: InspectionRound, data: RoundRecord) -> list[ItemCheck]:
    wanted = {item.control_id for item in checklist(session, risk_point_id=inspection.risk_point_id)}
    given = [item.control_id for item in data.items]
    if len(set(given)) != len(given) or set(given) != wanted:
        raise InvalidInput(f"the items must answer each checklist control once: {sorted(wanted)}", field="items")
    for item in data.items:
        if not item.ok and not (item.note or "").strip():
            raise InvalidInput(f"say what is wrong with control {item.control_id}", field="items")
    return data.items


def _where(session: Session, inspection: InspectionRound, code: str | None) -> Location:
    """The location scanned (one of the point's), or the point's first location."""
    query = (select(Location).join(RiskPointLocation, col(RiskPointLocation.location_id) == Location.id)
             .where(RiskPointLocation.risk_point_id == inspection.risk_point_id).order_by(col(Location.code)))
    places = list(session.exec(query).all())
    if not places:
        raise InvalidInput("the risk point has no location to report at", field="location_code")
    if code is None:
        return places[0]
    found = next((place for place in places if place.code == code), None)
    if found is None:
        raise InvalidInput(f"location {code!r} is not a place of this risk point", field="location_code")
    return found


def _item(session: Session, inspection: InspectionRound, item: ItemCheck, *, location: Location, actor: User, now: datetime,
          timezone: str) -> RoundItem:
    hazard_id = None
    if not item.ok:
        hazard_id = _report(session, inspection, item, location=location, actor=actor, now=now, timezone=timezone)
    return RoundItem(round_id=saved_id(inspection), control_id=item.control_id, ok=item.ok, note=item.note,
                     hazard_id=hazard_id)


def _report(session: Session, inspection: InspectionRound, item: ItemCheck, *, location: Location, actor: User, now: datetime,
            timezone: str) -> int:
    control = known(session.get(Control, item.control_id))  # checked against the round's checklist before
    point = known(session.get(RiskPoint, inspection.risk_point_id))
    person = session.get(Person, actor.person_id) if actor.person_id else None
    # The intake links the risk point (and tells the chief when it is a major one).
    report = HazardReport(location_code=location.code, source=Channel.inspection,
                          description=f"{known(item.note).strip()}（管控措施未落实：{control.measure}）"[:2000],
                          reporter_employee_no=person.employee_no if person else None, risk_point_code=point.code,
                          client_report_id=f"round-{inspection.id}-control-{item.control_id}")
    hazard, _ = hazards_intake.report_hazard(session, data=report, recorded_by=actor, now=now, timezone=timezone)
    hazard.failed_control_id = item.control_id
    session.add(hazard)
    session.flush()
    return saved_id(hazard)
