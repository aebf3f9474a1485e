"""Inputs and outputs of the bulletins API."""

from datetime import datetime
from typing import Annotated

from pydantic import AwareDatetime, model_validator
from sqlmodel import Field, SQLModel

from safety_service.bulletins.models import BulletinState
from safety_service.validation import Text

AreaCode = Annotated[str, Field(min_length=1, max_length=32)]


class BulletinCreate(SQLModel):
    """A new bulletin (a draft until it is published); Chinese required, English optional."""

    title_zh: Text = Field(min_length=1, max_length=200)
    title_en: str | None = Field(default=None, max_length=200)
    body_zh: Text = Field(min_length=1, max_length=4000)
    body_en: str | None = Field(default=None, max_length=4000)
    valid_from: AwareDatetime | None = None
    valid_to: AwareDatetime | None = None
    areas: list[AreaCode] = Field(default_factory=list, max_length=100,
                                  description="area codes it is meant for; empty for the whole site")

    @model_validator(mode="after")
    def _period(self) -> "BulletinCreate":
        if self.valid_from and self.valid_to and self.valid_to <= self.valid_from:
            raise ValueError("valid_to must be after valid_from")
        return self


class BulletinPublic(SQLModel):
    id: int
    state: BulletinState
    title_zh: str
    title_en: str | None
    body_zh: str
    body_en: str | None
    areas: list[str]
    valid_from: datetime | None
    valid_to: datetime | None
    has_picture: bool
    created_at: datetime
    published_at: datetime | None
    retired_at: datetime | None


class BulletinsPublic(SQLModel):
    data: list[BulletinPublic]
    count: int


class ReadRate(SQLModel):
    """Readers among the people a bulletin is meant for; ``rate`` is None when nobody is."""

    key: str | None
    readers: int
    audience: int
    rate: float | None


class BulletinReadsPublic(SQLModel):
    bulletin_id: int
    confirmations: int
    overall: ReadRate
    by_area: list[ReadRate]
    by_team: list[ReadRate]
