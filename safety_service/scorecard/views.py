"""The scorecard API: each unit's monthly figures, for officers, the chief and administrators."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from safety_service.api.deps import SessionDep, SettingsDep, require_roles
from safety_service.clock import utc_now
from safety_service.people.models import Role, User
from safety_service.scorecard import periods
from safety_service.scorecard import service as scorecard_service
from safety_service.scorecard.schemas import ScorecardFigures, ScorecardPublic, ScorecardRowPublic

router = APIRouter(prefix="/scorecard", tags=["scorecard"])
SCORECARD_ROLES = (Role.officer, Role.chief, Role.admin)
ScorecardReader = Annotated[User, Depends(require_roles(*SCORECARD_ROLES))]


def public(card: scorecard_service.Scorecard) -> ScorecardPublic:
    """The scorecard as the API answers it."""
    codes = {row.unit.id: row.unit.code for row in card.rows}
    data = [ScorecardRowPublic(unit_code=row.unit.code, unit_name=row.unit.name_zh, kind=str(row.unit.kind),
                               parent_code=codes.get(row.unit.parent_id),
                               figures=ScorecardFigures(**row.current.as_dict()),
                               previous=ScorecardFigures(**row.previous.as_dict())) for row in card.rows]
    return ScorecardPublic(month=card.month, previous_month=card.previous_month, data=data, count=len(data))


@router.get("", response_model=ScorecardPublic)
def monthly_scorecard(session: SessionDep, settings: SettingsDep, _reader: ScorecardReader,
                      month: Annotated[str | None, Query(pattern=r"^\d{4}-(0[1-9]|1[0-2])$",
                                                         examples=["2026-11"])] = None) -> ScorecardPublic:
    """Each unit's figures for a month beside the month before (业绩考评); by default the last whole month,
    the one a mine assesses at the start of the next."""
    month = month or periods.last_whole_month(utc_now(), settings.timezone)
    return public(scorecard_service.monthly(session, month=month, timezone=settings.timezone))
