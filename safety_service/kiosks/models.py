"""Kiosk tablets at the pithead reception stations (井口接待站) and their broker credentials."""

from datetime import datetime

from sqlalchemy import Column, SmallInteger, String
from sqlmodel import Field, SQLModel

from safety_service.clock import utc_now
from safety_service.database import UTCDateTime

KIOSK_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$"


class Kiosk(SQLModel, table=True):
    """A registered kiosk; its id is its MQTT username and the ``{kiosk}`` of its topics."""

    __tablename__ = "kiosk"

    id: int | None = Field(default=None, primary_key=True)
    kiosk_id: str = Field(max_length=64, unique=True, index=True)
    site_id: int = Field(foreign_key="site.id")
    location_id: int = Field(foreign_key="location.id", index=True)
    # Mosquitto's own PBKDF2-SHA512 format ($7$...), so the broker's password file is written as is.
    password_hash: str = Field(max_length=255)
    active: bool = True
    # Removing retires a kiosk for good but keeps the row: hazards refer to it, and its id stays taken.
    removed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    created_at: datetime = Field(default_factory=utc_now, sa_column=Column(UTCDateTime, nullable=False))
    status: str = Field(default="unknown", sa_type=String(16))
    status_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    software_version: str | None = Field(default=None, max_length=64)
    # The ack payload version the kiosk reads (kiosk-ack/N), from its status: 1 until it lists kiosk-ack/2.
    ack_version: int = Field(default=1, sa_column=Column(SmallInteger, nullable=False, server_default="1"))

    @property
    def state(self) -> str:
        """``active``, ``disabled`` or ``removed``."""
        if self.removed_at is not None:
            return "removed"
        return "active" if self.active else "disabled"
