"""Request and response models for areas, locations and categories."""

from sqlmodel import Field, SQLModel

from safety_service.locations.models import AreaBase, CategoryBase, LocationBase


class AreaCreate(AreaBase):
    pass


class AreaPublic(AreaBase):
    id: int


class LocationCreate(LocationBase):
    area_code: str | None = Field(default=None, max_length=32)


class LocationPublic(LocationBase):
    id: int
    active: bool
    area_code: str | None = None


class LocationsPublic(SQLModel):
    data: list[LocationPublic]
    count: int


class CategoryCreate(CategoryBase):
    pass


class CategoryPublic(CategoryBase):
    id: int
    active: bool


class CategoriesPublic(SQLModel):
    data: list[CategoryPublic]
    count: int
