"""The standard hazard library (隐患标准库): matched by anyone reporting, read by staff, kept by administrators."""

from typing import Annotated

from fastapi import APIRouter, Query

from safety_service.api.answers import answers
from safety_service.api.deps import AdminUser, PathId, SessionDep, SettingsDep, StaffUser
from safety_service.hazards import library
from safety_service.hazards.library import LibraryItemCreate, LibraryItemPublic, LibraryItemUpdate, LibraryMatch

router = APIRouter(prefix="/hazard-library", tags=["hazards"])
CategoryCode = Annotated[str | None, Query(min_length=1, max_length=32)]


@router.get("/matches", response_model=list[LibraryMatch])
def matches(session: SessionDep, text: Annotated[str, Query(min_length=1, max_length=200)],
            category: CategoryCode = None,
            limit: Annotated[int, Query(ge=1, le=20)] = 5) -> list[LibraryMatch]:
    """The standard descriptions nearest the text as a reporter types it (open to every reporter, QR page too)."""
    return library.best_matches(session, text=text, category=category, limit=limit)


@router.get("", response_model=list[LibraryItemPublic])
def list_items(session: SessionDep, _staff: StaffUser, category: CategoryCode = None,
               active: bool = False) -> list[LibraryItemPublic]:
    """The library, by category: each item's default grade, level, fix days and report type."""
    return library.list_items(session, category=category, active_only=active)


@router.post("", response_model=LibraryItemPublic, status_code=201, responses=answers(409))
def add_item(session: SessionDep, settings: SettingsDep, user: AdminUser, data: LibraryItemCreate) -> LibraryItemPublic:
    """Add a standard description (administrators)."""
    item = library.add_item(session, data=data, actor=user, site=settings.site)
    session.commit()
    return library.public_item(session, item)


@router.patch("/{item_id}", response_model=LibraryItemPublic, responses=answers(409))
def update_item(session: SessionDep, settings: SettingsDep, user: AdminUser, item_id: PathId,
                data: LibraryItemUpdate) -> LibraryItemPublic:
    """Change an item or take it off the forms with ``active: false`` (administrators)."""
    item = library.update_item(session, item_id=item_id, data=data, actor=user, site=settings.site)
    session.commit()
    return library.public_item(session, item)
