"""Request and response models for kiosks."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from safety_service.kiosks.models import KIOSK_ID_PATTERN


class KioskCreate(SQLModel):
    kiosk_id: str = Field(min_length=1, max_length=64, regex=KIOSK_ID_PATTERN)
    location_code: str = Field(min_length=1, max_length=32)


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
