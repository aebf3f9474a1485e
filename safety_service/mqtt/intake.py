"""Kiosk messages applied in batches: reports through the one intake path, status updates,
bulletin-read confirmations, reporters' ratings of closed hazards, and for every report and rating an answer
in the outbox, written in the same transaction: one kiosk-ack/2 per kiosk per batch for a kiosk that reads it,
else a kiosk-ack/1 per message (``mqtt.acks``).

Nothing here talks to the broker; ``mqtt.client`` feeds it and publishes the outbox after commit.
"""

import base64
import binascii
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property, partial
from typing import TypeVar
from uuid import UUID

from pydantic import BaseModel, ValidationError
from sqlmodel import Session, col, select

from safety_service.bulletins import reads as bulletins_reads
from safety_service.clock import utc_now
from safety_service.config import Settings
from safety_service.database import saved_id
from safety_service.errors import (
    DomainError,
    InvalidInput,
    InvalidTransition,
    NotApplicable,
    NotFound,
    PermissionDenied,
    first_match,
)
from safety_service.feedback import ratings as feedback_ratings
from safety_service.hazards import intake as hazards_intake
from safety_service.hazards.schemas import HazardReport
from safety_service.hazards.states import Channel
from safety_service.kiosks import service as kiosks_service
from safety_service.kiosks.models import Kiosk
from safety_service.locations.models import Location
from safety_service.mqtt import acks
from safety_service.mqtt.models import DeadLetter
from safety_service.outbox import service as outbox
from safety_service.outbox.service import Outgoing
from safety_service.photos import service as photos_service
from safety_service.photos.processing import PhotoLimits, PhotoRejected, ProcessedPhoto, process_photo
from safety_service.protocol import messages
from safety_service.protocol.kiosk_reads import AckError, AckResult
from safety_service.protocol.kiosk_writes import (
    BulletinRead,
    KioskRating,
    KioskReport,
    KioskReportV2,
    KioskReportV3,
    KioskStatus,
)
from safety_service.protocol.topics import QOS, KioskTopic, parse_kiosk_topic

logger = logging.getLogger(__name__)
_Model = TypeVar("_Model", bound=BaseModel)
REPORT_VERSIONS: dict[str, type[KioskReport]] = {"kiosk-report/2": KioskReportV2, "kiosk-report/3": KioskReportV3}


# The kiosk's ack code for a domain error the one intake path raised, first match wins (as
# api/errors.STATUS gives the HTTP status); any other domain error is "refused".
ACK_CODES: dict[type[DomainError], str] = {
    NotFound: "not_found",
    InvalidInput: "invalid_input",
    PermissionDenied: "forbidden",  # e.g. a rating of a hazard another kiosk reported
    InvalidTransition: "invalid_state",  # e.g. a rating of a hazard not closed yet
}


@dataclass(frozen=True)
class Incoming:
    """One message as the broker delivered it; ``failure`` says why applying it failed, if it did."""

    topic: str
    payload: bytes
    received_at: datetime
    failure: str | None = None

    @cached_property
    def kiosk(self) -> KioskTopic | None:
        """The topic's parts, parsed once for every step that needs them; None for a topic not a kiosk's."""
        return parse_kiosk_topic(self.topic)


def payload_bytes(item: Incoming) -> int:
    """A message's weight in a batch (``MQTT_BATCH_BYTES``)."""
    return len(item.payload)


@dataclass(frozen=True)
class KioskSubmission:
    """A parsed kiosk report: the payload, the report every channel builds, and its processed photos."""

    payload: KioskReport
    report: HazardReport
    photos: list[ProcessedPhoto]


@dataclass(frozen=True)
class RatingInput:
    """A reporter's rating of a hazard reported at the kiosk that sends it."""

    rating_id: UUID
    hazard_ref: str
    rating: str
    kiosk_id: int  # the kiosk's row


@dataclass
class Applied:
    """What applying one message produced: the outbox rows to publish once committed (a kiosk's batch ack
    rides with its last message), its answer if it gets one, and why it was refused if it was (it is then a
    dead letter too)."""

    outbox: list[Outgoing] = field(default_factory=list)
    refused: str | None = None
    report: str | None = None  # for a report: ``created``, ``duplicate`` or ``refused`` (what metrics count)
    answer: AckResult | None = None  # what its ack says of it, whichever ack version carries it


class Refused(Exception):
    """A message that cannot be applied; ``code`` goes into the error ack."""

    def __init__(self, code: str, message: str, *, field: str | None = None, report_id: str | None = None):
        super().__init__(message)
        self.code, self.message, self.field, self.report_id = code, message, field, report_id


