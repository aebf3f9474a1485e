"""The hazard register API: list, detail, an officer's own finding, one POST per transition."""

from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy.engine import Dialect
from sqlmodel import Session

from safety_service import reading
from safety_service.api.answers import answers
from safety_service.api.deps import (
    HAZARD_READERS,
    AsyncReadsDep,
    CurrentUser,
    FindingReporter,
    HazardReader,
    MetricsDep,
    ReadConnections,
    SessionDep,
    SettingsDep,
    TokenDep,
    check_role,
    signed_in,
)
from safety_service.api.query import query_parameters, read_query
from safety_service.clock import utc_now
from safety_service.hazards import intake as hazards_intake
from safety_service.hazards import listing, queries
from safety_service.hazards import service as hazards_service
from safety_service.hazards import urgent as hazards_urgent
from safety_service.hazards.models import Hazard
from safety_service.hazards.schemas import (
    HazardAssign,
    HazardConfirm,
    HazardExtensionDecision,
    HazardExtensionRequest,
    HazardFilters,
    HazardFinding,
    HazardPublic,
    HazardReassign,
    HazardRectified,
    HazardRegrade,
    HazardReject,
    HazardReopen,
    HazardReport,
    HazardSelfCheck,
    HazardsPublic,
    HazardVerify,
    StepLimits,
    UrgentAcknowledge,
    UrgentMark,
)
from safety_service.people.models import Person, User

router = APIRouter(prefix="/hazards", tags=["hazards"])
TRANSITION = answers(403, 409)  # a role that may not take the step; a step the hazard's state does not allow


def load_hazard(session: SessionDep, ref: str) -> Hazard:
    """The hazard named in the path, or 404."""
    return hazards_service.get_hazard(session, ref=ref)


HazardDep = Annotated[Hazard, Depends(load_hazard)]


def step_answer(session: Session, hazard: Hazard, user: User) -> HazardPublic:
    """Commit the step and answer with the hazard as this user now sees it (the major steps' routes too)."""
    session.commit()
    return queries.detail(session, hazard=hazard, user=user, now=utc_now())


# The list answers without response_model's work (see below): only its documentation is declared here.
@router.get("", response_model=HazardsPublic, responses=answers(403, 422),
            openapi_extra={"parameters": query_parameters(HazardFilters)})
async def list_hazards(request: Request, connections: ReadConnections, async_reads: AsyncReadsDep,
                       settings: SettingsDep, token: TokenDep) -> Response:
    """Hazards this user may see, filtered, sorted and paged; the count is capped at 10,000 (1,000 for a search)."""
    # The busiest endpoint: the account check, the filters (read in one validation), the query and the JSON
    # on a connection without a transaction, where the other routes take a session and a chain of
    # dependencies. On PostgreSQL on the event loop; a text search (and any moment the pool has no working
    # connection), and everything on SQLite, in one hop to the read threads.
    def listed(dialect: Dialect) -> reading.Plan[dict[str, Any]]:
        reader = check_role((yield from signed_in(settings, token)), HAZARD_READERS)
        filters = read_query(HazardFilters, request.query_params)
        return (yield from listing.page(filters, reader, now=utc_now(), limits=StepLimits.of(settings),
                                        dialect=dialect))

    if async_reads is not None:
        wait = request.app.state.concurrency.async_connection_wait_seconds
        if (found := await reading.run_on_the_loop(async_reads, listed, wait_seconds=wait)) is not None:
            return Response(orjson.dumps(found), media_type="application/json")

    def on_a_read_thread() -> bytes:
        with connections() as connection:
            return orjson.dumps(reading.run(reading.ConnectionReader(connection), listed(connection.dialect)))

    return Response(await request.app.state.reads.run(on_a_read_thread), media_type="application/json")


@router.post("", response_model=HazardPublic, status_code=201, responses={
    200: {"model": HazardPublic, "description": "This client_report_id was recorded before: the first finding."},
    **answers(404)})
def report_finding(session: SessionDep, settings: SettingsDep, metrics: MetricsDep, user: FindingReporter,
                   data: HazardFinding, response: Response) -> HazardPublic:
    """Record an officer's or supervisor's own finding; a repeated client_report_id returns the first."""
    person = session.get(Person, user.person_id) if user.person_id else None
    report = HazardReport(
        **data.model_dump(),
        reporter_employee_no=person.employee_no if person else None,
        reporter_name=person.name if person else user.username,
    )
    hazard, created = hazards_intake.report_hazard(
        session, data=report, recorded_by=user, timezone=settings.timezone
    )
    if not created:
        response.status_code = 200
    answer = step_answer(session, hazard, user)
    metrics.report(str(data.source), created=created)  # after the commit: a report taken is a report kept
    return answer


@router.get("/{ref}", response_model=HazardPublic)
def read_hazard(session: SessionDep, user: HazardReader, ref: str) -> HazardPublic:
    """One hazard with its history and the actions this user may take now."""
    hazard = queries.get_visible(session, ref=ref, user=user)
    return queries.detail(session, hazard=hazard, user=user, now=utc_now())


@router.post("/{ref}/confirm", response_model=HazardPublic, responses=TRANSITION)
def confirm(session: SessionDep, user: CurrentUser, hazard: HazardDep, data: HazardConfirm) -> HazardPublic:
    """Confirm a report: grade (general/major) and category."""
    hazards_service.confirm(session, hazard=hazard, data=data, actor=user)
    return step_answer(session, hazard, user)


