"""The rating screen's backend (满意/基本满意/不满意): the closed reports made at this kiosk that may be rated,
a tap's rating into the durable outbox, and what became of it."""

from typing import Any

from devices.kiosk import ratings
from devices.kiosk.app.service import MAX_WAIT, BadRequest, KioskApp, _uuid
from devices.kiosk.outbox import PENDING, RATING, OutgoingMessage
from devices.kiosk.payloads import RATINGS


def offered(app: KioskApp) -> list[dict[str, Any]]:
    """The closed reports made here waiting for their reporter's rating, newest closing first."""
    return [item.as_dict() for item in ratings.ratable(app.kiosk.outbox, now=app.kiosk.clock())]


def rate(app: KioskApp, body: dict[str, Any]) -> dict[str, Any]:
    """One tap: a rating of an offered report into the outbox (sent now, or when the network is back)."""
    rating = body.get("rating")
    if rating not in RATINGS:
        raise BadRequest("rating", f"must be one of {', '.join(RATINGS)}")
    hazard_ref = body.get("hazard_ref")
    if hazard_ref not in {item.hazard_ref for item in ratings.ratable(app.kiosk.outbox, now=app.kiosk.clock())}:
        raise BadRequest("hazard_ref", "not a closed report of this kiosk waiting for a rating")
    return _public(app.kiosk.outbox.get(app.kiosk.rate(hazard_ref, rating)))


def answer(app: KioskApp, rating_id: str, *, wait: float = 0.0) -> dict[str, Any]:
    """A rating's state: pending, or the service's answer; waits up to ``wait`` seconds for that answer."""
    message = app.kiosk.outbox.get(_uuid(rating_id, "rating_id"))
    if message is None or message.kind != RATING:
        raise BadRequest("rating_id", "no such rating at this kiosk")
    if message.state == PENDING and wait > 0:
        message = app.kiosk.wait_done(message.key, min(wait, MAX_WAIT)) or message
    return _public(message)


def _public(message: OutgoingMessage | None) -> dict[str, Any]:
    assert message is not None  # just committed, or looked up above
    return {"rating_id": message.key, "hazard_ref": message.payload["hazard_ref"],
            "rating": message.payload["rating"], "state": message.state, "outcome": message.outcome,
            "error": message.error}