def applier(settings: Settings) -> Callable[[Session, list[Incoming]], list[Applied]]:
    """``apply_batch`` with the service's site, time zone, photo limits and ack QoS."""
    limits = PhotoLimits(settings.photo_max_bytes, settings.photo_max_pixels, settings.photo_max_side)
    return partial(apply_batch, site=settings.site, timezone=settings.timezone, photo_limits=limits,
                   ack_qos=settings.mqtt_ack_qos)


def apply_batch(session: Session, items: list[Incoming], *, site: str, timezone: str,
                photo_limits: PhotoLimits | None = None, ack_qos: int = QOS) -> list[Applied]:
    """Apply a batch of kiosk messages; one result per message, in order. A report's photos are stored
    with the hazard it created, in the same transaction (a repeated report stores none); the acks are
    queued at ``ack_qos``."""
    kiosks = _kiosks(session, items)
    results = [Applied() for _ in items]
    reports: list[tuple[int, KioskSubmission]] = []
    reads: list[tuple[int, bulletins_reads.ReadInput]] = []
    rated: list[tuple[int, RatingInput]] = []
    for index, item in enumerate(items):
        try:
            parsed = _parse(item, kiosks, site=site, photo_limits=photo_limits or PhotoLimits())
        except Refused as refused:
            _refuse(session, item, refused, results[index], site=site)
            continue
        if isinstance(parsed, KioskSubmission):
            reports.append((index, parsed))
        elif isinstance(parsed, bulletins_reads.ReadInput):
            reads.append((index, parsed))
        elif isinstance(parsed, RatingInput):
            rated.append((index, parsed))
    receipts = hazards_intake.report_hazards(session, reports=[r.report for _, r in reports], timezone=timezone,
                                             loaded=[row for pair in kiosks.values() for row in pair])
    for (index, submission), receipt in zip(reports, receipts, strict=True):
        results[index].answer = _answer(submission.payload, receipt)
        results[index].report = "refused" if receipt.error else "created" if receipt.created else "duplicate"
        if receipt.error is not None:
            _keep(session, items[index], f"{ack_code(receipt.error)}: {receipt.error.message}", results[index])
        elif receipt.created and receipt.hazard_id is not None:
            for photo in submission.photos:
                photos_service.add_photo(session, hazard_id=receipt.hazard_id, photo=photo)
    _apply_reads(session, items, reads, results, site=site)
    _apply_ratings(session, items, rated, results, site=site)
    _address(items, results, kiosks, site=site, qos=ack_qos)
    outbox.store(session, [row for result in results for row in result.outbox], at=utc_now())
    return results


def _apply_reads(session: Session, items: list[Incoming], reads: list[tuple[int, bulletins_reads.ReadInput]],
                 results: list[Applied], *, site: str) -> None:
    """Record the confirmations; one naming an unknown bulletin gets an error ack."""
    errors = bulletins_reads.record_reads(session, reads=[r for _, r in reads], now=utc_now())
    for (index, _), error in zip(reads, errors, strict=True):
        if error is not None:
            _refuse(session, items[index], Refused("not_found", error.message, field=error.field), results[index],
                    site=site)


def _apply_ratings(session: Session, items: list[Incoming], rated: list[tuple[int, RatingInput]],
                   results: list[Applied], *, site: str) -> None:
    """Store each rating (the first for its hazard stands; a later one, or a redelivery, is a duplicate) and
    answer it; one the rules refuse gets an error answer naming the field and changes nothing."""
    for index, given in rated:
        item = items[index]
        try:
            _, stored = feedback_ratings.rate_at_kiosk(session, kiosk_id=given.kiosk_id, hazard_ref=given.hazard_ref,
                                                       rating=given.rating, now=item.received_at)
        except DomainError as error:
            _refuse(session, item, Refused(ack_code(error), error.message, field=error.field,
                                           report_id=str(given.rating_id)), results[index], site=site)
            continue
        results[index].answer = messages.answer(report_id=given.rating_id, outcome="accepted" if stored else "duplicate",
                                                hazard_ref=given.hazard_ref)
def _address(items: list[Incoming], results: list[Applied], kiosks: dict[str, tuple[Kiosk, Location]], *,
             site: str, qos: int) -> None:
    """Each answer into the outbox, in the ack version its kiosk reads (statuses of this batch counted)."""
    answers = {index: acks.Answer(item.kiosk.kiosk_id, result.answer, item.received_at)
               for index, (item, result) in enumerate(zip(items, results, strict=True))
               if result.answer is not None and item.kiosk is not None}
    versions = {kiosk_id: kiosk.ack_version for kiosk_id, (kiosk, _) in kiosks.items()}
    for index, rows in acks.address(answers, versions, site=site, at=utc_now(), qos=qos).items():
        results[index].outbox.extend(rows)


