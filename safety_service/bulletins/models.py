"""Safety bulletins (安全理念渗透) and the read confirmations workers give at kiosks."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Column, Index, LargeBinary, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from safety_service.clock import utc_now
from safety_service.database import UTCDateTime


class BulletinState(StrEnum):
    draft = "draft"
    published = "published"
    retired = "retired"


def _at(nullable: bool = True) -> Any:
    return Field(default=None, sa_column=Column(UTCDateTime, nullable=nullable))


class Bulletin(SQLModel, table=True):
    """A bulletin or safety lesson; published ones make up the site's retained message."""

    __tablename__ = "bulletin"
    __table_args__ = (
        CheckConstraint("state IN ('draft','published','retired')", name="state"),
        Index("ix_bulletin_site_state", "site", "state"),
    )

    id: int | None = Field(default=None, primary_key=True)
    site: str = Field(max_length=32)
    title_zh: str = Field(max_length=200)
    title_en: str | None = Field(default=None, max_length=200)
    body_zh: str = Field(sa_column=Column(Text, nullable=False))
    body_en: str | None = Field(default=None, sa_column=Column(Text))
    areas: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    valid_from: datetime | None = _at()
    valid_to: datetime | None = _at()
    picture: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    state: BulletinState = Field(default=BulletinState.draft, sa_type=String(16))
    created_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utc_now, sa_column=Column(UTCDateTime, nullable=False))
    published_at: datetime | None = _at()
    retired_at: datetime | None = _at()


class BulletinRead(SQLModel, table=True):
    """A worker confirmed reading a bulletin; once per worker and bulletin, once per read_id."""

    __tablename__ = "bulletin_read"
    __table_args__ = (UniqueConstraint("bulletin_id", "employee_no"),)

    id: int | None = Field(default=None, primary_key=True)
    read_id: str = Field(max_length=36, unique=True)
    bulletin_id: int = Field(foreign_key="bulletin.id")
    employee_no: str = Field(max_length=32)
    person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    kiosk_id: int | None = Field(default=None, foreign_key="kiosk.id")
    read_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    received_at: datetime = Field(default_factory=utc_now, sa_column=Column(UTCDateTime, nullable=False))
