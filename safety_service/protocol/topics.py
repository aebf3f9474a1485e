"""The MQTT topic layout of DESIGN.md, in one place."""

from dataclasses import dataclass

KIOSK_WRITES = ("report", "status", "bulletin-read", "rating")  # kiosk -> service, each kiosk only its own
KIOSK_READS = ("ack", "notice")  # service -> one kiosk
KIOSK_KINDS = (*KIOSK_WRITES, *KIOSK_READS)
SITE_RETAINED = ("bulletin", "categories", "family-messages", "hazard-library",
                 "awards")  # safety/{site}/{kind}, retained for kiosks that connect later
QOS = 1  # every message of the layout


def kiosk_topic(site: str, kiosk_id: str, kind: str) -> str:
    """``safety/{site}/kiosk/{kiosk}/{kind}``."""
    return f"safety/{site}/kiosk/{kiosk_id}/{kind}"


def bulletin_topic(site: str) -> str:
    """``safety/{site}/bulletin`` (retained)."""
    return f"safety/{site}/bulletin"


def board_topic(site: str, area: str) -> str:
    """``safety/{site}/board/{area}`` (retained): the area's public hazard board."""
    return f"safety/{site}/board/{area}"


def categories_topic(site: str) -> str:
    """``safety/{site}/categories`` (retained): the active hazard categories the kiosks offer."""
    return f"safety/{site}/categories"


def is_retained(topic: str) -> bool:
    """Whether the service publishes on this topic retained: the bulletins, the categories, the area boards."""
    parts = topic.split("/")
    if len(parts) < 3 or parts[0] != "safety":
        return False
    return (len(parts) == 3 and parts[2] in SITE_RETAINED) or (len(parts) == 4 and parts[2] == "board")
def family_messages_topic(site: str) -> str:
    """``safety/{site}/family-messages`` (retained): the family messages (亲情寄语) of the kiosks' idle rotation."""
    return f"safety/{site}/family-messages"


def hazard_library_topic(site: str) -> str:
    """``safety/{site}/hazard-library`` (retained): the active standard hazard library (隐患标准库) the kiosks match."""
    return f"safety/{site}/hazard-library"


def awards_topic(site: str) -> str:
    """``safety/{site}/awards`` (retained): the public list of awards (奖励公示) of the kiosks' idle rotation."""
    return f"safety/{site}/awards"


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
