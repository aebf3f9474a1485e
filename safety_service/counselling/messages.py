"""Family messages (亲情寄语): a short text and an optional photo from a worker's family, for the kiosks.

A message reaches the pithead kiosks' idle rotation only when the family consented to showing it there
and a counsellor let it show; the family (through their link) or a counsellor may withdraw it at any
time. Every change queues the site's current set as the retained ``family-messages/1`` message, in the
same transaction. What the kiosks receive is the text, the signature the family chose and the photo's
thumbnail: never the worker's name, the case or anything from it.
"""

import base64
import json
import logging
from datetime import datetime

from sqlmodel import Session, col, select

from safety_service.clock import utc_now
from safety_service.counselling.cosupervision_schemas import FamilyMessageCreate
from safety_service.counselling.events import append_event
from safety_service.counselling.models import CounsellingCase, FamilyContact, FamilyLink, FamilyMessage
from safety_service.counselling.states import MessageState
from safety_service.database import known
from safety_service.errors import InvalidInput, NotFound
from safety_service.outbox.models import OutboxMessage
from safety_service.people.models import User
from safety_service.photos.processing import ProcessedPhoto
from safety_service.protocol import retained
from safety_service.protocol.topics import family_messages_topic

logger = logging.getLogger(__name__)
KIOSK_MESSAGES = 12  # the newest this many shown messages make up the kiosks' rotation


def leave(session: Session, *, link: FamilyLink, data: FamilyMessageCreate, photo: ProcessedPhoto | None,
          now: datetime | None = None) -> FamilyMessage:
    """The co-supervisor leaves a message; it waits for a counsellor before any kiosk shows it."""
    now = now or utc_now()
    message = FamilyMessage(case_id=link.case_id, family_contact_id=link.family_contact_id, link_id=link.id,
                            text=data.text, signature=data.signature, kiosk_consent=data.kiosk_consent,
                            photo=photo.image if photo else None, photo_thumbnail=photo.thumbnail if photo else None,
                            created_at=now)
    session.add(message)
    session.flush()
    append_event(session, known(session.get(CounsellingCase, link.case_id)), action="family_message_left", actor=None,
                 now=now, data={"message_id": message.id, "kiosk_consent": data.kiosk_consent})
    return message


def withdraw_by_family(session: Session, *, link: FamilyLink, message_id: int, site: str,
                       now: datetime | None = None) -> FamilyMessage:
    """The family takes back one of their own messages (off the kiosks at once)."""
    message = session.get(FamilyMessage, message_id)
    if message is None or message.family_contact_id != link.family_contact_id or message.case_id != link.case_id:
        raise NotFound(f"no message {message_id} of this family", field="message_id")
    return _set(session, message, MessageState.withdrawn, actor=None, site=site, now=now or utc_now())


def review(session: Session, *, case: CounsellingCase, message_id: int, show: bool, actor: User, site: str,
           now: datetime | None = None) -> FamilyMessage:
    """A counsellor lets a message show on the kiosks (only with the family's consent) or withdraws it."""
    message = session.get(FamilyMessage, message_id)
    if message is None or message.case_id != case.id:
        raise NotFound(f"case {case.id} has no family message {message_id}", field="message_id")
    if show and not message.kiosk_consent:
        raise InvalidInput("the family did not consent to showing this message on the kiosks", field="message_id")
    if show and message.state == MessageState.withdrawn:
        raise InvalidInput("a withdrawn message stays withdrawn", field="message_id")
    message.reviewed_by_id, message.reviewed_at = actor.id, now or utc_now()
    return _set(session, message, MessageState.shown if show else MessageState.withdrawn, actor=actor, site=site,
                now=message.reviewed_at)


