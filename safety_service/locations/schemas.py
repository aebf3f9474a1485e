"""Request and response models for areas, locations and categories."""

from pydantic import field_validator
from sqlmodel import Field, SQLModel

from safety_service.locations.models import AreaBase, CategoryBase, LocationBase, LocationKind
from safety_service.validation import ModelConfig, one_line


class AreaCreate(AreaBase):
    model_config = ModelConfig(json_schema_extra={"examples": [{
        "code": "N1",
        "name_zh": "北一采区",
        "name_en": "North 1 district",
    }]})

    @field_validator("name_zh", "name_en")
    @classmethod
    def _one_line(cls, value: str) -> str:
        return one_line(value)


class AreaPublic(AreaBase):
    model_config = ModelConfig(json_schema_extra={"examples": [{"code": "south", "name_zh": "南翼采区",
        "name_en": "South wing", "id": 2}]})

    id: int


class LocationCreate(LocationBase):
    model_config = ModelConfig(json_schema_extra={"examples": [{
        "code": "PH-1",
        "name_zh": "主井井口",
        "name_en": "Main shaft pithead",
        "kind": "pithead",
        "area_code": "N1",
    }]})

    area_code: str | None = Field(default=None, max_length=32)
    kind: LocationKind = LocationKind.site

    @field_validator("name_zh", "name_en")
    @classmethod
    def _one_line(cls, value: str) -> str:
        return one_line(value)


class LocationPublic(LocationBase):
    model_config = ModelConfig(json_schema_extra={"examples": [{"code": "PH-AUX", "name_zh": "副井井口",
        "name_en": "Auxiliary shaft pithead", "kind": "pithead", "id": 2, "active": True, "area_code": "south"}]})

    id: int
    active: bool
    area_code: str | None = None


class LocationsPublic(SQLModel):
    data: list[LocationPublic]
    count: int


# A place in the list (the kiosks sort by it): well inside the 32-bit column, with room for the next one's +10.
MAX_SORT_ORDER = 1_000_000


class CategoryCreate(CategoryBase):
    model_config = ModelConfig(json_schema_extra={"examples": [{
        "code": "roof",
        "name_zh": "顶板",
        "name_en": "Roof",
        "sort_order": 10,
    }]})

    sort_order: int = Field(default=0, ge=0, le=MAX_SORT_ORDER, description="place in the list; 0: after the last")

    @field_validator("name_zh", "name_en")
    @classmethod
    def _one_line(cls, value: str) -> str:
        return one_line(value)


class CategoryPublic(CategoryBase):
    model_config = ModelConfig(json_schema_extra={"examples": [{"code": "roof", "name_zh": "顶板", "name_en": "Roof",
        "sort_order": 10, "id": 1, "active": True}]})

    id: int
    active: bool


class CategoriesPublic(SQLModel):
    data: list[CategoryPublic]
    count: int
