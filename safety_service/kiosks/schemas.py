"""Request and response models for kiosks."""

from datetime import datetime

from pydantic import field_validator
from sqlmodel import Field, SQLModel

from safety_service.config import SERVICE_CLIENT_ID_PREFIX
from safety_service.kiosks.models import KIOSK_ID_PATTERN
from safety_service.validation import ModelConfig

RESERVED_IDS = frozenset({"safety-service"})


class KioskCreate(SQLModel):
    model_config = ModelConfig(json_schema_extra={"examples": [{"kiosk_id": "kiosk-ph1", "location_code": "PH-1"}]})

    kiosk_id: str = Field(min_length=1, max_length=64, schema_extra={"pattern": KIOSK_ID_PATTERN})
    location_code: str = Field(min_length=1, max_length=32)

    @field_validator("kiosk_id")
    @classmethod
    def _not_reserved(cls, value: str) -> str:
        if value in RESERVED_IDS:
            raise ValueError(f"{value!r} is the service's own broker account")
        if value.lower().startswith(SERVICE_CLIENT_ID_PREFIX):
            raise ValueError(f"kiosk ids may not start with {SERVICE_CLIENT_ID_PREFIX!r}: the service's MQTT client ids do")
        return value


class KioskPublic(SQLModel):
    model_config = ModelConfig(json_schema_extra={"examples": [{"kiosk_id": "kiosk-ph1", "location": "PH-1",
        "active": True, "state": "active", "removed_at": None, "status": "online",
        "status_at": "2026-11-19T14:53:52Z", "software_version": "1.4.2"}]})

    kiosk_id: str
    location: str
    active: bool
    state: str  # active, disabled or removed
    removed_at: datetime | None
    status: str
    status_at: datetime | None
    software_version: str | None


class KiosksPublic(SQLModel):
    data: list[KioskPublic]
    count: int


class KioskCredentials(SQLModel):
    """What a new kiosk needs to connect; the password is shown once and never stored in clear."""

    model_config = ModelConfig(json_schema_extra={"examples": [{"kiosk_id": "kiosk-ph1", "username": "kiosk-ph1",
        "password": "Xq3v9TzL0aP7sKd2", "report_topic": "safety/tianchen/kiosk/kiosk-ph1/report",
        "ack_topic": "safety/tianchen/kiosk/kiosk-ph1/ack"}]})

    kiosk_id: str
    username: str
    password: str
    report_topic: str
    ack_topic: str


class BrokerReload(SQLModel):
    """What the service did to bring the broker up to date after a kiosk changed."""

    files_written: bool
    reloaded: bool
    detail: str


class KioskChanged(SQLModel):
    model_config = ModelConfig(json_schema_extra={"examples": [{"kiosk": {"kiosk_id": "kiosk-ph1", "location": "PH-1",
        "active": False, "state": "disabled", "removed_at": None, "status": "offline",
        "status_at": "2026-11-19T14:53:52Z", "software_version": "1.4.2"}, "broker": {"files_written": True,
        "reloaded": True, "detail": "mosquitto password and ACL files rewritten; broker reloaded"}}]})

    kiosk: KioskPublic
    broker: BrokerReload


class KioskRotated(KioskChanged):
    model_config = ModelConfig(json_schema_extra={"examples": [{"kiosk": {"kiosk_id": "kiosk-ph1", "location": "PH-1",
        "active": True, "state": "active", "removed_at": None, "status": "offline",
        "status_at": "2026-11-19T14:53:52Z", "software_version": "1.4.2"}, "broker": {"files_written": True,
        "reloaded": True, "detail": "mosquitto password and ACL files rewritten; broker reloaded"},
        "credentials": {"kiosk_id": "kiosk-ph1", "username": "kiosk-ph1", "password": "Xq3v9TzL0aP7sKd2",
        "report_topic": "safety/tianchen/kiosk/kiosk-ph1/report",
        "ack_topic": "safety/tianchen/kiosk/kiosk-ph1/ack"}}]})

    credentials: KioskCredentials  # the new password, shown only this once