def _set(session: Session, message: FamilyMessage, state: MessageState, *, actor: User | None, site: str,
         now: datetime) -> FamilyMessage:
    if message.state == state:
        return message
    was_shown = message.state == MessageState.shown
    message.state = state
    session.add(message)
    session.flush()
    append_event(session, known(session.get(CounsellingCase, message.case_id)), action=f"family_message_{state}",
                 actor=actor, now=now, data={"message_id": message.id})
    if was_shown or state == MessageState.shown:
        write_retained(session, site=site, now=now)
    logger.info("family message changed", extra={"message_id": message.id, "state": str(state)})
    return message


def list_messages(session: Session, *, case_id: int) -> list[tuple[FamilyMessage, FamilyContact]]:
    """A case's family messages, newest first, with who wrote each."""
    query = (select(FamilyMessage, FamilyContact)
             .join(FamilyContact, col(FamilyContact.id) == FamilyMessage.family_contact_id)
             .where(FamilyMessage.case_id == case_id).order_by(col(FamilyMessage.id).desc()))
    return list(session.exec(query).all())


def photo(session: Session, *, case: CounsellingCase, message_id: int, thumbnail: bool) -> bytes:
    """A message's photo (or its thumbnail), or NotFound."""
    message = session.get(FamilyMessage, message_id)
    data = None if message is None or message.case_id != case.id else (
        message.photo_thumbnail if thumbnail else message.photo)
    if data is None:
        raise NotFound(f"case {case.id} has no photo of message {message_id}", field="message_id")
    return data


def on_kiosks(session: Session) -> list[FamilyMessage]:
    """The messages the kiosks show: consented, let show, newest first."""
    query = (select(FamilyMessage).where(FamilyMessage.state == MessageState.shown,
                                         col(FamilyMessage.kiosk_consent).is_(True))
             .order_by(col(FamilyMessage.id).desc()).limit(KIOSK_MESSAGES))
    return list(session.exec(query).all())


def retained_payload(session: Session, *, site: str, now: datetime) -> retained.FamilyMessages:
    """The ``family-messages/1`` message: the site's current rotation."""
    items = [retained.FamilyMessageItem(
        id=m.id, text=m.text, signature=m.signature,
        photo=base64.b64encode(m.photo_thumbnail).decode() if m.photo_thumbnail else None)
        for m in on_kiosks(session)]
    return retained.FamilyMessages(schema="family-messages/1", site=site, published_at=now, messages=items)


def write_retained(session: Session, *, site: str, now: datetime) -> OutboxMessage:
    """Queue the current rotation as the retained message on ``safety/{site}/family-messages``."""
    payload = retained_payload(session, site=site, now=now).model_dump_json(by_alias=True)
    row = OutboxMessage(topic=family_messages_topic(site), payload=payload, qos=1, retain=True, created_at=now)
    session.add(row)
    session.flush()
    return row


def ensure_published(session: Session, *, site: str, now: datetime, broker_empty: bool) -> OutboxMessage | None:
    """At start: queue the current rotation when the broker lost its retained messages (the embedded one keeps
    none across a restart) or the last one queued differs from the table (a restore); None otherwise."""
    last = session.exec(select(OutboxMessage.payload).where(OutboxMessage.topic == family_messages_topic(site))
                        .order_by(col(OutboxMessage.id).desc())).first()
    current = retained_payload(session, site=site, now=now).model_dump(mode="json", by_alias=True)["messages"]
    if last is None and not current:
        return None
    if not broker_empty and last is not None and json.loads(last).get("messages") == current:
        return None
    return write_retained(session, site=site, now=now)


def withdraw_all_of(session: Session, *, contact_id: int, actor: User, site: str, now: datetime) -> int:
    """Take every message of one family member off the kiosks (the worker withdrew consent to them)."""
    query = select(FamilyMessage).where(FamilyMessage.family_contact_id == contact_id,
                                        FamilyMessage.state != MessageState.withdrawn)
    found = list(session.exec(query).all())
    for message in found:
        _set(session, message, MessageState.withdrawn, actor=actor, site=site, now=now)
    return len(found)
