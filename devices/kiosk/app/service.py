"""What the kiosk's screen can ask for: state, reports with photos, drafts, pending, "my reports", bulletin reads.

Everything goes through the one ``KioskClient`` and its durable outbox; the draft of the report being
typed is a file of its own next to the outbox, written atomically, so a reboot mid-report keeps it.
"""

import base64
import binascii
import hmac
import json
import os
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from devices.kiosk.app import library
from devices.kiosk.client import KioskClient
from devices.kiosk.outbox import PENDING, REPORT, OutgoingMessage
from devices.kiosk.payloads import InvalidPayload

MAX_PHOTOS = 3
MAX_PHOTO_BYTES = 1024 * 1024
MAX_DRAFT_BYTES = 6 * 1024 * 1024
MAX_WAIT = 20.0  # seconds a screen may wait on one request for an ack
AREA_ESCALATION = "area_escalation"  # a notice naming this area's overdue and escalated hazards
ALERTS, ALERT_AGE = 3, timedelta(hours=24)  # the idle rotation shows the newest few of the last day
JPEG_START = b"\xff\xd8\xff"
# The coal-mine categories (DESIGN.md), shown only until the service's own list (retained on
# safety/{site}/categories, kept in the outbox file) first arrives.
CATEGORIES = (
    ("roof", "顶板", "Roof"), ("gas", "瓦斯", "Gas"), ("ventilation", "通风", "Ventilation"),
    ("water", "水害", "Water"), ("electromechanical", "机电", "Electromechanical"),
    ("transport", "运输", "Transport"), ("blasting", "爆破", "Blasting"), ("fire", "火灾", "Fire"),
    ("dust", "粉尘", "Dust"), ("other", "其他", "Other"),
)


class BadRequest(ValueError):
    """Input from the screen that cannot be taken; ``field`` names what is wrong."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(f"{field_name}: {message}")
        self.field, self.message = field_name, message


@dataclass(frozen=True)
class AppSettings:
    """The screen's settings (``SAFETY_KIOSK_APP_*``, ``SAFETY_KIOSK_PHONE``, ...)."""

    port: int = 8080
    phone: str = ""
    pin: str = ""
    idle_seconds: int = 90
    locations: tuple[tuple[str, str], ...] = ()  # (code, name); empty: the kiosk's own location
    home_location: str | None = None  # the kiosk's own location code: its risk points are offered
    draft_path: Path | None = None


