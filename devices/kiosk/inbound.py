"""What the kiosk does with each message from the service: acks, notices, the site bulletin, the area boards,
the category list, the family messages, the hazard library, the public list of awards.

Each handler stores the message in the outbox before returning, so paho's PUBACK to the broker
(sent after the callback) never acknowledges something a crash could lose.
"""

import hashlib
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from devices.kiosk.payloads import ACK_VERSIONS, BOARD_VERSIONS, InvalidPayload, encode

if TYPE_CHECKING:
    from devices.kiosk.client import KioskClient

logger = logging.getLogger(__name__)


def dispatch(kiosk: "KioskClient", topic: str, raw: bytes) -> None:
    """Route one incoming message by topic; a payload that fails its schema is logged and dropped."""
    handlers = {kiosk.topics.ack: handle_ack, kiosk.topics.notice: handle_notice,
                kiosk.topics.bulletin: handle_bulletin, kiosk.topics.categories: handle_categories,
                kiosk.topics.family_messages: handle_family_messages,
                kiosk.topics.hazard_library: keep_retained("hazard-library", "items"),
                kiosk.topics.awards: keep_retained("awards", "awards")}
    handler = handle_board if kiosk.topics.is_board(topic) else handlers.get(topic)
    if handler is None:
        logger.warning("message on an unexpected topic", extra=kiosk.log_extra | {"topic": topic})
        return
    try:
        handler(kiosk, raw)
    except InvalidPayload as exc:
        logger.warning("invalid payload dropped", extra=kiosk.log_extra | {
            "topic": topic, "schema": exc.schema, "field": exc.field, "error": exc.message})


def handle_ack(kiosk: "KioskClient", raw: bytes) -> None:
    """Record the service's answers: a kiosk-ack/1 answers one report, a kiosk-ack/2 each report of a batch,
    each settled as its own kiosk-ack/1 would be."""
    ack = kiosk.schemas.parse("kiosk-ack", raw, versions=ACK_VERSIONS)
    if ack["schema"] == "kiosk-ack/1":
        settle(kiosk, ack)
        return
    for result in ack["results"]:
        settle(kiosk, {**result, "at": ack["at"]})


def settle(kiosk: "KioskClient", ack: dict) -> None:
    """Record one report's answer; only an answer that changes the report's reaches ``on_ack``."""
    if ack["report_id"] is None:
        logger.warning("service could not read a report", extra=kiosk.log_extra | {"error": ack.get("error")})
        return
    message, first = kiosk.outbox.record_ack(ack["report_id"], ack, at=kiosk.clock())
    if message is None:
        logger.warning("ack for an unknown report", extra=kiosk.log_extra | {"report_id": ack["report_id"]})
        return
    if not first:
        logger.info("repeated ack ignored", extra=kiosk.log_extra | {"report_id": message.key})
        return
    logger.info("report acked", extra=kiosk.log_extra | {
        "report_id": message.key, "outcome": message.outcome, "hazard_ref": message.hazard_ref})
    kiosk.notify_changed()
    if kiosk.on_ack is not None:
        kiosk.on_ack(message)


def handle_notice(kiosk: "KioskClient", raw: bytes) -> None:
    """Keep a notice once (by notice_id) and show it."""
    notice = kiosk.schemas.parse("kiosk-notice", raw)
    if not kiosk.outbox.store_received("notice", str(notice["notice_id"]), notice, at=kiosk.clock()):
        return
    logger.info("notice received", extra=kiosk.log_extra | {"notice_id": notice["notice_id"]})
    if kiosk.on_notice is not None:
        kiosk.on_notice(notice)


def handle_bulletin(kiosk: "KioskClient", raw: bytes) -> None:
    """Keep each distinct bulletin message once (the retained copy comes again on every connect) and show it."""
    if not raw:
        return
    bulletin = kiosk.schemas.parse("bulletin", raw)
    key = hashlib.sha256(encode(dict(sorted(bulletin.items())))).hexdigest()
    if not kiosk.outbox.store_received("bulletin", key, bulletin, at=kiosk.clock()):
        return
    logger.info("bulletin received", extra=kiosk.log_extra | {"published_at": bulletin["published_at"]})
    if kiosk.on_bulletin is not None:
        kiosk.on_bulletin(bulletin)


def handle_board(kiosk: "KioskClient", raw: bytes) -> None:
    """Keep the latest board of each area in memory (the broker keeps it retained and resends it on connect)."""
    if not raw:
        return
    board = kiosk.schemas.parse("board", raw, versions=BOARD_VERSIONS)
    kiosk.boards[board["area"]] = board
    logger.info("board received", extra=kiosk.log_extra | {"area": board["area"]})


def handle_categories(kiosk: "KioskClient", raw: bytes) -> None:
    """Keep the latest category list on disk, so the buttons survive a restart without the network."""
    if not raw:
        return
    categories = kiosk.schemas.parse("categories", raw)
    kiosk.outbox.keep_latest("categories", categories, at=kiosk.clock())
    logger.info("category list received", extra=kiosk.log_extra | {"count": len(categories["categories"])})


def handle_family_messages(kiosk: "KioskClient", raw: bytes) -> None:
    """Keep the current family messages (亲情寄语) for the idle rotation, replacing the set before (retained)."""
    if not raw:
        return
    found = kiosk.schemas.parse("family-messages", raw)
    kiosk.outbox.keep_latest("family-messages", found, at=kiosk.clock())
    logger.info("family messages received", extra=kiosk.log_extra | {"count": len(found["messages"])})


def keep_retained(kind: str, listed: str) -> Callable[["KioskClient", bytes], None]:
    """A handler keeping the current message of a retained site topic on disk (schema ``kind``, its list in
    ``listed``), so what it carries survives a restart without the network."""
    def handle(kiosk: "KioskClient", raw: bytes) -> None:
        if not raw:
            return
        found = kiosk.schemas.parse(kind, raw)
        kiosk.outbox.keep_latest(kind, found, at=kiosk.clock())
        logger.info(f"{kind} received", extra=kiosk.log_extra | {"count": len(found[listed])})
    return handle
