"""The MQTT topic layout of DESIGN.md, in one place."""

from dataclasses import dataclass

KIOSK_KINDS = ("report", "ack", "status", "notice", "bulletin-read")


def kiosk_topic(site: str, kiosk_id: str, kind: str) -> str:
    """``safety/{site}/kiosk/{kiosk}/{kind}``."""
    return f"safety/{site}/kiosk/{kiosk_id}/{kind}"


def bulletin_topic(site: str) -> str:
    """``safety/{site}/bulletin`` (retained)."""
    return f"safety/{site}/bulletin"


def kiosk_filter(site: str, kind: str) -> str:
    """The filter that matches this kind of message from every kiosk of the site."""
    return f"safety/{site}/kiosk/+/{kind}"


@dataclass(frozen=True)
class KioskTopic:
    site: str
    kiosk_id: str
    kind: str


def parse_kiosk_topic(topic: str) -> KioskTopic | None:
    """The parts of a kiosk topic, or None when the topic is not one."""
    parts = topic.split("/")
    if len(parts) != 5 or parts[0] != "safety" or parts[2] != "kiosk" or parts[4] not in KIOSK_KINDS:
        return None
    return KioskTopic(site=parts[1], kiosk_id=parts[3], kind=parts[4])
