"""Demo ratings: the reporters of most closed demo hazards rated how they were handled, mostly 满意, some
基本满意, a few 不满意 — more often when the fix came late."""

import random
from collections import Counter
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from safety_service.clock import as_utc
from safety_service.database import known
from safety_service.feedback import ratings
from safety_service.hazards.models import Hazard
from safety_service.hazards.states import HazardState

ON_TIME, LATE = (70, 25, 5), (25, 45, 30)  # weights of satisfied, basic, dissatisfied


def load(session: Session, *, now: datetime, seed: int = 18) -> str:
    """Rate about four in five closed hazards a day or two after closing."""
    rng, rated = random.Random(seed), Counter[str]()
    closed = session.exec(select(Hazard).where(Hazard.state == HazardState.closed).order_by(col(Hazard.id))).all()
    for hazard in closed:
        if rng.random() > 0.8:
            continue  # not every reporter comes back to rate
        closed_at = as_utc(known(hazard.closed_at))  # a closed hazard has its time of closing
        late = hazard.deadline is not None and closed_at > as_utc(hazard.deadline)
        choice = rng.choices(list(ratings.Rating), weights=LATE if late else ON_TIME)[0]
        when = min(closed_at + timedelta(hours=rng.randint(2, 40)), now)
        ratings.rate(session, hazard=hazard, rating=choice, channel=ratings.RatingChannel.web, now=when,
                     change_days=3)
        rated[choice] += 1
    return (f"reporters' ratings of {sum(rated.values())} closed hazards: {rated['satisfied']} 满意, "
            f"{rated['basic']} 基本满意, {rated['dissatisfied']} 不满意")