@router.post("/{ref}/reject", response_model=HazardPublic, responses=TRANSITION)
def reject(session: SessionDep, user: CurrentUser, hazard: HazardDep, data: HazardReject) -> HazardPublic:
    """Reject a report with a reason (and the original's reference for a duplicate)."""
    hazards_service.reject(session, hazard=hazard, data=data, actor=user)
    return step_answer(session, hazard, user)


@router.post("/{ref}/assign", response_model=HazardPublic, responses=TRANSITION)
def assign(session: SessionDep, user: CurrentUser, hazard: HazardDep, data: HazardAssign) -> HazardPublic:
    """Start rectification with the five fixes (五落实)."""
    hazards_service.assign(session, hazard=hazard, data=data, actor=user)
    return step_answer(session, hazard, user)


@router.post("/{ref}/rectified", response_model=HazardPublic, responses=TRANSITION)
def rectified(session: SessionDep, user: CurrentUser, hazard: HazardDep, data: HazardRectified) -> HazardPublic:
    """The rectification owner submits the fix with evidence."""
    hazards_service.mark_rectified(session, hazard=hazard, data=data, actor=user)
    return step_answer(session, hazard, user)


@router.post("/{ref}/verify", response_model=HazardPublic, responses=TRANSITION)
def verify(session: SessionDep, user: CurrentUser, hazard: HazardDep, data: HazardVerify) -> HazardPublic:
    """Verify the fix (验收销号): passed closes the hazard, failed returns it to rectification."""
    hazards_service.verify(session, hazard=hazard, data=data, actor=user)
    return step_answer(session, hazard, user)


@router.post("/{ref}/request_extension", response_model=HazardPublic, responses=TRANSITION)
def request_extension(session: SessionDep, user: CurrentUser, hazard: HazardDep,
                      data: HazardExtensionRequest) -> HazardPublic:
    """The owner asks for a later deadline (延期申请): reason and new date."""
    hazards_service.request_extension(session, hazard=hazard, data=data, actor=user)
    return step_answer(session, hazard, user)


@router.post("/{ref}/decide_extension", response_model=HazardPublic, responses=TRANSITION)
def decide_extension(session: SessionDep, user: CurrentUser, hazard: HazardDep,
                     data: HazardExtensionDecision) -> HazardPublic:
    """Approve or refuse the waiting extension request (the officer, or the chief by level)."""
    hazards_service.decide_extension(session, hazard=hazard, data=data, actor=user)
    return step_answer(session, hazard, user)


@router.post("/{ref}/reassign", response_model=HazardPublic, responses=TRANSITION)
def reassign(session: SessionDep, user: CurrentUser, hazard: HazardDep, data: HazardReassign) -> HazardPublic:
    """Give the fix to another responsible unit or person, with the reason."""
    hazards_service.reassign(session, hazard=hazard, data=data, actor=user)
    return step_answer(session, hazard, user)


@router.post("/{ref}/reopen", response_model=HazardPublic, responses=TRANSITION)
def reopen(session: SessionDep, user: CurrentUser, hazard: HazardDep, data: HazardReopen) -> HazardPublic:
    """Reopen a closed hazard found failing at a later check (复查不合格), with a new deadline."""
    hazards_service.reopen(session, hazard=hazard, data=data, actor=user)
    return step_answer(session, hazard, user)


@router.post("/{ref}/regrade", response_model=HazardPublic, responses=TRANSITION)
def regrade(session: SessionDep, user: CurrentUser, hazard: HazardDep, data: HazardRegrade) -> HazardPublic:
    """Re-grade or re-categorise a confirmed hazard with a reason (a major hazard's is the chief's)."""
    hazards_service.regrade(session, hazard=hazard, data=data, actor=user)
    return step_answer(session, hazard, user)


@router.post("/{ref}/self_check", response_model=HazardPublic, responses=TRANSITION)
def self_check(session: SessionDep, user: CurrentUser, hazard: HazardDep, data: HazardSelfCheck) -> HazardPublic:
    """The responsible unit's leader records its self-check (自检) where the level asks for two-step acceptance:
    passed, the safety department verifies next; failed, the fix goes back to rectification."""
    hazards_service.self_check(session, hazard=hazard, data=data, actor=user)
    return step_answer(session, hazard, user)


@router.post("/{ref}/mark-urgent", response_model=HazardPublic, responses=TRANSITION)
def mark_urgent(session: SessionDep, user: CurrentUser, hazard: HazardDep, data: UrgentMark) -> HazardPublic:
    """Mark an open report urgent: the dispatch room and the officers are told at once."""
    hazards_urgent.mark_urgent(session, hazard=hazard, actor=user, note=data.note)
    return step_answer(session, hazard, user)


@router.post("/{ref}/acknowledge-urgent", response_model=HazardPublic, responses=TRANSITION)
def acknowledge_urgent(session: SessionDep, user: CurrentUser, hazard: HazardDep,
                       data: UrgentAcknowledge) -> HazardPublic:
    """The dispatcher acknowledges an urgent hazard: 已通知现场 (site_notified) or 已撤人 (evacuated)."""
    hazards_urgent.acknowledge(session, hazard=hazard, actor=user, what=hazards_urgent.Acknowledgement(data.what),
                               note=data.note)
    return step_answer(session, hazard, user)
