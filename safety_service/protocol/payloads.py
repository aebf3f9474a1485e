"""Every payload model by the name of its file in ``schemas/*.schema.json``, which describe the same for kiosks.

Each payload names its version in ``schema``; a change that old kiosks cannot read gets a new one.
"""

from safety_service.protocol import kiosk_reads, kiosk_writes, retained
from safety_service.protocol.base import Payload

PAYLOADS: dict[str, type[Payload]] = {
    "kiosk-report": kiosk_writes.KioskReport, "kiosk-report-2": kiosk_writes.KioskReportV2,
    "kiosk-report-3": kiosk_writes.KioskReportV3, "kiosk-status": kiosk_writes.KioskStatus,
    "bulletin-read": kiosk_writes.BulletinRead, "kiosk-rating": kiosk_writes.KioskRating,
    "kiosk-ack": kiosk_reads.KioskAck, "kiosk-ack-2": kiosk_reads.KioskAckV2, "kiosk-notice": kiosk_reads.KioskNotice,
    "bulletin": retained.Bulletin, "board": retained.Board, "board-2": retained.BoardV2,
    "categories": retained.Categories, "family-messages": retained.FamilyMessages,
    "hazard-library": retained.HazardLibrary, "awards": retained.Awards,
}
