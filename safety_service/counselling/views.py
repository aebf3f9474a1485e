"""The help-education API: violations for those who record them, cases for counsellors only.

Every case route checks the role before it loads anything, so other roles get 403, never a
hint (404 or 409) of whether a case exists. Reads of a case are written to the access log and
committed with the request.
"""

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from safety_service.api.deps import PathId, SessionDep, SettingsDep, require_roles
from safety_service.clock import utc_now
from safety_service.counselling import figures, queries, violations
from safety_service.counselling import service as cases
from safety_service.counselling.models import CounsellingCase, Violation
from safety_service.counselling.schemas import (
    CaseBegin,
    CaseClose,
    CaseObserve,
    CaseOpen,
    CasePlan,
    CasePublic,
    CasesPublic,
    CounsellingFigures,
    ViolationCreate,
    ViolationPublic,
    ViolationsPublic,
)
from safety_service.counselling.states import (
    CASE_ROLES,
    VIOLATION_READERS,
    VIOLATION_RECORDERS,
    CaseState,
    ViolationKind,
)
from safety_service.errors import NotFound
from safety_service.people.models import Role, User

router = APIRouter(tags=["counselling"])

CaseUser = Annotated[User, Depends(require_roles(*CASE_ROLES))]
ViolationRecorder = Annotated[User, Depends(require_roles(*VIOLATION_RECORDERS))]
ViolationLister = Annotated[User, Depends(require_roles(Role.supervisor, *VIOLATION_READERS))]
ViolationReader = Annotated[User, Depends(require_roles(*VIOLATION_READERS))]
Limit = Annotated[int, Query(ge=1, le=200)]
Offset = Annotated[int, Query(ge=0)]


def load_case(session: SessionDep, user: CaseUser, case_id: PathId) -> CounsellingCase:
    """The case named in the path, for a counsellor or admin; 403 first, then 404."""
    return cases.get_case(session, case_id=case_id)


CaseDep = Annotated[CounsellingCase, Depends(load_case)]


def answer(session: SessionDep, case: CounsellingCase, user: User, what: str = "detail") -> CasePublic:
    """The case as the caller sees it; the read is logged and committed with the change, if any."""
    detail = queries.detail(session, case=case, user=user, now=utc_now(), what=what)
    session.commit()
    return detail


@router.post("/violations", response_model=ViolationPublic, status_code=201)
def record_violation(session: SessionDep, settings: SettingsDep, user: ViolationRecorder,
                     data: ViolationCreate) -> ViolationPublic:
    """Record a violation (三违); it opens or joins the worker's counselling case (never shown here)."""
    violation = violations.record_violation(session, data=data, actor=user, settings=settings)
    public = violations.get_violation(session, violation_id=violation.id, user=user)
    session.commit()
    return public


@router.get("/violations", response_model=ViolationsPublic)
def list_violations(session: SessionDep, user: ViolationLister, employee_no: str | None = None,
                    kind: ViolationKind | None = None, limit: Limit = 50, offset: Offset = 0) -> ViolationsPublic:
    """Violations, newest first: all of them for officers, the chief, counsellors and admins; a supervisor's own."""
    return violations.list_violations(session, user=user, employee_no=employee_no, kind=kind, limit=limit,
                                      offset=offset)


@router.get("/violations/{violation_id}", response_model=ViolationPublic)
def read_violation(session: SessionDep, user: ViolationLister, violation_id: PathId) -> ViolationPublic:
    """One violation the caller may see."""
    return violations.get_violation(session, violation_id=violation_id, user=user)


@router.get("/workers/{employee_no}/violations", response_model=ViolationsPublic)
def worker_violations(session: SessionDep, user: ViolationReader, employee_no: str) -> ViolationsPublic:
    """A worker's violation history, newest first."""
    return violations.worker_history(session, user=user, employee_no=employee_no)


@router.get("/cases", response_model=CasesPublic)
def list_cases(session: SessionDep, user: CaseUser, state: Annotated[list[CaseState] | None, Query()] = None,
               employee_no: str | None = None, review_due: bool | None = None,
               level: Annotated[int | None, Query(ge=1)] = None, limit: Limit = 50, offset: Offset = 0) -> CasesPublic:
    """Counselling cases, newest first; each case listed is logged as read."""
    queries.begin_logged_read(session)
    page = queries.list_cases(session, user=user, now=utc_now(), state=state, employee_no=employee_no,
                              review_due=review_due, level=level, limit=limit, offset=offset)
    session.commit()
    return page


@router.post("/cases", response_model=CasePublic, status_code=201)
def open_case(session: SessionDep, user: CaseUser, data: CaseOpen) -> CasePublic:
    """Open a case from a violation that has none (when cases are not opened automatically)."""
    violation = session.get(Violation, data.violation_id)
    if violation is None:
        raise NotFound(f"no violation {data.violation_id}", field="violation_id")
    case = cases.open_case(session, violation=violation, actor=user)
    return answer(session, case, user)


@router.get("/cases/{case_id}", response_model=CasePublic)
def read_case(session: SessionDep, user: CaseUser, case: CaseDep) -> CasePublic:
    """One case with its violations, family, sessions, agreement, timeline and allowed actions."""
    queries.begin_logged_read(session)
    return answer(session, case, user)


@router.post("/cases/{case_id}/plan", response_model=CasePublic)
def plan(session: SessionDep, settings: SettingsDep, user: CaseUser, case: CaseDep, data: CasePlan) -> CasePublic:
    """Plan the case (帮教方案) with the family contacts."""
    cases.plan(session, case=case, data=data, actor=user, settings=settings)
    return answer(session, case, user)


@router.post("/cases/{case_id}/begin", response_model=CasePublic)
def begin(session: SessionDep, user: CaseUser, case: CaseDep, data: CaseBegin) -> CasePublic:
    """Start counselling (the signed family agreement must be recorded)."""
    cases.begin(session, case=case, data=data, actor=user)
    return answer(session, case, user)


@router.post("/cases/{case_id}/observe", response_model=CasePublic)
def observe(session: SessionDep, settings: SettingsDep, user: CaseUser, case: CaseDep,
            data: CaseObserve) -> CasePublic:
    """Start the observation period (probation, SAFETY_COUNSELLING_OBSERVATION_DAYS by default)."""
    cases.observe(session, case=case, data=data, actor=user, settings=settings)
    return answer(session, case, user)


@router.post("/cases/{case_id}/close", response_model=CasePublic)
def close(session: SessionDep, user: CaseUser, case: CaseDep, data: CaseClose) -> CasePublic:
    """Close the case with a review note after the observation period."""
    cases.close(session, case=case, data=data, actor=user)
    return answer(session, case, user)


@router.get("/counselling/figures", response_model=CounsellingFigures)
def counselling_figures(session: SessionDep, settings: SettingsDep, user: CaseUser,
                        months: Annotated[int, Query(ge=1, le=36)] = 12) -> CounsellingFigures:
    """Violations by kind and team per month, cases opened and closed, the repeat rate after counselling."""
    return figures.compute(session, now=utc_now(), months=months, timezone=settings.timezone)
