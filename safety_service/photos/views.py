"""A hazard's photos, for signed-in staff and the assigned owner only (never public)."""

from typing import Literal

from fastapi import APIRouter, Response

from safety_service.api.answers import answers
from safety_service.api.deps import CurrentUser, PathId, SessionDep
from safety_service.database import saved_id
from safety_service.hazards import service as hazards_service
from safety_service.photos import service as photos_service
from safety_service.photos.schemas import HazardPhotoPublic, HazardPhotosPublic

router = APIRouter(prefix="/hazards/{ref}/photos", tags=["photos"])


@router.get("", response_model=HazardPhotosPublic, responses=answers(403))
def list_photos(session: SessionDep, user: CurrentUser, ref: str) -> HazardPhotosPublic:
    """The photos of a hazard with links to the image and its thumbnail."""
    hazard = hazards_service.get_hazard(session, ref=ref)
    base = f"/api/v1/hazards/{ref}/photos"
    data = [HazardPhotoPublic(id=saved_id(p), width=p.width, height=p.height, size_bytes=p.size_bytes,
                              created_at=p.created_at, url=f"{base}/{p.id}", thumbnail_url=f"{base}/{p.id}/thumbnail")
            for p in photos_service.list_photos(session, hazard=hazard, user=user)]
    return HazardPhotosPublic(data=data, count=len(data))


def _image(session: SessionDep, user: CurrentUser, ref: str, photo_id: int,
           part: Literal["image", "thumbnail"]) -> Response:
    hazard = hazards_service.get_hazard(session, ref=ref)
    photo = photos_service.get_photo(session, hazard=hazard, photo_id=photo_id, user=user)
    return Response(getattr(photo, part), media_type=photo.content_type,
                    headers={"Cache-Control": "private, max-age=3600"})


@router.get("/{photo_id}", response_class=Response, responses={200: {"content": {"image/jpeg": {}}}})
def photo_image(session: SessionDep, user: CurrentUser, ref: str, photo_id: PathId) -> Response:
    """The stored photo (JPEG, at most SAFETY_PHOTO_MAX_SIDE pixels a side, no metadata)."""
    return _image(session, user, ref, photo_id, "image")


@router.get("/{photo_id}/thumbnail", response_class=Response, responses={200: {"content": {"image/jpeg": {}}}})
def photo_thumbnail(session: SessionDep, user: CurrentUser, ref: str, photo_id: PathId) -> Response:
    """The photo's thumbnail (JPEG, 320 pixels a side at most)."""
    return _image(session, user, ref, photo_id, "thumbnail")
