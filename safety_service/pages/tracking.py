"""What a reporter may see of their report: state, dates, the closing note; no staff, no other reports.

The tracking code never sits in a URL (where access logs and browser histories keep it): the form posts
it, and the page at ``/t`` reads it from a signed cookie that lives a few minutes, scoped to ``/t``.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response

from safety_service.clock import as_utc, utc_now
from safety_service.config import Settings
from safety_service.feedback import ratings
from safety_service.feedback import scheduled as feedback_scheduled
from safety_service.hazards import service as hazards_service
from safety_service.hazards.models import Hazard
from safety_service.hazards.states import Grade, HazardState
from safety_service.locations.models import Category, Location
from safety_service.pages.rendering import local_time
from safety_service.rewards import awards
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
    rating: str | None = None  # the reporter's satisfaction rating of a closed hazard
    may_rate: bool = False  # closed, and not rated yet or still within the days a rating may change
    rating_until: str | None = None  # until when the rating given may be changed (local time)
    # The cash award (安委〔2024〕7号), once proposed: its state and amount in yuan.
    award: tuple[str, str] | None = None
    anonymous: bool = True


def _name(thing: Location | Category | None, lang: str) -> str | None:
    if thing is None:
        return None
    return thing.name_en if lang == "en" and thing.name_en else thing.name_zh


def track(session: Session, *, code: str, lang: str, timezone: str, change_days: int = 0,
          now: datetime | None = None) -> TrackedReport:
    """The report a tracking code names (NotFound otherwise), as its reporter may see it."""
    hazard = hazards_service.get_by_tracking_code(session, code=code)
    rated = ratings.rating_of(session, hazard=hazard)
    may_rate = hazard.state == HazardState.closed and ratings.changeable(rated, now=now or utc_now(),
                                                                         change_days=change_days)
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
        rating=rated.rating if rated else None, may_rate=may_rate,
        rating_until=local_time(as_utc(rated.rated_at) + timedelta(days=change_days), timezone)
        if rated and may_rate else None, award=_award(session, hazard), anonymous=not hazard.reporter_employee_no,
    )


def _award(session: Session, hazard: Hazard) -> tuple[str, str] | None:
    award = awards.award_of(session, hazard=hazard)
    return (str(award.state), f"{award.amount:.2f}") if award is not None else None


def _explanation(hazard: Hazard) -> str | None:
    """The catalogue key that says in plain words why a report was rejected or closed."""
    if hazard.state == HazardState.rejected:
        return "track.explain.duplicate" if hazard.duplicate_of_id else "track.explain.rejected"
    return "track.explain.closed" if hazard.state == HazardState.closed else None


COOKIE, COOKIE_AGE, _SALT = "track", 10 * 60, "safety-tracking-code"


def remember(response: Response, settings: Settings, *, code: str) -> None:
    """Keep a tracking code for the page at ``/t``: signed, HTTP-only, for ten minutes."""
    value = URLSafeTimedSerializer(settings.secret_key, salt=_SALT).dumps(code)
    response.set_cookie(COOKIE, value, max_age=COOKIE_AGE, path="/t", httponly=True, samesite="lax",
                        secure=settings.cookie_secure)


def remembered(request: Request, settings: Settings) -> str | None:
    """The tracking code the cookie holds, or None when it is missing, forged or older than ten minutes."""
    raw = request.cookies.get(COOKIE)
    try:
        code = URLSafeTimedSerializer(settings.secret_key, salt=_SALT).loads(raw, max_age=COOKIE_AGE) if raw else None
    except BadSignature:
        return None
    return code if isinstance(code, str) else None
