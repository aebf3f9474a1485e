"""Storing a report's photo with it, and showing photos only to the staff who handle the hazard."""

import logging

from sqlmodel import Session, col, select

from safety_service.errors import NotFound, PermissionDenied
from safety_service.hazards.models import Hazard
from safety_service.people.models import STAFF_ROLES, User
from safety_service.photos.models import HazardPhoto
from safety_service.photos.processing import ProcessedPhoto

logger = logging.getLogger(__name__)


def add_photo(session: Session, *, hazard_id: int, photo: ProcessedPhoto) -> HazardPhoto:
    """Attach a processed photo to a hazard (the caller's unit of work commits both together)."""
    stored = HazardPhoto(hazard_id=hazard_id, width=photo.width, height=photo.height,
                         size_bytes=len(photo.image), image=photo.image, thumbnail=photo.thumbnail)
    session.add(stored)
    session.flush()
    logger.info("photo stored", extra={"hazard_id": hazard_id, "photo_id": stored.id, "bytes": len(photo.image)})
    return stored


def check_may_see(user: User, hazard: Hazard) -> None:
    """Officers, the chief and admins see every hazard's photos, an owner those of hazards assigned to them."""
    if user.role in STAFF_ROLES or (hazard.owner_id is not None and hazard.owner_id == user.id):
        return
    raise PermissionDenied("only safety staff and the assigned rectification owner may see a report's photos")


def list_photos(session: Session, *, hazard: Hazard, user: User) -> list[HazardPhoto]:
    """The photos of a hazard, oldest first, for someone allowed to see them."""
    check_may_see(user, hazard)
    query = select(HazardPhoto).where(HazardPhoto.hazard_id == hazard.id).order_by(col(HazardPhoto.id))
    return list(session.exec(query).all())


def get_photo(session: Session, *, hazard: Hazard, photo_id: int, user: User) -> HazardPhoto:
    """One photo of the hazard, for someone allowed to see it; NotFound when it is not this hazard's."""
    check_may_see(user, hazard)
    photo = session.get(HazardPhoto, photo_id)
    if photo is None or photo.hazard_id != hazard.id:
        raise NotFound(f"hazard {hazard.ref} has no photo {photo_id}", field="photo_id")
    return photo


def refs_with_photos(session: Session, *, refs: list[str]) -> set[str]:
    """Which of these hazards (by reference) have a photo, in one query (a list's photo mark)."""
    if not refs:
        return set()
    query = (select(Hazard.ref).where(col(Hazard.ref).in_(refs))
             .where(select(HazardPhoto.id).where(HazardPhoto.hazard_id == Hazard.id).exists()))
    return set(session.exec(query).all())
