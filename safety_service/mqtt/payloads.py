"""The MQTT payloads, one model per topic; ``schemas/*.schema.json`` describe the same for kiosks.

Each payload names its version in ``schema``; a change that old kiosks cannot read gets a new one.
"""

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from safety_service.validation import RowId, Text

CODE = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"


class Payload(BaseModel):
    model_config = ConfigDict(extra="forbid")


class KioskPayload(Payload):
    """What a kiosk sends: no text in it may hold NUL (0x00), which is never part of a report and
    which PostgreSQL cannot store. (What the service sends may quote such text back in an error.)"""

    @field_validator("*")
    @classmethod
    def _without_nul(cls, value: object) -> object:
        if _holds_nul(value):
            raise ValueError("must not contain NUL (0x00) characters")
        return value


def _holds_nul(value: object) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list | tuple):
        return any(_holds_nul(item) for item in value)
    if isinstance(value, dict):
        return any(_holds_nul(key) or _holds_nul(item) for key, item in value.items())
    return False


class KioskReport(KioskPayload):
    """A hazard reported at a kiosk (kiosk → service, QoS 1)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"schema": "kiosk-report/1", "report_id": "5b1f0c6e-8a43-4f0e-9d55-3f7f6f0d9a21",
         "created_at": "2026-11-24T08:15:02+08:00", "description": "3102运输顺槽顶板有裂缝，锚杆托盘松动",
         "category": "roof", "location_code": "RW-3102", "reporter_employee_no": "1001", "reporter_name": "张伟"},
        {"schema": "kiosk-report/1", "report_id": "0e0b7d4c-2f6e-4a4f-8a7e-0d5c3f0b1a99",
         "created_at": "2026-11-24T00:20:00Z", "description": "皮带机急停拉线失效"},
    ]})

    schema_: Literal["kiosk-report/1"] = Field(alias="schema")
    report_id: UUID = Field(description="made by the kiosk; the idempotency key of the report")
    created_at: AwareDatetime = Field(description="when the worker made the report, by the kiosk's clock")
    description: Text = Field(min_length=1, max_length=2000)
    category: str | None = Field(default=None, max_length=32, pattern=CODE, description="a category code")
    location_code: str | None = Field(default=None, max_length=32, pattern=CODE,
                                      description="where the hazard is; the kiosk's own location when absent")
    reporter_employee_no: str | None = Field(default=None, min_length=1, max_length=32)
    reporter_name: str | None = Field(default=None, min_length=1, max_length=64)


class AckError(Payload):
    code: str = Field(description="invalid_json, invalid_payload, unknown_kiosk, not_found, not_applied, ...")
    field: str | None = None
    message: str


class KioskAck(Payload):
    """The service's answer to one report (service → kiosk, QoS 1), sent after it is stored."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"schema": "kiosk-ack/1", "report_id": "5b1f0c6e-8a43-4f0e-9d55-3f7f6f0d9a21", "outcome": "accepted",
         "hazard_ref": "YH-2026-000123", "tracking_code": "7KQ2M9XR4TBD", "error": None,
         "at": "2026-11-24T00:15:03Z"},
        {"schema": "kiosk-ack/1", "report_id": None, "outcome": "rejected", "hazard_ref": None,
         "tracking_code": None, "error": {"code": "invalid_json", "field": None, "message": "not JSON"},
         "at": "2026-11-24T00:15:03Z"},
    ]})

    schema_: Literal["kiosk-ack/1"] = Field(alias="schema")
    report_id: UUID | None = Field(description="null when the report could not be read")
    outcome: Literal["accepted", "duplicate", "rejected"]
    hazard_ref: str | None = None
    tracking_code: str | None = None
    error: AckError | None = None
    at: AwareDatetime


class KioskStatus(KioskPayload):
    """A kiosk's presence (kiosk → service, QoS 1, retained; also its last will)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"schema": "kiosk-status/1", "state": "online", "version": "1.0.0", "at": "2026-11-24T00:00:00Z"},
        {"schema": "kiosk-status/1", "state": "offline", "version": "1.0.0", "at": None},
    ]})

    schema_: Literal["kiosk-status/1"] = Field(alias="schema")
    state: Literal["online", "offline"]
    version: str | None = Field(default=None, max_length=64)
    at: AwareDatetime | None = None


class Localized(Payload):
    zh: str = Field(min_length=1)
    en: str | None = None


class KioskNotice(Payload):
    """Feedback on a report or an escalation for the kiosk's area (service → kiosk, QoS 1)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"schema": "kiosk-notice/1", "notice_id": 42, "kind": "report_feedback", "hazard_ref": "YH-2026-000123",
         "title": {"zh": "您的隐患举报已确认", "en": "Your hazard report was confirmed"},
         "body": {"zh": "已安排整改。", "en": "Rectification has been assigned."}, "at": "2026-11-24T02:00:00Z"},
    ]})

    schema_: Literal["kiosk-notice/1"] = Field(alias="schema")
    notice_id: RowId
    kind: str = Field(max_length=32)
    hazard_ref: str | None = None
    title: Localized
    body: Localized
    at: AwareDatetime


class BulletinItem(Payload):
    id: int
    title: Localized
    body: Localized
    valid_from: datetime | None = None
    valid_to: datetime | None = None
    areas: list[str] = Field(default_factory=list, description="area codes; empty for the whole site")


class Bulletin(Payload):
    """The site's current safety bulletins (service → kiosks, QoS 1, retained)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"schema": "bulletin/1", "site": "tianchen", "published_at": "2026-11-24T00:00:00Z", "bulletins": [
            {"id": 7, "title": {"zh": "冬季防火", "en": "Winter fire safety"},
             "body": {"zh": "井口房严禁烟火。", "en": "No open flames at the pithead."},
             "valid_from": "2026-11-20T00:00:00Z", "valid_to": None, "areas": []}]},
    ]})

    schema_: Literal["bulletin/1"] = Field(alias="schema")
    site: str
    published_at: AwareDatetime
    bulletins: list[BulletinItem]


class BulletinRead(KioskPayload):
    """A worker confirmed reading a bulletin at a kiosk (kiosk → service, QoS 1)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"schema": "bulletin-read/1", "read_id": "9f3c1f7a-7f0e-4c53-9b7e-3a5d2b8e6c10", "bulletin_id": 7,
         "employee_no": "1001", "read_at": "2026-11-24T08:30:00+08:00"},
    ]})

    schema_: Literal["bulletin-read/1"] = Field(alias="schema")
    read_id: UUID
    bulletin_id: RowId
    employee_no: str = Field(min_length=1, max_length=32)
    read_at: AwareDatetime


PAYLOADS: dict[str, type[Payload]] = {
    "kiosk-report": KioskReport, "kiosk-ack": KioskAck, "kiosk-status": KioskStatus,
    "kiosk-notice": KioskNotice, "bulletin": Bulletin, "bulletin-read": BulletinRead,
}
