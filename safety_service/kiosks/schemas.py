"""Request and response models for kiosks."""

from datetime import datetime

from pydantic import field_validator
from sqlmodel import Field, SQLModel

from safety_service.kiosks.models import KIOSK_ID_PATTERN

RESERVED_IDS = frozenset({"safety-service"})


class KioskCreate(SQLModel):
    kiosk_id: str = Field(min_length=1, max_length=64, schema_extra={"pattern": KIOSK_ID_PATTERN})
    location_code: str = Field(min_length=1, max_length=32)

    @field_validator("kiosk_id")
    @classmethod
    def _not_reserved(cls, value: str) -> str:
        if value in RESERVED_IDS:
            raise ValueError(f"{value!r} is the service's own broker account")
        return value


class KioskPublic(SQLModel):
    kiosk_id: str
    location: str
    active: bool
    status: str
    status_at: datetime | None
    software_version: str | None


class KiosksPublic(SQLModel):
    data: list[KioskPublic]
    count: int


class KioskCredentials(SQLModel):
    """What a new kiosk needs to connect; the password is shown once and never stored in clear."""

    kiosk_id: str
    username: str
    password: str
    report_topic: str
    ack_topic: str
