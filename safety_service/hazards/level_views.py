"""Hazard levels (A 矿级, B 科级, C 区队级): read by staff, changed by administrators."""

from typing import Annotated

from fastapi import APIRouter, Path
from sqlmodel import select

from safety_service.api.answers import answers
from safety_service.api.deps import AdminUser, SessionDep, StaffUser
from safety_service.errors import NotFound
from safety_service.hazards import levels
from safety_service.hazards.levels import HazardLevel, HazardLevelBase, HazardLevelPublic, HazardLevelsPublic

router = APIRouter(prefix="/hazard-levels", tags=["hazards"])
LevelCode = Annotated[str, Path(min_length=1, max_length=8)]


@router.get("", response_model=HazardLevelsPublic)
def list_levels(session: SessionDep, _staff: StaffUser) -> HazardLevelsPublic:
    """The levels, highest first, with who assigns and verifies each and its default fix days."""
    data = [HazardLevelPublic.model_validate(level) for level in levels.list_levels(session)]
    return HazardLevelsPublic(data=data, count=len(data))


@router.put("/{code}", response_model=HazardLevelPublic, responses=answers(404, 409))
def update_level(session: SessionDep, _admin: AdminUser, code: LevelCode, data: HazardLevelBase) -> HazardLevelPublic:
    """Change a level's names, order, fix days, or who assigns and verifies it (administrators)."""
    level = session.exec(select(HazardLevel).where(HazardLevel.code == code)).first()
    if level is None:
        raise NotFound(f"no hazard level {code!r}", field="code")
    levels.update_level(session, level=level, data=data)
    session.commit()
    return HazardLevelPublic.model_validate(level)
