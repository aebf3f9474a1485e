"""The MQTT payloads a kiosk sends and reads, checked against the shared JSON Schemas in ``schemas/``.

The schema directory is found next to the repository root; ``SAFETY_KIOSK_SCHEMAS`` or an explicit
path overrides it (a tablet image may ship the schemas elsewhere).
"""

import base64
import json
import os
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker

DEFAULT_SCHEMAS_DIR = Path(__file__).resolve().parents[2] / "schemas"
SCHEMA_NAMES = ("kiosk-report", "kiosk-report-2", "kiosk-report-3", "kiosk-ack", "kiosk-ack-2", "kiosk-status",
                "kiosk-notice", "bulletin", "bulletin-read", "board", "board-2", "categories", "family-messages",
                "kiosk-rating", "hazard-library", "awards")
RATINGS = ("satisfied", "basic", "dissatisfied")  # 满意, 基本满意, 不满意


class InvalidPayload(ValueError):
    """A payload does not match its JSON Schema."""

    def __init__(self, schema: str, field: str | None, message: str) -> None:
        super().__init__(f"{schema}: {field or '(payload)'}: {message}")
        self.schema, self.field, self.message = schema, field, message


def utc_now() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


def iso(value: datetime) -> str:
    """An aware datetime as ISO 8601 text in UTC."""
    return value.astimezone(UTC).isoformat()


def schemas_dir(override: str | Path | None = None) -> Path:
    """The directory holding ``*.schema.json``: the argument, else ``SAFETY_KIOSK_SCHEMAS``, else the repository's."""
    chosen = override or os.environ.get("SAFETY_KIOSK_SCHEMAS") or DEFAULT_SCHEMAS_DIR
    return Path(chosen)


