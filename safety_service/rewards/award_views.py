"""Cash rewards per 安委〔2024〕7号 in the API: the scale, proposals, decisions, payments, the register, and the
public list for the kiosk board (no references or tracking codes there, a name only with consent)."""

from datetime import datetime, timedelta
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query, Response

from safety_service.api.answers import answers
from safety_service.api.deps import AdminUser, Offset, PathId, SessionDep, SettingsDep, UnitCut, require_roles
from safety_service.clock import utc_now
from safety_service.database import known, saved_id
from safety_service.hazards import service as hazards_service
from safety_service.hazards.models import Hazard
from safety_service.i18n import Translator
from safety_service.locations.models import Location
from safety_service.people import service as people_service
from safety_service.people.models import User
from safety_service.rewards import awards
from safety_service.rewards import register as reward_register
from safety_service.rewards.models import AwardState, RewardAward
from safety_service.rewards.schemas import (
    AwardConsent,
    AwardDecide,
    AwardPay,
    AwardPropose,
    AwardPublic,
    AwardsPublic,
    BoardAward,
    BoardAwardsPublic,
    ScaleEntry,
    ScaleLine,
    ScalePublic,
)
from safety_service.rewards.views import RateLimited
from safety_service.validation import Day
from safety_service.web.sheets import to_xlsx

router = APIRouter(prefix="/rewards", tags=["rewards"])
AwardReader = Annotated[User, Depends(require_roles(*awards.READERS))]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def to_public(session: SessionDep, award: RewardAward, hazard: Hazard) -> AwardPublic:
    """An award as the safety office and the union see it (the reporter named unless anonymous)."""
    names = people_service.usernames_of(session, [award.proposed_by_id, award.decided_by_id, award.paid_by_id])
    return AwardPublic(
        id=saved_id(award), hazard_ref=hazard.ref, grade=award.grade, report_type=award.report_type, amount=award.amount,
        state=award.state, reporter=hazard.reporter_name if hazard.reporter_employee_no else None,
        anonymous=not hazard.reporter_employee_no, proposed_by=names.get(award.proposed_by_id),
        proposed_at=award.proposed_at, proposal_note=award.proposal_note, decided_by=names.get(award.decided_by_id),
        decided_at=award.decided_at, decision_reason=award.decision_reason, paid_by=names.get(award.paid_by_id),
        paid_at=award.paid_at, pay_method=award.pay_method, paid_to=award.paid_to, pay_note=award.pay_note,
        shown_name=award.shown_name)


@router.get("/scale", response_model=ScalePublic)
def get_scale(session: SessionDep) -> ScalePublic:
    """The reward scale in yuan by grade and report type (public: the guidance asks for it to be known)."""
    return ScalePublic(data=[ScaleLine(grade=r.grade, report_type=r.report_type, amount=r.amount)
                             for r in awards.scale(session)])


@router.put("/scale", response_model=ScaleLine)
def put_scale(session: SessionDep, user: AdminUser, data: ScaleEntry) -> ScaleLine:
    """Set one amount of the scale (administrators); awards already proposed keep theirs."""
    row = awards.set_scale(session, grade=data.grade, report_type=data.report_type, amount=data.amount, actor=user,
                           now=utc_now())
    session.commit()
    return ScaleLine(grade=row.grade, report_type=row.report_type, amount=row.amount)


@router.get("/awards", response_model=AwardsPublic, responses=answers(403, 422))
def list_awards(session: SessionDep, user: AwardReader, unit: UnitCut, state: AwardState | None = None,
                limit: Annotated[int, Query(ge=1, le=500)] = 50, offset: Offset = 0) -> AwardsPublic:
    """Awards, newest proposal first, optionally in one state or to the people of one unit and the units under it."""
    rows, count = awards.list_awards(session, state=state, unit=unit, limit=limit, offset=offset)
    return AwardsPublic(data=[to_public(session, a, h) for a, h in rows], count=count)