class Drafts:
    """The one draft of the report being typed, on disk (written to a temporary file, fsynced, renamed)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> dict[str, Any]:
        """The draft, or an empty one when there is none (or it was cut off by a power loss)."""
        try:
            return json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def save(self, draft: dict[str, Any]) -> None:
        """Keep the draft durably."""
        data = json.dumps(draft, ensure_ascii=False).encode("utf-8")
        if len(data) > MAX_DRAFT_BYTES:
            raise BadRequest("draft", f"a draft holds at most {MAX_DRAFT_BYTES} bytes")
        temporary = self.path.with_suffix(".tmp")
        with open(temporary, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, self.path)

    def clear(self) -> None:
        """Forget the draft (sent, or the screen was reset)."""
        self.path.unlink(missing_ok=True)


class KioskApp:
    """The screen's backend on one started ``KioskClient``."""

    def __init__(self, kiosk: KioskClient, settings: AppSettings) -> None:
        self.kiosk, self.settings = kiosk, settings
        outbox_path = Path(kiosk.config.outbox_path)
        self.drafts = Drafts(settings.draft_path or outbox_path.with_name(outbox_path.name + ".draft.json"))

    def state(self) -> dict[str, Any]:
        """What every screen shows: connection, pending count, phone, categories, locations, bulletins, boards,
        the area's escalation alerts."""
        bulletins = self.kiosk.bulletins()
        return {"connected": self.kiosk.connected, "protocol": self.kiosk.protocol,
                "pending": len(self.kiosk.outbox.pending(kind=REPORT)), "phone": self.settings.phone,
                "idle_seconds": self.settings.idle_seconds, "has_pin": bool(self.settings.pin),
                "categories": self.categories(),
                "locations": [{"code": code, "name": name} for code, name in self.settings.locations],
                "home_location": self.settings.home_location, "risk_points": self.risk_points(),
                "bulletins": bulletins[-1].payload["bulletins"] if bulletins else [],
                "boards": [self.kiosk.boards[area] for area in sorted(self.kiosk.boards)], "alerts": self.alerts(),
                "family_messages": self.kiosk.family_messages(), "awards": self.awards(),
                "library_items": len(self.kiosk.hazard_library())}

    def library_matches(self, text: str, category: str | None) -> list[dict[str, Any]]:
        """The standard hazard library items nearest what the worker typed, from the copy kept on disk (offline)."""
        text = _text(text, "text", 2000) or ""
        return library.matches(self.kiosk.hazard_library(), text=text, category=_code(category, "category"))

    def awards(self) -> list[dict[str, Any]]:
        """The public list of awards (奖励公示) for the idle rotation: the lines of the service's last list still
        inside its window by this kiosk's clock (a kiosk offline for weeks shows no stale awards), newest first."""
        published = self.kiosk.awards()
        if published is None:
            return []
        since = self.kiosk.clock() - timedelta(days=published["days"])
        return [line for line in published["awards"] if datetime.fromisoformat(line["decided_at"]) >= since]

    def alerts(self) -> list[dict[str, Any]]:
        """The newest area escalation notices of the last day, newest first."""
        since = self.kiosk.clock() - ALERT_AGE
        recent = [n.payload for n in self.kiosk.notices()
                  if n.payload.get("kind") == AREA_ESCALATION and n.received_at >= since]
        return recent[::-1][:ALERTS]

    def risk_points(self) -> list[dict[str, Any]]:
        """The risk points of every area's board (board/2), each once: what a report may name at its location."""
        found: dict[str, dict[str, Any]] = {}
        for area in sorted(self.kiosk.boards):
            for point in self.kiosk.boards[area].get("risk_points", []):
                found.setdefault(point["code"], point)
        return list(found.values())

    def categories(self) -> list[dict[str, str]]:
        """The category buttons: the service's last list, else the built-in one."""
        published = self.kiosk.categories()
        if published is None:
            return [{"code": c, "zh": zh, "en": en} for c, zh, en in CATEGORIES]
        return [{"code": c["code"], "zh": c["name"]["zh"], "en": c["name"].get("en") or c["name"]["zh"]}
                for c in published]

    def submit(self, body: dict[str, Any]) -> dict[str, Any]:
        """Put a report in the outbox (once per ``report_id``) and forget the draft; its state so far."""
        report_id = _uuid(body.get("report_id"))
        photos = [_photo(text, number) for number, text in enumerate(_list(body.get("photos"), "photos"))]
        if len(photos) > MAX_PHOTOS:
            raise BadRequest("photos", f"at most {MAX_PHOTOS} photos")
        description = _text(body.get("description"), "description", 2000, required=True)
        urgent = body.get("urgent", False)
        if not isinstance(urgent, bool):
            raise BadRequest("urgent", "must be true or false")
        try:
            self.kiosk.report(description, category=_code(body.get("category"), "category"),
                              location_code=_code(body.get("location_code"), "location_code"),
                              employee_no=_text(body.get("employee_no"), "employee_no", 32), photos=photos,
                              report_id=report_id, urgent=urgent, risk_point=_code(body.get("risk_point"), "risk_point"),
                              library_item=_library_item(body.get("library_item")), **_behaviour(body))
        except InvalidPayload as exc:
            raise BadRequest(exc.field or "report", exc.message) from exc
        self.drafts.clear()
        return self.report_state(report_id)

    def report_state(self, report_id: str, *, wait: float = 0.0) -> dict[str, Any]:
        """A report's state: pending, or the service's answer; waits up to ``wait`` seconds for that answer."""
        message = self.kiosk.outbox.get(_uuid(report_id))
        if message is None or message.kind != REPORT:
            raise BadRequest("report_id", "no such report at this kiosk")
        if message.state == PENDING and wait > 0:
            message = self.kiosk.wait_done(message.key, min(wait, MAX_WAIT)) or message
        return _public(message)

    def pending(self, pin: object) -> list[dict[str, Any]]:
        """The reports still waiting for their ack, for the attendant with the PIN."""
        if not self.settings.pin or not isinstance(pin, str) or not hmac.compare_digest(pin, self.settings.pin):
            raise BadRequest("pin", "wrong PIN")
        return [_public(m) | {"sent_count": m.sent_count} for m in self.kiosk.outbox.pending(kind=REPORT)]

    def mine(self, body: dict[str, Any]) -> dict[str, Any]:
        """The reports made here by an employee number, or the one with a tracking code, and their notices."""
        employee_no = _text(body.get("employee_no"), "employee_no", 32)
        tracking_code = _text(body.get("tracking_code"), "tracking_code", 32)
        if not employee_no and not tracking_code:
            raise BadRequest("employee_no", "give an employee number or a tracking code")
        reports = [m for m in self.kiosk.outbox.recent(REPORT)
                   if (employee_no and m.payload.get("reporter_employee_no") == employee_no)
                   or (tracking_code and m.tracking_code == tracking_code.upper())]
        refs = {m.hazard_ref for m in reports if m.hazard_ref}
        notices = [n.payload for n in self.kiosk.notices() if n.payload.get("hazard_ref") in refs]
        return {"reports": [_public(m) for m in reversed(reports)], "notices": list(reversed(notices))}

    def read(self, body: dict[str, Any]) -> dict[str, Any]:
        """A worker confirmed reading a bulletin."""
        bulletin_id = body.get("bulletin_id")
        if not isinstance(bulletin_id, int) or isinstance(bulletin_id, bool) or not 1 <= bulletin_id < 2**31:
            raise BadRequest("bulletin_id", "must be a bulletin id")
        employee_no = _text(body.get("employee_no"), "employee_no", 32, required=True)
        return {"read_id": self.kiosk.confirm_bulletin(bulletin_id, employee_no)}