def _kiosks(session: Session, items: list[Incoming]) -> dict[str, tuple[Kiosk, Location]]:
    """The batch's kiosks with their locations (the reports' default place, handed on to the hazard intake)."""
    ids = {item.kiosk.kiosk_id for item in items if item.kiosk is not None}
    if not ids:
        return {}
    query = select(Kiosk, Location).join(Location).where(col(Kiosk.kiosk_id).in_(ids))
    return {kiosk.kiosk_id: (kiosk, location) for kiosk, location in session.exec(query).all()}


def _parse(item: Incoming, kiosks: dict[str, tuple[Kiosk, Location]], *, site: str, photo_limits: PhotoLimits
           ) -> KioskSubmission | bulletins_reads.ReadInput | RatingInput | None:
    """Check who sent it and that it reads as JSON, then hand it to its topic kind's handler."""
    topic = item.kiosk
    if topic is None or topic.site != site:
        raise Refused("unknown_topic", f"not a kiosk topic of site {site!r}")
    found = kiosks.get(topic.kiosk_id)
    if found is None or not found[0].active:
        raise Refused("unknown_kiosk", f"kiosk {topic.kiosk_id!r} is not registered or not active")
    data = _json(item.payload)
    if item.failure is not None:
        raise Refused("not_applied", f"the service could not apply this message ({item.failure[:200]}); "
                      "it is kept for an operator", report_id=_answered_id(data))
    handler = _HANDLERS.get(topic.kind)
    if handler is None:
        raise Refused("unsupported", f"messages on {topic.kind!r} are not taken yet")
    kiosk, location = found
    return handler(_Received(item, kiosk, location.code, data, photo_limits))


@dataclass(frozen=True)
class _Received:
    """A message from a known, active kiosk, read as JSON: what a handler gets."""

    item: Incoming
    kiosk: Kiosk
    location_code: str  # the kiosk's own location
    data: object
    photo_limits: PhotoLimits


def _status(received: _Received) -> None:
    status = _validate(KioskStatus, received.data)
    kiosks_service.set_status(received.kiosk, state=status.state, version=status.version,
                              at=received.item.received_at, acks=status.acks)


def _bulletin_read(received: _Received) -> bulletins_reads.ReadInput:
    read = _validate(BulletinRead, received.data)
    return bulletins_reads.ReadInput(read_id=str(read.read_id), bulletin_id=read.bulletin_id,
                                     employee_no=read.employee_no, read_at=read.read_at, kiosk_id=received.kiosk.id)


def _rating(received: _Received) -> RatingInput:
    given = _validate(KioskRating, received.data)
    return RatingInput(rating_id=given.rating_id, hazard_ref=given.hazard_ref, rating=given.rating,
                       kiosk_id=saved_id(received.kiosk))


def _report(received: _Received) -> KioskSubmission:
    data, kiosk = received.data, received.kiosk
    version = data.get("schema") if isinstance(data, dict) else None
    report = _validate(REPORT_VERSIONS.get(version, KioskReport) if isinstance(version, str) else KioskReport, data)
    photos = _photos(report, received.photo_limits) if isinstance(report, KioskReportV2) else []
    v3 = report if isinstance(report, KioskReportV3) else None  # (not getattr: pydantic's miss raises, slowly)
    try:  # the register's own rules, should they be stricter than the payload's schema
        return KioskSubmission(report, HazardReport(
            location_code=report.location_code or received.location_code, category_code=report.category,
            description=report.description, source=Channel.kiosk, reporter_employee_no=report.reporter_employee_no,
            reporter_name=report.reporter_name, client_report_id=f"{kiosk.kiosk_id}:{report.report_id}",
            kiosk=kiosk.kiosk_id, urgent=report.urgent and report.behaviour_at is None,
            risk_point_code=v3.risk_point if v3 else None, library_item=v3.library_item if v3 else None,
            behaviour_at=report.behaviour_at, behaviour_person=report.behaviour_person,
        ), photos)
    except ValidationError as exc:
        raise _invalid(exc, data) from exc


# The handler of each kind of kiosk message (as Frigate's dispatcher maps topics to handlers).
_HANDLERS: dict[str, Callable[[_Received], KioskSubmission | bulletins_reads.ReadInput | RatingInput | None]] = {
    "report": _report,
    "status": _status,
    "bulletin-read": _bulletin_read,
    "rating": _rating,
}