@router.post("/hazards/{ref}/award", response_model=AwardPublic, status_code=201, responses=answers(409))
def propose(session: SessionDep, user: AwardReader, ref: str, data: AwardPropose) -> AwardPublic:
    """The safety office proposes a confirmed report's award (officers and the chief)."""
    hazard = hazards_service.get_hazard(session, ref=ref)
    award = awards.propose(session, hazard=hazard, actor=user, now=utc_now(), amount=data.amount,
                           report_type=data.report_type, note=data.note)
    session.commit()
    return to_public(session, award, hazard)


@router.post("/awards/{award_id}/decide", response_model=AwardPublic, responses=answers(409))
def decide(session: SessionDep, user: AwardReader, award_id: PathId, data: AwardDecide) -> AwardPublic:
    """The chief or the union approves an award or refuses it with a reason (never its proposer)."""
    award = awards.decide(session, award=awards.get_award(session, award_id=award_id), approved=data.approved,
                          reason=data.reason, actor=user, now=utc_now())
    session.commit()
    return to_public(session, award, known(session.get(Hazard, award.hazard_id)))


@router.post("/awards/{award_id}/pay", response_model=AwardPublic, responses=answers(409))
def pay(session: SessionDep, user: AwardReader, award_id: PathId, data: AwardPay) -> AwardPublic:
    """Record an approved award paid: how, who paid (the signed-in account), when (now)."""
    payment = awards.Payment(method=data.method, note=data.note, tracking_code=data.tracking_code,
                             shown_name=data.shown_name)
    award = awards.pay(session, award=awards.get_award(session, award_id=award_id), payment=payment, actor=user,
                       now=utc_now())
    session.commit()
    return to_public(session, award, known(session.get(Hazard, award.hazard_id)))


@router.get("/register.xlsx", response_class=Response, responses={200: {"content": {XLSX: {}}}, **answers(403, 422)})
def register_xlsx(session: SessionDep, settings: SettingsDep, user: AwardReader, unit: UnitCut, start: Day, end: Day,
                  lang: Literal["zh-CN", "en"] = "zh-CN") -> Response:
    """The reward register (奖励台账) of the awards proposed from ``start`` to ``end`` (local days, inclusive), of
    the people of one unit and the units under it when ``unit`` is given."""
    zone = ZoneInfo(settings.timezone)
    first = datetime.combine(start, datetime.min.time(), zone)
    after = datetime.combine(end + timedelta(days=1), datetime.min.time(), zone)
    body = to_xlsx(*reward_register.sheet(session, start=first, end=after, t=Translator(lang),
                                          timezone=settings.timezone, unit=unit))
    return Response(body, media_type=XLSX, headers={
        "Content-Disposition": 'attachment; filename="reward-register.xlsx"', "Cache-Control": "no-store"})


@router.get("/board", response_model=BoardAwardsPublic)
def board(session: SessionDep, settings: SettingsDep,
          days: Annotated[int, Query(ge=1, le=366)] = 90) -> BoardAwardsPublic:
    """The public list of awards (奖励公示) for the kiosks and the report page (no sign-in)."""
    return BoardAwardsPublic(data=awards.board_lines(session, days=days, timezone=settings.timezone))


@router.post("/awards/consent", response_model=BoardAward, responses=answers(404, 409, 429))
def consent(session: SessionDep, settings: SettingsDep, limited: RateLimited, data: AwardConsent) -> BoardAward:
    """A named reporter says whether the public list shows their name (public: the tracking code is the proof)."""
    hazard = hazards_service.get_by_tracking_code(session, code=data.tracking_code)
    award = awards.consent(session, hazard=hazard, employee_no=data.employee_no, shown=data.shown_name)
    session.commit()
    decided = award.decided_at or award.proposed_at
    place = known(session.get(Location, hazard.location_id))
    return BoardAward(decided_on=decided.astimezone(ZoneInfo(settings.timezone)).date(), location=place.name_zh,
                      grade=award.grade, report_type=award.report_type, amount=award.amount,
                      name=awards.shown_name(award, hazard))
