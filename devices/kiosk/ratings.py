"""The reporter's rating (满意/基本满意/不满意) of a report made at this kiosk, once the service closed its hazard.

The kiosk learns of the closing from the service's notice of kind ``report_closed`` (kept in the outbox
file, so the offer survives a restart); a rating goes out through the durable outbox like a report and
is done when the service's ack arrives. The service keeps one rating per hazard, so a hazard rated
here once is not offered again.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from devices.kiosk.outbox import RATING, REPORT, Outbox

CLOSED = "report_closed"  # the notice kind that says a report's hazard was closed (验收销号)
OFFER_DAYS = 30  # a closing older than this is no longer offered on the screen (the service still takes it)


@dataclass(frozen=True)
class Ratable:
    """A closed report made here, not rated here yet."""

    hazard_ref: str
    description: str | None  # the report's own words, when this outbox still has the report
    title: dict[str, Any]  # the closing notice's title and body, {"zh": ..., "en": ...}
    body: dict[str, Any]
    closed_at: str  # the notice's ``at``

    def as_dict(self) -> dict[str, Any]:
        return {"hazard_ref": self.hazard_ref, "description": self.description, "title": self.title,
                "body": self.body, "closed_at": self.closed_at}


def ratable(outbox: Outbox, *, now: datetime) -> list[Ratable]:
    """The reports made here whose hazard was closed in the last ``OFFER_DAYS`` and that were not rated here
    (whatever the answer was: the service takes one rating per hazard), newest closing first."""
    rated = {message.payload.get("hazard_ref") for message in outbox.recent(RATING)}
    descriptions = {m.hazard_ref: m.payload.get("description") for m in outbox.recent(REPORT) if m.hazard_ref}
    since = now - timedelta(days=OFFER_DAYS)
    found: dict[str, Ratable] = {}
    for notice in outbox.received("notice"):
        payload, ref = notice.payload, notice.payload.get("hazard_ref")
        if payload.get("kind") == CLOSED and ref and ref not in rated and notice.received_at >= since:
            found[ref] = Ratable(ref, descriptions.get(ref), payload["title"], payload["body"], payload["at"])
    return list(found.values())[::-1]