def _photos(report: KioskReportV2, limits: PhotoLimits) -> list[ProcessedPhoto]:
    """Each photo through the QR page's pipeline (metadata left behind, bombs refused, size bounded)."""
    processed = []
    for number, text in enumerate(report.photos):
        where = f"photos.{number}"
        try:
            processed.append(process_photo(base64.b64decode(text, validate=True), max_bytes=limits.max_bytes,
                                           max_pixels=limits.max_pixels, max_side=limits.max_side))
        except PhotoRejected as exc:
            raise Refused("invalid_photo", f"{where}: {exc.message}", field=where,
                          report_id=str(report.report_id)) from exc
        except binascii.Error as exc:
            raise Refused("invalid_payload", f"{where}: not base64: {exc}", field=where,
                          report_id=str(report.report_id)) from exc
    return processed


def _json(payload: bytes) -> object:
    try:
        return json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise Refused("invalid_json", f"the payload is not UTF-8 JSON: {exc}") from exc


def _validate(model: type[_Model], data: object) -> _Model:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise _invalid(exc, data) from exc


def _invalid(error: ValidationError, data: object) -> Refused:
    first = error.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or None
    return Refused("invalid_payload", f"{where or 'payload'}: {first['msg']}", field=where,
                   report_id=_answered_id(data))


def _answered_id(data: object) -> str | None:
    """The id an error ack answers, if the message names one: a report's report_id, a rating's rating_id."""
    found = data.get("report_id", data.get("rating_id")) if isinstance(data, dict) else None
    return found if isinstance(found, str) else None


def _keep(session: Session, item: Incoming, reason: str, result: Applied) -> None:
    """Keep a message that was not applied as a dead letter, with the reason (also the result's)."""
    kiosk_id = item.kiosk.kiosk_id[:64] if item.kiosk else None
    session.add(DeadLetter(topic=item.topic[:255], payload=item.payload.decode("utf-8", "replace"), reason=reason,
                           kiosk_id=kiosk_id, received_at=item.received_at))
    result.refused = reason


def _refuse(session: Session, item: Incoming, refused: Refused, result: Applied, *, site: str) -> None:
    """A refused message: a dead letter, and an error ack where someone can be addressed."""
    _keep(session, item, f"{refused.code}: {refused.message}", result)
    logger.warning("kiosk message refused", extra={"topic": item.topic, "code": refused.code})
    topic = item.kiosk
    if topic is None or topic.site != site or topic.kind not in ("report", "bulletin-read", "rating"):
        return  # nobody to address: a status or a foreign topic gets no ack
    if topic.kind == "report":
        result.report = "refused"
    report_id = refused.report_id if refused.report_id and _is_uuid(refused.report_id) else None
    result.answer = messages.answer(report_id=report_id, outcome="rejected",
                                    error=AckError(code=refused.code, field=refused.field, message=refused.message))


def _answer(report: KioskReport, receipt: hazards_intake.Receipt) -> AckResult:
    error = receipt.error
    return messages.answer(
        report_id=report.report_id, outcome="rejected" if error else "accepted" if receipt.created else "duplicate",
        hazard_ref=receipt.ref, tracking_code=receipt.tracking_code, error=_ack_error(error) if error else None,
    )


def ack_code(error: DomainError) -> str:
    """The ack's error code for a domain error (``ACK_CODES``)."""
    return first_match(ACK_CODES, error, "refused")


def _ack_error(error: DomainError) -> AckError:
    return AckError(code=ack_code(error), field=error.field, message=error.message)


def _is_uuid(value: str) -> bool:
    try:
        UUID(value)
    except ValueError:
        return False
    return True


def replay(session: Session, *, letter_id: int, site: str, timezone: str, ack_qos: int = QOS) -> Applied:
    """Apply a dead letter again, once what refused it is fixed: its ack goes to the outbox (a running
    intake publishes it) and the letter is removed. One still refused changes nothing (NotApplicable)."""
    letter = session.get(DeadLetter, letter_id)
    if letter is None:
        raise NotFound(f"no dead letter {letter_id}", field="letter_id")
    item = Incoming(topic=letter.topic, payload=letter.payload.encode("utf-8"), received_at=utc_now())
    attempt = session.begin_nested()
    result = apply_batch(session, [item], site=site, timezone=timezone, ack_qos=ack_qos)[0]
    if result.refused is not None:
        attempt.rollback()
        raise NotApplicable(f"still refused: {result.refused}", field="payload")
    attempt.commit()
    session.delete(letter)
    logger.info("dead letter applied", extra={"letter_id": letter_id, "topic": letter.topic})
    return result
