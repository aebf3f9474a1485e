"""The reporter's satisfaction rating (满意/基本满意/不满意) of a closed hazard: the workers' evaluation
beside the administration's in each unit's scorecard (业绩考评).

One rating per hazard, given only once it is closed. On the tracking page the reporter may change it for
``rating_change_days`` after first giving it; at the shared kiosk the report came from it is given once and
stands. It records nothing about who rated, so an anonymous report stays anonymous: holding the tracking
code (or standing at the kiosk the report came from) is the proof.
"""

import logging
from datetime import datetime, timedelta
from enum import StrEnum

from sqlmodel import Session, select

from safety_service.clock import as_utc
from safety_service.database import saved_id
from safety_service.errors import InvalidInput, InvalidTransition, NotFound, PermissionDenied
from safety_service.feedback.models import HazardRating
from safety_service.hazards.models import Hazard
from safety_service.hazards.states import HazardState

logger = logging.getLogger(__name__)


class Rating(StrEnum):
    satisfied = "satisfied"  # 满意
    basic = "basic"  # 基本满意
    dissatisfied = "dissatisfied"  # 不满意


class RatingChannel(StrEnum):
    web = "web"  # the tracking page
    kiosk = "kiosk"  # the pithead kiosk the report came from


def rating_of(session: Session, *, hazard: Hazard) -> HazardRating | None:
    """The hazard's rating, if its reporter gave one."""
    return session.exec(select(HazardRating).where(HazardRating.hazard_id == hazard.id)).first()


def changeable(rating: HazardRating | None, *, now: datetime, change_days: int) -> bool:
    """Whether a rating may still be given (none yet) or changed (within the days allowed)."""
    return rating is None or now < as_utc(rating.rated_at) + timedelta(days=change_days)


def may_rate(session: Session, *, hazard: Hazard, now: datetime, change_days: int) -> bool:
    """Whether the reporter may rate this hazard now: it is closed and its rating is still open."""
    return hazard.state == HazardState.closed and changeable(rating_of(session, hazard=hazard), now=now,
                                                              change_days=change_days)


def rate(session: Session, *, hazard: Hazard, rating: str, channel: RatingChannel, now: datetime,
         change_days: int) -> HazardRating:
    """Give or change the hazard's rating; refused before closing or after the days for a change."""
    if rating not in Rating.__members__:
        raise InvalidInput(f"rating must be one of {', '.join(Rating)}", field="rating")
    if hazard.state != HazardState.closed:
        raise InvalidTransition("a hazard is rated only after it is closed", field="rating", state=str(hazard.state))
    found = rating_of(session, hazard=hazard)
    if not changeable(found, now=now, change_days=change_days):
        raise InvalidTransition("this rating can no longer be changed", field="rating", state=str(hazard.state))
    if found is None:
        found = HazardRating(hazard_id=saved_id(hazard), rating=rating, channel=channel, rated_at=now)
    elif found.rating != rating:
        found.rating, found.channel, found.changed_at = rating, channel, now
    session.add(found)
    session.flush()
    logger.info("hazard rated", extra={"ref": hazard.ref, "rating": rating, "channel": str(channel)})
    return found


def rate_at_kiosk(session: Session, *, kiosk_id: int, hazard_ref: str, rating: str,
                  now: datetime) -> tuple[HazardRating, bool]:
    """A rating from the kiosk the hazard was reported at, once it is closed; the hazard's rating and whether
    this one was stored. Once per hazard: a hazard already rated keeps its rating (a second tap at the shared
    kiosk, or a redelivery, changes nothing)."""
    hazard = session.exec(select(Hazard).where(Hazard.ref == hazard_ref)).first()
    if hazard is None:
        raise NotFound(f"no hazard {hazard_ref!r}", field="hazard_ref")
    if hazard.kiosk_id != kiosk_id:
        raise PermissionDenied(f"hazard {hazard_ref} was not reported at this kiosk", field="hazard_ref")
    if hazard.state != HazardState.closed:
        raise InvalidTransition(f"hazard {hazard_ref} is rated only after it is closed", field="hazard_ref",
                                state=str(hazard.state))
    found = rating_of(session, hazard=hazard)
    if found is not None:
        return found, False
    return rate(session, hazard=hazard, rating=rating, channel=RatingChannel.kiosk, now=now, change_days=0), True
