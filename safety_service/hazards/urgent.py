"""The urgent path (紧急/立即危险): a report marked urgent goes at once to the dispatch room (调度室) and
the officers over every channel that takes urgent events; the dispatcher acknowledges it ("已通知现场",
"已撤人") as an event in its history; unacknowledged after ``urgent_ack_minutes`` it goes to the chief.

Each step is stamped on the hazard (``urgent_at``, ``urgent_acknowledged_at``, ``urgent_escalated_at``),
so it is taken once however often the job runs.
"""

import logging
from datetime import datetime, timedelta
from enum import StrEnum

from sqlmodel import Session, col, select

from safety_service.clock import utc_now
from safety_service.config import Settings
from safety_service.database import saved_id
from safety_service.errors import InvalidInput, InvalidTransition, PermissionDenied
from safety_service.hazards import events
from safety_service.hazards.models import Hazard, HazardEvent
from safety_service.locations.models import Area, Location
from safety_service.notifications import service as notifications_service
from safety_service.notifications.service import Notice
from safety_service.people import service as people_service
from safety_service.people.models import Role, User

logger = logging.getLogger(__name__)
ALARM_ROLES = (Role.dispatcher, Role.officer, Role.chief)
MARK_ROLES = frozenset({Role.officer, Role.chief, Role.dispatcher})
ACK_ROLES = frozenset({Role.dispatcher, Role.chief})
ESCALATED_ACTION = "urgent_escalated"  # a run's events, written in bulk (the kind named for the timeline's messages)


class Acknowledgement(StrEnum):
    site_notified = "site_notified"  # 已通知现场
    evacuated = "evacuated"  # 已撤人


def notice(session: Session, hazard: Hazard, kind: str, places: dict[int, tuple[str, str | None]] | None = None
           ) -> Notice:
    """What a notification about the hazard carries: its reference, place, area, grade and words."""
    return notice_of(session, kind=kind, hazard_id=saved_id(hazard), ref=hazard.ref, location_id=hazard.location_id,
                     grade=hazard.grade, description=hazard.description, places=places)


def notice_of(session: Session, *, kind: str, hazard_id: int, ref: str, location_id: int, grade: str | None,
              description: str, places: dict[int, tuple[str, str | None]] | None = None) -> Notice:
    """``notice`` from the hazard's columns. ``places`` caches each location's name and area code over a
    run (the session's identity map holds them only weakly, and each miss would flush pending changes)."""
    places = {} if places is None else places
    if location_id not in places:
        location = session.get(Location, location_id)
        area = session.get(Area, location.area_id) if location and location.area_id else None
        places[location_id] = (location.name_zh if location else "", area.code if area else None)
    name, area_code = places[location_id]
    return Notice(kind=kind, hazard_id=hazard_id, ref=ref, area=area_code, grade=str(grade) if grade else None,
                  data={"location": name, "description": description[:200]})


def open_urgent(session: Session, *, limit: int = 50) -> list[Hazard]:
    """Open urgent hazards for the top of every console queue: unacknowledged first, oldest first."""
    # ix_hazard_urgent_open holds only these, in this order.
    query = (select(Hazard).where(col(Hazard.urgent), col(Hazard.is_open))
             .order_by(col(Hazard.urgent_acknowledged_at).is_not(None), col(Hazard.urgent_at)).limit(limit))
    return list(session.exec(query).all())


def raise_alarms(session: Session, *, hazard_ids: list[int]) -> None:
    """Tell the dispatch room and the officers about each newly urgent hazard, in this transaction."""
    if not hazard_ids:
        return
    people = people_service.active_users_with_roles(session, roles=ALARM_ROLES)
    for hazard in session.exec(select(Hazard).where(col(Hazard.id).in_(hazard_ids))).all():
        alarm = notice(session, hazard, "urgent")
        notifications_service.send(session, [(user, [alarm]) for user in people])
        logger.warning("urgent hazard reported", extra={"ref": hazard.ref, "notified": len(people)})


def mark_urgent(session: Session, *, hazard: Hazard, actor: User, note: str | None = None,
                now: datetime | None = None) -> HazardEvent:
    """An officer (or the dispatcher) marks an open report urgent: the alarm goes out as for a reported one."""
    if actor.role not in MARK_ROLES:
        raise PermissionDenied(f"role {actor.role!r} may not mark a hazard urgent")
    if hazard.urgent or not hazard.is_open:
        raise InvalidTransition("the hazard is already urgent" if hazard.urgent else "the hazard is closed",
                                state=str(hazard.state))
    now = now or utc_now()
    hazard.urgent, hazard.urgent_at = True, now
    session.add(hazard)
    event = events.append_event(session, hazard, action="marked_urgent", actor=actor, now=now, note=note)
    raise_alarms(session, hazard_ids=[saved_id(hazard)])
    return event


def acknowledge(session: Session, *, hazard: Hazard, actor: User, what: Acknowledgement, note: str | None = None,
                now: datetime | None = None) -> HazardEvent:
    """The dispatch room says what it did ("已通知现场" / "已撤人"); recorded once, told to the officers."""
    if actor.role not in ACK_ROLES:
        raise PermissionDenied(f"role {actor.role!r} may not acknowledge an urgent hazard")
    if not hazard.urgent:
        raise InvalidInput("the hazard is not urgent", field="ref")
    if hazard.urgent_acknowledged_at is not None:
        raise InvalidTransition("the urgent hazard is already acknowledged", state=str(hazard.state))
    now = now or utc_now()
    hazard.urgent_acknowledged_at = now
    session.add(hazard)
    event = events.append_event(session, hazard, action="urgent_acknowledged", actor=actor, now=now, note=note,
                                data={"what": str(what)})
    officers = [u for u in people_service.active_users_with_roles(session, roles=ALARM_ROLES) if u.id != actor.id]
    told = notice(session, hazard, "urgent_acknowledged")
    notifications_service.send(session, [(user, [told]) for user in officers])
    return event


def escalate_unacknowledged(session: Session, *, now: datetime, settings: Settings) -> int:
    """Send each urgent hazard unacknowledged for ``urgent_ack_minutes`` to the chief, once."""
    limit = now - timedelta(minutes=settings.urgent_ack_minutes)
    query = select(Hazard).where(col(Hazard.urgent), col(Hazard.urgent_acknowledged_at).is_(None),
                                 col(Hazard.urgent_escalated_at).is_(None), col(Hazard.urgent_at) <= limit)
    hazards = list(session.exec(query.limit(500)).all())
    chiefs = people_service.active_users_with_roles(session, roles=[Role.chief])
    data = {"to": "chief", "notified": sorted(u.username for u in chiefs)}
    for hazard in hazards:
        hazard.urgent_escalated_at = now
        session.add(hazard)
        alarm = notice(session, hazard, "urgent_unacknowledged")
        notifications_service.send(session, [(user, [alarm]) for user in chiefs])
    session.flush()
    events.append_many(session.connection(), ("hazard_id", "at", "action", "data"),
                       [(saved_id(hazard), now, ESCALATED_ACTION, data) for hazard in hazards])
    return len(hazards)
