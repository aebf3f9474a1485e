"""The reporter hears back: for a kiosk report, a ``notice`` to that kiosk at each step that matters,
written to the outbox in the same transaction as the transition."""

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from safety_service.clock import as_utc
from safety_service.database import saved_id
from safety_service.feedback.models import KioskNoticeRecord
from safety_service.hazards.models import Hazard
from safety_service.hazards.states import Grade, HazardState
from safety_service.i18n import translate
from safety_service.kiosks.models import Kiosk
from safety_service.locations.models import Site
from safety_service.outbox import service as outbox
from safety_service.protocol import messages
from safety_service.protocol.base import Localized
from safety_service.protocol.topics import kiosk_topic

logger = logging.getLogger(__name__)
KIND = "report_feedback"
CLOSED_KIND = "report_closed"  # the last step of a report: the kiosk offers its reporter the rating


def message_key(hazard: Hazard, source: str | None) -> str | None:
    """The catalogue key (``notice.<key>.title`` / ``.body``) for the state a hazard just reached."""
    state = HazardState(hazard.state)
    if state == HazardState.rejected:
        return "duplicate" if hazard.duplicate_of_id else "rejected"
    if state == HazardState.rectifying and source in (HazardState.awaiting_verification, HazardState.closed):
        return "reopened"
    if state == HazardState.confirmed and hazard.grade == Grade.major:
        return "confirmed_major"
    return {HazardState.confirmed: "confirmed", HazardState.rectifying: "assigned",
            HazardState.awaiting_verification: "rectified", HazardState.closed: "closed"}.get(state)


def params(hazard: Hazard, timezone: str) -> dict[str, str]:
    """What the messages fill in: reference, reasons and notes in the officer's words, the deadline."""
    deadline = as_utc(hazard.deadline).astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M") if hazard.deadline else ""
    return {"ref": hazard.ref, "reason": hazard.rejection_reason or "", "note": hazard.verification_note or "",
            "deadline": deadline}


def localized(key: str, **values: str) -> Localized:
    """One catalogue message in both languages."""
    return Localized(zh=translate("zh-CN", key, **values), en=translate("en", key, **values))


def tell_reporter(session: Session, hazard: Hazard, *, source: str | None, now: datetime,
                  timezone: str) -> KioskNoticeRecord | None:
    """Queue a notice to the kiosk a report came from, when this step is one its reporter should hear of."""
    key = message_key(hazard, source)
    if hazard.kiosk_id is None or key is None:
        return None
    kiosk, site = session.get(Kiosk, hazard.kiosk_id), session.get(Site, hazard.site_id)
    if kiosk is None or site is None:
        return None
    return send_notice(session, kiosk=kiosk, site=site.code, hazard=hazard, key=key, now=now,
                       values=params(hazard, timezone))


def send_notice(session: Session, *, kiosk: Kiosk, site: str, hazard: Hazard | None, key: str, now: datetime,
                values: dict[str, str]) -> KioskNoticeRecord:
    """Record a reporter's notice and put it in the outbox for ``safety/{site}/kiosk/{kiosk}/notice``."""
    kind = CLOSED_KIND if key == "closed" else KIND
    return queue_notice(session, kiosk=kiosk, site=site, kind=kind, key=key, now=now,
                        hazard_id=hazard.id if hazard else None, hazard_ref=hazard.ref if hazard else None,
                        title=localized(f"notice.{key}.title", **values), body=localized(f"notice.{key}.body", **values))


def queue_notice(session: Session, *, kiosk: Kiosk, site: str, kind: str, key: str, now: datetime,
                 hazard_id: int | None, hazard_ref: str | None, title: Localized, body: Localized,
                 area_notice_id: int | None = None) -> KioskNoticeRecord:
    """Record a notice of any kind (``key`` is what the record keeps) and put it in the kiosk's outbox."""
    record = KioskNoticeRecord(kiosk_id=saved_id(kiosk), hazard_id=hazard_id, kind=key, created_at=now,
                               area_notice_id=area_notice_id)
    session.add(record)
    session.flush()
    notice = messages.notice(notice_id=saved_id(record), kind=kind, at=now, hazard_ref=hazard_ref, title=title,
                             body=body)
    outbox.enqueue(session, kiosk_topic(site, kiosk.kiosk_id, "notice"), notice, now=now)
    logger.info("kiosk notice queued", extra={"kiosk": kiosk.kiosk_id, "notice": record.id, "key": key})
    return record
