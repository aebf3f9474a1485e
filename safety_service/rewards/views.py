"""The reward ledger API: officers see, export, reverse and pay out; a worker sees only their own points."""

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response

from safety_service.api.answers import answers
from safety_service.api.deps import CurrentUser, OfficerUser, Offset, SessionDep, SettingsDep, UnitCut
from safety_service.clock import utc_now
from safety_service.database import saved_id
from safety_service.errors import NotFound
from safety_service.hazards import service as hazards_service
from safety_service.people import service as people_service
from safety_service.people.models import Person
from safety_service.rewards import service as rewards_service
from safety_service.rewards.models import EntryKind, RewardEntry
from safety_service.rewards.schemas import (
    BalanceRequest,
    RewardBalancePublic,
    RewardClaim,
    RewardEntryPublic,
    RewardLedgerPublic,
    RewardPayout,
    RewardReverse,
)
from safety_service.web.layer import WebLayer
from safety_service.web.sheets import to_csv

router = APIRouter(prefix="/rewards", tags=["rewards"])
CSV_COLUMNS = ("id", "created_at", "kind", "employee_no", "hazard_ref", "points", "reason")


def public_rate_limit(request: Request) -> None:
    """The public endpoints are limited per client like the report page's submissions."""
    web: WebLayer = request.app.state.web
    wait = web.rewards_limiter.acquire(request.client.host if request.client else "unknown")
    if wait > 0:
        raise HTTPException(429, "too many requests; try again later", headers={"Retry-After": str(int(wait) + 1)})


RateLimited = Annotated[None, Depends(public_rate_limit)]


def _public(entry: RewardEntry, ref: str | None) -> RewardEntryPublic:
    return RewardEntryPublic(id=saved_id(entry), kind=EntryKind(entry.kind), points=entry.points,
                             employee_no=entry.employee_no, hazard_ref=ref, reason=entry.reason,
                             created_at=entry.created_at)


def _balance(session: SessionDep, employee_no: str) -> RewardBalancePublic:
    entries = [_public(e, ref) for e, ref in rewards_service.statement(session, employee_no=employee_no)]
    return RewardBalancePublic(employee_no=employee_no, entries=entries,
                               balance=rewards_service.balance(session, employee_no=employee_no))


@router.get("/ledger", response_model=RewardLedgerPublic, responses=answers(403, 422))
def ledger(session: SessionDep, user: OfficerUser, unit: UnitCut, employee_no: str | None = None,
           kind: EntryKind | None = None, limit: Annotated[int, Query(ge=1, le=1000)] = 100, offset: Offset = 0
           ) -> RewardLedgerPublic:
    """Ledger entries, newest first, optionally of one employee or kind, or of the people of one unit and the units
    under it."""
    rows, count = rewards_service.ledger(session, employee_no=employee_no, kind=kind, unit=unit, limit=limit,
                                         offset=offset)
    return RewardLedgerPublic(data=[_public(e, ref) for e, ref in rows], count=count)


@router.get("/ledger.csv", response_class=Response,
            responses={200: {"content": {"text/csv": {}}}, **answers(403, 422)})
def ledger_csv(session: SessionDep, user: OfficerUser, unit: UnitCut, employee_no: str | None = None) -> Response:
    """The whole ledger (or one employee's, or one unit's people's) as CSV, UTF-8 with a BOM so spreadsheet
    programs read the Chinese."""
    rows, _ = rewards_service.ledger(session, employee_no=employee_no, unit=unit, limit=1_000_000)
    data = [[entry.id, entry.created_at.isoformat(), entry.kind, entry.employee_no or "", ref or "", entry.points,
             entry.reason or ""] for entry, ref in rows]
    return Response(to_csv(list(CSV_COLUMNS), data), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="reward-ledger.csv"'})


@router.get("/balances/{employee_no}", response_model=RewardBalancePublic)
def employee_balance(session: SessionDep, user: OfficerUser, employee_no: str) -> RewardBalancePublic:
    """One employee's balance and entries; 404 for a number that is neither a person's nor in the ledger."""
    found = _balance(session, employee_no)
    if not found.entries and people_service.get_person(session, employee_no=employee_no) is None:
        raise NotFound(f"no person and no ledger entries with employee number {employee_no!r}", field="employee_no")
    return found


@router.post("/hazards/{ref}/reverse", response_model=RewardEntryPublic, status_code=201, responses=answers(409))
def reverse(session: SessionDep, user: OfficerUser, ref: str, data: RewardReverse) -> RewardEntryPublic:
    """Withdraw a report's points, with the reason."""
    hazard = hazards_service.get_hazard(session, ref=ref)
    entry = rewards_service.reverse(session, hazard=hazard, reason=data.reason, actor=user, now=utc_now())
    session.commit()
    return _public(entry, hazard.ref)


@router.post("/payouts", response_model=RewardEntryPublic, status_code=201)
def payout(session: SessionDep, user: OfficerUser, data: RewardPayout) -> RewardEntryPublic:
    """Pay points out; never more than the balance."""
    entry = rewards_service.payout(session, employee_no=data.employee_no, points=data.points, reason=data.reason,
                                   actor=user, now=utc_now())
    session.commit()
    return _public(entry, None)


@router.get("/me", response_model=RewardBalancePublic, responses=answers(404))
def my_points(session: SessionDep, user: CurrentUser) -> RewardBalancePublic:
    """The signed-in worker's own balance and entries."""
    person = session.get(Person, user.person_id) if user.person_id else None
    if person is None:
        raise NotFound("this account is not linked to an employee", field="employee_no")
    return _balance(session, person.employee_no)


@router.post("/claim", response_model=RewardBalancePublic, responses=answers(404, 409, 429))
def claim(session: SessionDep, settings: SettingsDep, limited: RateLimited, data: RewardClaim) -> RewardBalancePublic:
    """An anonymous reporter claims their report's points with its tracking code (public, rate-limited)."""
    hazard = hazards_service.get_by_tracking_code(session, code=data.tracking_code)
    rewards_service.claim(session, hazard=hazard, employee_no=data.employee_no, settings=settings, now=utc_now())
    session.commit()
    return _balance(session, data.employee_no)


@router.post("/balance", response_model=RewardBalancePublic, responses=answers(404, 429))
def balance(session: SessionDep, limited: RateLimited, data: BalanceRequest) -> RewardBalancePublic:
    """A worker's own balance: their employee number and the tracking code of one of their reports (public)."""
    if not rewards_service.proves_owner(session, employee_no=data.employee_no, tracking_codes=data.tracking_codes):
        raise NotFound("no report of this employee number has one of these tracking codes", field="tracking_codes")
    return _balance(session, data.employee_no)