def _library_item(value: object) -> int | None:
    """The id of the standard hazard library item the worker chose, if any."""
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value < 2**31:
        raise BadRequest("library_item", "must be a hazard library item id")
    return value


def _behaviour(body: dict[str, Any]) -> dict[str, Any]:
    """A report of unsafe behaviour (人的不安全行为, 三违): when it happened (ISO 8601 with its offset) and, if given,
    the person's name; nothing for a hazard report."""
    when, person = body.get("behaviour_at"), _text(body.get("behaviour_person"), "behaviour_person", 64)
    if when is None:
        if person:
            raise BadRequest("behaviour_at", "is required with behaviour_person")
        return {}
    try:
        at = datetime.fromisoformat(when) if isinstance(when, str) else None
    except ValueError:
        at = None
    if at is None or at.tzinfo is None:
        raise BadRequest("behaviour_at", "must be a date and time with its offset (ISO 8601)")
    return {"behaviour_at": at, "behaviour_person": person}


def _public(message: OutgoingMessage) -> dict[str, Any]:
    payload = message.payload
    return {"report_id": message.key, "state": message.state, "outcome": message.outcome,
            "hazard_ref": message.hazard_ref, "tracking_code": message.tracking_code, "error": message.error,
            "description": payload.get("description"), "category": payload.get("category"),
            "urgent": payload.get("urgent", False), "behaviour": "behaviour_at" in payload,
            "photos": len(payload.get("photos", [])), "created_at": message.created_at.isoformat()}


def _uuid(value: object, name: str = "report_id") -> str:
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        raise BadRequest(name, "must be a UUID") from None


def _list(value: object, name: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise BadRequest(name, "must be a list")
    return value


def _text(value: object, name: str, longest: int, *, required: bool = False) -> str | None:
    if value is None or value == "":
        if required:
            raise BadRequest(name, "is required")
        return None
    if not isinstance(value, str) or len(value) > longest or "\x00" in value:
        raise BadRequest(name, f"must be text of at most {longest} characters")
    text = value.strip()
    if required and not text:
        raise BadRequest(name, "is required")
    return text or None


def _code(value: object, name: str) -> str | None:
    return _text(value, name, 32)


def _photo(value: object, number: int) -> bytes:
    name = f"photos.{number}"
    if not isinstance(value, str):
        raise BadRequest(name, "must be base64 text")
    try:
        data = base64.b64decode(value.split(",", 1)[-1], validate=True)
    except (binascii.Error, ValueError):
        raise BadRequest(name, "must be base64 text") from None
    if not data.startswith(JPEG_START) or len(data) > MAX_PHOTO_BYTES:
        raise BadRequest(name, f"must be a JPEG of at most {MAX_PHOTO_BYTES} bytes")
    return data
