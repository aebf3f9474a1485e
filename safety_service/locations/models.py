"""Sites (mines), areas, locations where hazards are found, and hazard categories."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from safety_service.clock import utc_now
from safety_service.database import UTCDateTime

CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"


class Site(SQLModel, table=True):
    """A mine; its code is the ``{site}`` part of the MQTT topics."""

    __tablename__ = "site"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True)
    name_zh: str = Field(max_length=128)
    name_en: str = Field(default="", max_length=128)


class AreaBase(SQLModel):
    code: str = Field(min_length=1, max_length=32, schema_extra={"pattern": CODE_PATTERN})
    name_zh: str = Field(min_length=1, max_length=128)
    name_en: str = Field(default="", max_length=128)


class Area(AreaBase, table=True):
    """A part of the mine (a district, a working face, the surface plant)."""

    __tablename__ = "area"
    __table_args__ = (UniqueConstraint("site_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    site_id: int = Field(foreign_key="site.id", index=True)
    unit_id: int | None = Field(default=None, foreign_key="org_unit.id", index=True)  # the unit in charge


class LocationKind(StrEnum):
    """What kind of place a location is: a fixed list, so places group and print alike."""

    pithead = "pithead"  # 井口
    roadway = "roadway"  # 巷道
    working_face = "working_face"  # 采掘工作面
    chamber = "chamber"  # 硐室
    workshop = "workshop"  # 地面车间、库房
    site = "site"  # 其他地点


class LocationBase(SQLModel):
    code: str = Field(min_length=1, max_length=32, schema_extra={"pattern": CODE_PATTERN}, unique=True, index=True)
    name_zh: str = Field(min_length=1, max_length=128)
    name_en: str = Field(default="", max_length=128)
    kind: str = Field(default="site", max_length=32)


class Location(LocationBase, table=True):
    """A place with a posted QR code: a pithead point, a roadway section, a workshop."""

    __tablename__ = "location"

    id: int | None = Field(default=None, primary_key=True)
    site_id: int = Field(foreign_key="site.id", index=True)
    area_id: int | None = Field(default=None, foreign_key="area.id", index=True)
    unit_id: int | None = Field(default=None, foreign_key="org_unit.id", index=True)  # else its area's unit
    active: bool = True
    created_at: datetime = Field(default_factory=utc_now, sa_column=Column(UTCDateTime, nullable=False))


class CategoryBase(SQLModel):
    code: str = Field(min_length=1, max_length=32, schema_extra={"pattern": CODE_PATTERN}, unique=True, index=True)
    name_zh: str = Field(min_length=1, max_length=64)
    name_en: str = Field(default="", max_length=64)
    sort_order: int = 0


class Category(CategoryBase, table=True):
    """A hazard category; the list is data, seeded with the coal-mine practice."""

    __tablename__ = "category"

    id: int | None = Field(default=None, primary_key=True)
    active: bool = True
