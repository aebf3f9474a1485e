"""What the API says about a hazard's photos."""

from datetime import datetime

from sqlmodel import SQLModel


class HazardPhotoPublic(SQLModel):
    id: int
    width: int
    height: int
    size_bytes: int
    created_at: datetime
    url: str
    thumbnail_url: str


class HazardPhotosPublic(SQLModel):
    data: list[HazardPhotoPublic]
    count: int
