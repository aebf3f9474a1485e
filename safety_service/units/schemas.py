"""Inputs and outputs of the organisation units."""

from sqlmodel import Field, SQLModel

from safety_service.units.models import OrgUnitBase
from safety_service.validation import ModelConfig


class OrgUnitCreate(OrgUnitBase):
    model_config = ModelConfig(json_schema_extra={"examples": [{
        "code": "ZC1-2",
        "name_zh": "综采一队生产一班",
        "name_en": "Team 1 production crew 1",
        "kind": "crew",
        "parent_code": "ZC1",
        "leader": "owner1",
    }]})

    parent_code: str | None = Field(default=None, max_length=32, description="the unit this one sits under")
    leader: str | None = Field(default=None, max_length=64, description="username of the unit's leader")


class OrgUnitUpdate(SQLModel):
    """Rename, move, lead or retire a unit: only the fields given change; ``leader`` "" clears the leader."""

    model_config = ModelConfig(json_schema_extra={"examples": [
        {"name_zh": "综采一队", "name_en": "Fully mechanised mining team 1"},
        {"parent_code": "JJ2"}, {"leader": "owner1"}, {"active": False},
    ]})

    name_zh: str | None = Field(default=None, min_length=1, max_length=64)
    name_en: str | None = Field(default=None, max_length=64)
    parent_code: str | None = Field(default=None, min_length=1, max_length=32, description="the unit to move under")
    leader: str | None = Field(default=None, max_length=64, description="username of the leader; \"\" for none")
    active: bool | None = Field(default=None, description="false retires the unit (its records keep it)")


class OrgUnitPublic(OrgUnitBase):
    model_config = ModelConfig(json_schema_extra={"examples": [{
        "code": "ZC1",
        "name_zh": "综采一队",
        "name_en": "Fully mechanised mining team 1",
        "kind": "team",
        "parent_code": "MINE",
        "leader": "owner1",
        "active": True,
        "members": 46,
    }]})

    parent_code: str | None
    leader: str | None
    active: bool
    members: int = Field(description="people who belong to the unit")


class OrgUnitsPublic(SQLModel):
    data: list[OrgUnitPublic]
    count: int


class UnitMember(SQLModel):
    model_config = ModelConfig(json_schema_extra={"examples": [{"employee_no": "1001"}]})

    employee_no: str = Field(min_length=1, max_length=32)


class UnitCharge(SQLModel):
    """Put an area or a location in the unit's charge (one of the two)."""

    model_config = ModelConfig(json_schema_extra={"examples": [{"area_code": "north"}, {"location_code": "RW-3105"}]})

    area_code: str | None = Field(default=None, max_length=32)
    location_code: str | None = Field(default=None, max_length=32)
