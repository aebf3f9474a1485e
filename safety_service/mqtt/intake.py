"""Kiosk messages applied in batches: reports through the one intake path, status updates,
bulletin-read confirmations, and for every report an ack in the outbox, written in the same transaction.

Nothing here talks to the broker; ``mqtt.service`` feeds it and publishes the outbox after commit.
"""

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID, uuid4

from pydantic import ValidationError
from sqlmodel import Session, col, select

from safety_service.bulletins import reads as bulletins_reads
from safety_service.clock import utc_now
from safety_service.errors import DomainError, NotApplicable, NotFound
from safety_service.hazards import intake as hazards_intake
from safety_service.hazards.schemas import HazardReport
from safety_service.hazards.states import Channel
from safety_service.kiosks import service as kiosks_service
from safety_service.kiosks.models import Kiosk
from safety_service.locations.models import Location
from safety_service.mqtt.models import DeadLetter, OutboxMessage
from safety_service.mqtt.payloads import AckError, BulletinRead, KioskAck, KioskReport, KioskStatus
from safety_service.mqtt.topics import kiosk_topic, parse_kiosk_topic

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Incoming:
    """One message as the broker delivered it; ``failure`` says why applying it failed, if it did."""

    topic: str
    payload: bytes
    received_at: datetime
    failure: str | None = None


@dataclass(frozen=True)
class Outgoing:
    """An outbox row to publish once its transaction committed."""

    key: str
    topic: str
    payload: str
    qos: int = 1
    retain: bool = False


@dataclass
class Applied:
    """What applying one message produced: the outbox rows to publish once committed, and why it
    was refused if it was (it is then a dead letter too)."""

    outbox: list[Outgoing] = field(default_factory=list)
    refused: str | None = None


class Refused(Exception):
    """A message that cannot be applied; ``code`` goes into the error ack."""

    def __init__(self, code: str, message: str, *, field: str | None = None, report_id: str | None = None):
        super().__init__(message)
        self.code, self.message, self.field, self.report_id = code, message, field, report_id


def apply_batch(session: Session, items: list[Incoming], *, site: str, timezone: str) -> list[Applied]:
    """Apply a batch of kiosk messages; one result per message, in order."""
    kiosks = _kiosks(session, items)
    results = [Applied() for _ in items]
    reports: list[tuple[int, KioskReport, HazardReport]] = []
    reads: list[tuple[int, bulletins_reads.ReadInput]] = []
    for index, item in enumerate(items):
        try:
            parsed = _parse(item, kiosks, site=site)
        except Refused as refused:
            _refuse(session, item, refused, results[index], site=site)
            continue
        if isinstance(parsed, tuple):
            reports.append((index, *parsed))
        elif isinstance(parsed, bulletins_reads.ReadInput):
            reads.append((index, parsed))
    receipts = hazards_intake.report_hazards(session, reports=[r for _, _, r in reports], timezone=timezone)
    for (index, payload, _), receipt in zip(reports, receipts, strict=True):
        results[index].outbox.append(_ack(items[index], payload, receipt, site=site))
        if receipt.error is not None:
            _keep(session, items[index], f"{type(receipt.error).__name__}: {receipt.error.message}", results[index])
    _apply_reads(session, items, reads, results, site=site)
    _store_outbox(session, [row for result in results for row in result.outbox], at=utc_now())
    return results


def _apply_reads(session: Session, items: list[Incoming], reads: list[tuple[int, bulletins_reads.ReadInput]],
                 results: list[Applied], *, site: str) -> None:
    """Record the confirmations; one naming an unknown bulletin gets an error ack."""
    errors = bulletins_reads.record_reads(session, reads=[r for _, r in reads], now=utc_now())
    for (index, _), error in zip(reads, errors, strict=True):
        if error is not None:
            _refuse(session, items[index], Refused("not_found", error.message, field=error.field), results[index],
                    site=site)


def _store_outbox(session: Session, rows: list[Outgoing], *, at: datetime) -> None:
    if rows:
        session.execute(OutboxMessage.__table__.insert(), [
            {"key": r.key, "topic": r.topic, "payload": r.payload, "qos": r.qos, "retain": r.retain,
             "created_at": at, "published_at": None} for r in rows])


def _kiosks(session: Session, items: list[Incoming]) -> dict[str, tuple[Kiosk, str]]:
    ids = {t.kiosk_id for t in (parse_kiosk_topic(i.topic) for i in items) if t is not None}
    if not ids:
        return {}
    query = select(Kiosk, Location.code).join(Location).where(col(Kiosk.kiosk_id).in_(ids))
    return {kiosk.kiosk_id: (kiosk, code) for kiosk, code in session.exec(query).all()}


