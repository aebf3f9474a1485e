"""What the API says about a hazard's photos."""

from datetime import datetime

from sqlmodel import SQLModel

from safety_service.validation import ModelConfig


class HazardPhotoPublic(SQLModel):
    model_config = ModelConfig(json_schema_extra={"examples": [{"id": 9, "width": 1600, "height": 1200,
        "size_bytes": 284113, "created_at": "2026-11-19T14:53:52Z", "url": "/api/v1/hazards/YH-2026-000007/photos/9",
        "thumbnail_url": "/api/v1/hazards/YH-2026-000007/photos/9/thumbnail"}]})

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