@cache
def _validator(directory: Path, name: str) -> Draft202012Validator:
    schema = json.loads((directory / f"{name}.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=FormatChecker())


@dataclass(frozen=True)
class Schemas:
    """Validators for every kiosk payload, loaded from one schema directory."""

    directory: Path

    @classmethod
    def load(cls, override: str | Path | None = None) -> "Schemas":
        """Load and check every schema now, so a missing file fails at start-up, not at the first message."""
        directory = schemas_dir(override).resolve()
        for name in SCHEMA_NAMES:
            _validator(directory, name)
        return cls(directory)

    def validate(self, name: str, payload: Any) -> None:
        """Raise InvalidPayload naming the first failing field."""
        error = next(iter(_validator(self.directory, name).iter_errors(payload)), None)
        if error is not None:
            field = ".".join(str(part) for part in error.absolute_path) or None
            raise InvalidPayload(name, field, error.message)

    def parse(self, name: str, raw: bytes, *, versions: dict[str, str] | None = None) -> dict[str, Any]:
        """Decode JSON bytes and validate them (against ``versions[payload's schema field]`` when it names one, else
        ``name``); raise InvalidPayload when either fails."""
        try:
            payload = json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InvalidPayload(name, None, f"not JSON: {exc}") from exc
        version = payload.get("schema") if isinstance(payload, dict) else None
        self.validate((versions or {}).get(version, name) if isinstance(version, str) else name, payload)
        return payload


def report_payload(description: str, *, category: str | None = None, location_code: str | None = None,
                   employee_no: str | None = None, name: str | None = None, photos: Sequence[bytes] = (),
                   report_id: str | None = None, created_at: datetime | None = None,
                   urgent: bool = False, risk_point: str | None = None, behaviour_at: datetime | None = None,
                   behaviour_person: str | None = None, library_item: int | None = None) -> dict[str, Any]:
    """A new report payload with a fresh UUID4 ``report_id`` (unless given): kiosk-report/3 when it names a risk point
    or a standard hazard library item (隐患标准库, from hazard-library/1),
    kiosk-report/2 when it carries photos (JPEG bytes), else kiosk-report/1 (which every service version takes);
    optional fields left out when empty, ``urgent`` (紧急/立即危险) only when chosen; ``behaviour_at`` (and the
    person's name, optional) make it a report of unsafe behaviour (人的不安全行为), which needs a service that
    knows these fields."""
    version = "kiosk-report/3" if risk_point or library_item else "kiosk-report/2" if photos else "kiosk-report/1"
    payload = {"schema": version, "report_id": report_id or str(uuid.uuid4()), "risk_point": risk_point,
               "created_at": iso(created_at or utc_now()), "description": description,
               "category": category, "location_code": location_code,
               "reporter_employee_no": employee_no, "reporter_name": name,
               "photos": [base64.b64encode(photo).decode("ascii") for photo in photos] or None,
               "urgent": True if urgent else None,
               "behaviour_at": iso(behaviour_at) if behaviour_at else None, "behaviour_person": behaviour_person,
               "library_item": library_item}
    return {key: value for key, value in payload.items() if value is not None}


# kiosk-ack/2 answers all of one batch's reports of this kiosk in one message; the service sends it only to a
# kiosk whose status lists it in ``acks`` (ACKS_READ), and kiosk-ack/1 to every other.
ACK_VERSIONS = {"kiosk-ack/2": "kiosk-ack-2"}
ACKS_READ = ("kiosk-ack/1", "kiosk-ack/2")

# board/2 adds the area's risk points (the four-colour map, the report's risk point choice) to board/1.
BOARD_VERSIONS = {"board/2": "board-2"}


def report_schema(payload: dict[str, Any]) -> str:
    """The schema file a report payload is checked against."""
    return {"kiosk-report/2": "kiosk-report-2", "kiosk-report/3": "kiosk-report-3"}.get(payload.get("schema", ""),
                                                                                      "kiosk-report")


def bulletin_read_payload(bulletin_id: int, employee_no: str, *, read_at: datetime | None = None) -> dict[str, Any]:
    """A new bulletin-read/1 payload with a fresh UUID4 ``read_id``."""
    return {"schema": "bulletin-read/1", "read_id": str(uuid.uuid4()), "bulletin_id": bulletin_id,
            "employee_no": employee_no, "read_at": iso(read_at or utc_now())}


def rating_payload(hazard_ref: str, rating: str, *, rating_id: str | None = None,
                   at: datetime | None = None) -> dict[str, Any]:
    """A new kiosk-rating/1 payload (满意/基本满意/不满意 of a closed report made here) with a fresh UUID4
    ``rating_id`` unless given."""
    return {"schema": "kiosk-rating/1", "rating_id": rating_id or str(uuid.uuid4()), "hazard_ref": hazard_ref,
            "rating": rating, "at": iso(at or utc_now())}


def status_payload(state: str, version: str | None, *, at: datetime | None = None,
                   acks: Sequence[str] = ACKS_READ) -> dict[str, Any]:
    """A kiosk-status/1 payload naming the ack versions this kiosk reads; the last will carries ``at`` null
    because nobody knows when it fires."""
    return {"schema": "kiosk-status/1", "state": state, "version": version, "at": iso(at) if at else None,
            "acks": list(acks)}


def encode(payload: dict[str, Any]) -> bytes:
    """Compact UTF-8 JSON, Chinese kept readable."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@dataclass(frozen=True)
class Topics:
    """The MQTT topics of one kiosk at one site (DESIGN.md, "MQTT kiosks")."""

    site: str
    kiosk: str

    def __post_init__(self) -> None:
        for label, value in (("site", self.site), ("kiosk", self.kiosk)):
            if not value or any(char in value for char in "/+#\0"):
                raise ValueError(f"{label} must be a non-empty topic level without / + # : {value!r}")

    def _kiosk(self, leaf: str) -> str:
        return f"safety/{self.site}/kiosk/{self.kiosk}/{leaf}"

    @property
    def report(self) -> str:
        return self._kiosk("report")

    @property
    def ack(self) -> str:
        return self._kiosk("ack")

    @property
    def status(self) -> str:
        return self._kiosk("status")

    @property
    def notice(self) -> str:
        return self._kiosk("notice")

    @property
    def bulletin_read(self) -> str:
        return self._kiosk("bulletin-read")

    @property
    def rating(self) -> str:
        return self._kiosk("rating")

    @property
    def bulletin(self) -> str:
        return f"safety/{self.site}/bulletin"

    @property
    def boards(self) -> str:
        """The filter of every area's public hazard board (retained)."""
        return f"safety/{self.site}/board/+"

    @property
    def categories(self) -> str:
        """The site's active hazard categories (retained)."""
        return f"safety/{self.site}/categories"

    @property
    def family_messages(self) -> str:
        """The family messages (亲情寄语) of the idle rotation (retained)."""
        return f"safety/{self.site}/family-messages"

    @property
    def hazard_library(self) -> str:
        """The active standard hazard library (隐患标准库) the report screen matches offline (retained)."""
        return f"safety/{self.site}/hazard-library"

    @property
    def awards(self) -> str:
        """The public list of awards (奖励公示) of the idle rotation (retained)."""
        return f"safety/{self.site}/awards"

    def is_board(self, topic: str) -> bool:
        """Whether a topic is one area's board."""
        prefix = f"safety/{self.site}/board/"
        return topic.startswith(prefix) and "/" not in topic[len(prefix):]
