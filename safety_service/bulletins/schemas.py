"""Inputs and outputs of the bulletins API."""

from datetime import datetime
from typing import Annotated

from pydantic import model_validator
from sqlmodel import Field, SQLModel

from safety_service.bulletins.models import BulletinState
from safety_service.validation import ModelConfig, Moment, Text

AreaCode = Annotated[str, Field(min_length=1, max_length=32)]


class BulletinCreate(SQLModel):
    """A new bulletin (a draft until it is published); Chinese required, English optional."""

    model_config = ModelConfig(json_schema_extra={"examples": [{
        "title_zh": "雨季防治水提醒",
        "title_en": "Rainy-season water hazard reminder",
        "body_zh": "雨季来临，各区队加强探放水，发现出水征兆立即撤人。",
        "body_en": None,
        "valid_from": "2026-06-01T00:00:00+08:00",
        "valid_to": "2026-09-30T23:59:00+08:00",
        "areas": ["N1"],
    }]})

    title_zh: Text = Field(min_length=1, max_length=200)
    title_en: str | None = Field(default=None, max_length=200)
    body_zh: Text = Field(min_length=1, max_length=4000)
    body_en: str | None = Field(default=None, max_length=4000)
    valid_from: Moment | None = None
    valid_to: Moment | None = None
    areas: list[AreaCode] = Field(default_factory=list, max_length=100,
                                  description="area codes it is meant for; empty for the whole site")

    @model_validator(mode="after")
    def _period(self) -> "BulletinCreate":
        if self.valid_from and self.valid_to and self.valid_to <= self.valid_from:
            raise ValueError("valid_to must be after valid_from")
        return self


class BulletinPublic(SQLModel):
    model_config = ModelConfig(json_schema_extra={"examples": [{"id": 4, "state": "published",
        "title_zh": "“安全生产月”学习材料", "title_en": None, "body_zh": "本月学习《煤矿安全规程》第三编，各班组班前会组织学习。", "body_en": None,
        "areas": [], "valid_from": None, "valid_to": None, "has_picture": False, "created_at": "2026-12-01T07:53:53Z",
        "published_at": "2026-12-01T08:00:00Z", "retired_at": None}]})

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
    model_config = ModelConfig(json_schema_extra={"examples": [{"bulletin_id": 4, "confirmations": 37,
        "overall": {"key": None, "readers": 31, "audience": 120, "rate": 0.258}, "by_area": [{"key": "south",
        "readers": 18, "audience": 60, "rate": 0.3}], "by_team": [{"key": "综采一队", "readers": 9, "audience": 25,
        "rate": 0.36}]}]})

    bulletin_id: int
    confirmations: int
    overall: ReadRate
    by_area: list[ReadRate]
    by_team: list[ReadRate]
