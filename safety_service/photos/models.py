"""Photos attached to a hazard report: a bounded-size JPEG without metadata, and its thumbnail."""

from datetime import datetime

from sqlalchemy import Column, LargeBinary
from sqlmodel import Field, SQLModel

from safety_service.clock import utc_now
from safety_service.database import UTCDateTime


class HazardPhoto(SQLModel, table=True):
    """One photo of a hazard, stored in the same transaction as the report it came with."""

    __tablename__ = "hazard_photo"

    id: int | None = Field(default=None, primary_key=True)
    hazard_id: int = Field(foreign_key="hazard.id", index=True)
    content_type: str = Field(default="image/jpeg", max_length=32)
    width: int
    height: int
    size_bytes: int
    image: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    thumbnail: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = Field(default_factory=utc_now, sa_column=Column(UTCDateTime, nullable=False))
