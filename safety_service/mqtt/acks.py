"""The answers of one applied batch, addressed per kiosk: one ``kiosk-ack/2`` for each kiosk whose status
said it reads it, else one ``kiosk-ack/1`` per report (what every kiosk reads).

A kiosk's ``kiosk-ack/2`` rides with its last message of the batch: the client publishes it after the
commit, with that message's callback; the relay publishes it should the process die first.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from safety_service.outbox import service as outbox
from safety_service.outbox.service import Outgoing
from safety_service.protocol import messages
from safety_service.protocol.kiosk_reads import AckResult
from safety_service.protocol.topics import QOS, kiosk_topic

BATCH_ACK_VERSION = 2  # a kiosk at this ack version or later gets one ack per batch


@dataclass(frozen=True)
class Answer:
    """One message's answer and whom it goes to."""

    kiosk_id: str
    result: AckResult
    received_at: datetime


def address(answers: Mapping[int, Answer], versions: Mapping[str, int], *, site: str,
            at: datetime, qos: int = QOS) -> dict[int, list[Outgoing]]:
    """The batch's ack rows by the index of the message that carries them; ``versions`` is each known kiosk's
    ack version (an unknown kiosk reads kiosk-ack/1), ``qos`` the acks' (``SAFETY_MQTT_ACK_QOS``)."""
    by_kiosk: dict[str, list[int]] = {}
    for index in sorted(answers):
        by_kiosk.setdefault(answers[index].kiosk_id, []).append(index)
    rows: dict[int, list[Outgoing]] = {}
    for kiosk_id, indexes in by_kiosk.items():
        topic = kiosk_topic(site, kiosk_id, "ack")
        if versions.get(kiosk_id, 1) >= BATCH_ACK_VERSION:
            ack = messages.acks(at=at, results=[answers[index].result for index in indexes])
            rows.setdefault(indexes[-1], []).append(outbox.outgoing(topic, ack, qos=qos))
            continue
        for index in indexes:
            ack_v1 = messages.ack_of(answers[index].result, at=answers[index].received_at)
            rows.setdefault(index, []).append(outbox.outgoing(topic, ack_v1, qos=qos))
    return rows