def _parse(item: Incoming, kiosks: dict[str, tuple[Kiosk, str]], *, site: str
           ) -> tuple[KioskReport, HazardReport] | bulletins_reads.ReadInput | None:
    topic = parse_kiosk_topic(item.topic)
    if topic is None or topic.site != site:
        raise Refused("unknown_topic", f"not a kiosk topic of site {site!r}")
    found = kiosks.get(topic.kiosk_id)
    if found is None or not found[0].active:
        raise Refused("unknown_kiosk", f"kiosk {topic.kiosk_id!r} is not registered or not active")
    kiosk, location_code = found
    data = _json(item.payload)
    if item.failure is not None:
        report_id = data.get("report_id") if isinstance(data, dict) else None
        raise Refused("not_applied", f"the service could not apply this message ({item.failure[:200]}); "
                      "it is kept for an operator", report_id=report_id if isinstance(report_id, str) else None)
    if topic.kind == "status":
        status = _validate(KioskStatus, data)
        kiosks_service.set_status(kiosk, state=status.state, version=status.version, at=item.received_at)
        return None
    if topic.kind == "bulletin-read":
        read = _validate(BulletinRead, data)
        return bulletins_reads.ReadInput(read_id=str(read.read_id), bulletin_id=read.bulletin_id,
                                         employee_no=read.employee_no, read_at=read.read_at, kiosk_id=kiosk.id)
    if topic.kind != "report":
        raise Refused("unsupported", f"messages on {topic.kind!r} are not taken yet")
    report = _validate(KioskReport, data)
    try:  # the register's own rules, should they be stricter than the payload's schema
        return report, HazardReport(
            location_code=report.location_code or location_code, category_code=report.category,
            description=report.description, source=Channel.kiosk, reporter_employee_no=report.reporter_employee_no,
            reporter_name=report.reporter_name, client_report_id=f"{kiosk.kiosk_id}:{report.report_id}",
            kiosk=kiosk.kiosk_id,
        )
    except ValidationError as exc:
        raise _invalid(exc, data) from exc


def _json(payload: bytes) -> object:
    try:
        return json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise Refused("invalid_json", f"the payload is not UTF-8 JSON: {exc}") from exc


def _validate(model: type, data: object):
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise _invalid(exc, data) from exc


def _invalid(error: ValidationError, data: object) -> Refused:
    first = error.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or None
    report_id = data.get("report_id") if isinstance(data, dict) else None
    return Refused("invalid_payload", f"{where or 'payload'}: {first['msg']}", field=where,
                   report_id=report_id if isinstance(report_id, str) else None)


def _keep(session: Session, item: Incoming, reason: str, result: Applied) -> None:
    """Keep a message that was not applied as a dead letter, with the reason (also the result's)."""
    topic = parse_kiosk_topic(item.topic)
    kiosk_id = topic.kiosk_id[:64] if topic else None
    session.add(DeadLetter(topic=item.topic[:255], payload=item.payload.decode("utf-8", "replace"), reason=reason,
                           kiosk_id=kiosk_id, received_at=item.received_at))
    result.refused = reason


def _refuse(session: Session, item: Incoming, refused: Refused, result: Applied, *, site: str) -> None:
    """A refused message: a dead letter, and an error ack where someone can be addressed."""
    _keep(session, item, f"{refused.code}: {refused.message}", result)
    logger.warning("kiosk message refused", extra={"topic": item.topic, "code": refused.code})
    topic = parse_kiosk_topic(item.topic)
    if topic is None or topic.site != site or topic.kind not in ("report", "bulletin-read"):
        return  # nobody to address: a status or a foreign topic gets no ack
    report_id = refused.report_id if refused.report_id and _is_uuid(refused.report_id) else None
    ack = KioskAck(schema="kiosk-ack/1", report_id=report_id, outcome="rejected", at=item.received_at,
                   error=AckError(code=refused.code, field=refused.field, message=refused.message))
    result.outbox.append(_outbox(kiosk_topic(site, topic.kiosk_id, "ack"), ack))


def _ack(item: Incoming, report: KioskReport, receipt: hazards_intake.Receipt, *, site: str) -> Outgoing:
    kiosk_id = parse_kiosk_topic(item.topic).kiosk_id  # type: ignore[union-attr]
    error = receipt.error
    ack = KioskAck(
        schema="kiosk-ack/1", report_id=report.report_id, at=item.received_at,
        outcome="rejected" if error else "accepted" if receipt.created else "duplicate",
        hazard_ref=receipt.ref, tracking_code=receipt.tracking_code,
        error=_ack_error(error) if error else None,
    )
    return _outbox(kiosk_topic(site, kiosk_id, "ack"), ack)


def _ack_error(error: DomainError) -> AckError:
    code = {"NotFound": "not_found", "InvalidInput": "invalid_input"}.get(type(error).__name__, "refused")
    return AckError(code=code, field=error.field, message=error.message)


def _outbox(topic: str, payload: KioskAck) -> Outgoing:
    return Outgoing(key=uuid4().hex, topic=topic, payload=payload.model_dump_json(by_alias=True))


def _is_uuid(value: str) -> bool:
    try:
        UUID(value)
    except ValueError:
        return False
    return True


def replay(session: Session, *, letter_id: int, site: str, timezone: str) -> Applied:
    """Apply a dead letter again, once what refused it is fixed: its ack goes to the outbox (a running
    intake publishes it) and the letter is removed. One still refused changes nothing (NotApplicable)."""
    letter = session.get(DeadLetter, letter_id)
    if letter is None:
        raise NotFound(f"no dead letter {letter_id}", field="letter_id")
    item = Incoming(topic=letter.topic, payload=letter.payload.encode("utf-8"), received_at=utc_now())
    attempt = session.begin_nested()
    result = apply_batch(session, [item], site=site, timezone=timezone)[0]
    if result.refused is not None:
        attempt.rollback()
        raise NotApplicable(f"still refused: {result.refused}", field="payload")
    attempt.commit()
    session.delete(letter)
    logger.info("dead letter applied", extra={"letter_id": letter_id, "topic": letter.topic})
    return result
