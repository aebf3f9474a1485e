"""What a reporter may see of their report: state, dates, the closing note; no staff, no other reports."""

from dataclasses import dataclass

from sqlmodel import Session

from safety_service.feedback import scheduled as feedback_scheduled
from safety_service.hazards import service as hazards_service
from safety_service.hazards.models import Hazard
from safety_service.hazards.states import Grade, HazardState
from safety_service.locations.models import Category, Location
from safety_service.pages.rendering import local_time
from safety_service.rewards import service as rewards_service


@dataclass(frozen=True)
class TrackedReport:
    """The public view of one report, names localised for the page."""

    ref: str
    state: str
    location: str
    category: str | None
    dates: list[tuple[str, str]]
    major: bool
    duplicate: bool
    rejection_reason: str | None
    closing_note: str | None
    explanation: str | None
    overdue: bool
    points: int
    claimable: bool


def _name(thing: Location | Category | None, lang: str) -> str | None:
    if thing is None:
        return None
    return thing.name_en if lang == "en" and thing.name_en else thing.name_zh


def track(session: Session, *, code: str, lang: str, timezone: str) -> TrackedReport:
    """The report a tracking code names (NotFound otherwise), as its reporter may see it."""
    hazard = hazards_service.get_by_tracking_code(session, code=code)
    stamps = (("reported_at", hazard.reported_at), ("confirmed_at", hazard.confirmed_at),
              ("deadline", hazard.deadline if hazard.is_open else None), ("rectified_at", hazard.rectified_at),
              ("closed_at", hazard.closed_at))
    return TrackedReport(
        ref=hazard.ref, state=str(hazard.state), location=_name(session.get(Location, hazard.location_id), lang) or "",
        category=_name(session.get(Category, hazard.category_id) if hazard.category_id else None, lang),
        dates=[(key, local_time(value, timezone)) for key, value in stamps if value is not None],
        major=hazard.grade == Grade.major, duplicate=hazard.duplicate_of_id is not None,
        rejection_reason=hazard.rejection_reason if hazard.state == HazardState.rejected else None,
        closing_note=hazard.verification_note if hazard.state == HazardState.closed else None,
        explanation=_explanation(hazard), overdue=bool(feedback_scheduled.breached_steps(session, hazard=hazard)),
        points=sum(e.points for e in rewards_service.entries_for(session, hazard=hazard)),
        claimable=rewards_service.claimable(session, hazard=hazard),
    )


def _explanation(hazard: Hazard) -> str | None:
    """The catalogue key that says in plain words why a report was rejected or closed."""
    if hazard.state == HazardState.rejected:
        return "track.explain.duplicate" if hazard.duplicate_of_id else "track.explain.rejected"
    return "track.explain.closed" if hazard.state == HazardState.closed else None
