"""The help-education API: violations for those who record them, cases for counsellors only.

Every case route checks the role before it loads anything, so other roles get 403, never a
hint (404 or 409) of whether a case exists. Reads of a case are written to the access log and
committed with the request.
"""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from safety_service import database
from safety_service.api.answers import answers
from safety_service.api.deps import AdminUser, Offset, PathId, SessionDep, SettingsDep, require_roles
from safety_service.clock import local_today, utc_now
from safety_service.counselling import access_log, figures, items, pairing, queries, violations
from safety_service.counselling import service as cases
from safety_service.counselling.models import CounsellingCase, Violation
from safety_service.counselling.schemas import (
    CaseAccessesPublic,
    CaseBegin,
    CaseClose,
    CaseObserve,
    CaseOpen,
    CasePair,
    CasePlan,
    CasePublic,
    CaseReferral,
    CasesPublic,
    CounsellingFigures,
    CounsellorUnitCreate,
    CounsellorUnitPublic,
    CounsellorUnitsPublic,
)
from safety_service.counselling.states import (
    CASE_ROLES,
    MAX_LEVEL,
    MEASURE_CLOSERS,
    VIOLATION_READERS,
    VIOLATION_RECORDERS,
    CaseState,
    ViolationKind,
    ViolationSeverity,
)
from safety_service.counselling.violation_schemas import (
    MeasureComplete,
    ViolationCreate,
    ViolationItemCreate,
    ViolationItemPublic,
    ViolationItemUpdate,
    ViolationPublic,
    ViolationsPublic,
)
from safety_service.database import saved_id
from safety_service.errors import NotFound
from safety_service.people.models import Role, User
from safety_service.units import cuts
from safety_service.validation import MAX_ROW_ID, Moment
from safety_service.web.sheets import to_csv

router = APIRouter(tags=["counselling"])

CaseUser = Annotated[User, Depends(require_roles(*CASE_ROLES))]
ViolationRecorder = Annotated[User, Depends(require_roles(*VIOLATION_RECORDERS))]
ViolationLister = Annotated[User, Depends(require_roles(Role.supervisor, *VIOLATION_READERS))]
ViolationReader = Annotated[User, Depends(require_roles(*VIOLATION_READERS))]
MeasureCloser = Annotated[User, Depends(require_roles(*MEASURE_CLOSERS))]
Limit = Annotated[int, Query(ge=1, le=200)]


def load_case(session: SessionDep, user: CaseUser, case_id: PathId) -> CounsellingCase:
    """The case named in the path, for a counsellor or admin; 403 first, then 404."""
    return cases.get_case(session, case_id=case_id, user=user)


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
    public = violations.get_violation(session, violation_id=saved_id(violation), user=user)
    session.commit()
    return public


@router.get("/violations", response_model=ViolationsPublic)
def list_violations(session: SessionDep, user: ViolationLister, employee_no: str | None = None,
                    kind: ViolationKind | None = None, severity: ViolationSeverity | None = None,
                    limit: Limit = 50, offset: Offset = 0) -> ViolationsPublic:
    """Violations, newest first: all of them for officers, the chief, counsellors and admins; a supervisor's own."""
    return violations.list_violations(session, user=user, employee_no=employee_no, kind=kind, severity=severity,
                                      limit=limit, offset=offset)


@router.get("/violation-items", response_model=list[ViolationItemPublic])
def list_violation_items(session: SessionDep, user: ViolationLister, active: bool = False) -> list[ViolationItemPublic]:
    """The standard list (三违界定标准) with default severity and measures; ``active=true`` only the form's."""
    return items.list_items(session, active_only=active)


@router.post("/violation-items", response_model=ViolationItemPublic, status_code=201, responses=answers(409))
def add_violation_item(session: SessionDep, user: AdminUser, data: ViolationItemCreate) -> ViolationItemPublic:
    """An admin adds an entry to the standard list."""
    item = items.add_item(session, data=data, actor=user)
    session.commit()
    return ViolationItemPublic.model_validate(item, from_attributes=True)


@router.patch("/violation-items/{item_id}", response_model=ViolationItemPublic, responses=answers(409))
def update_violation_item(session: SessionDep, user: AdminUser, item_id: PathId,
                          data: ViolationItemUpdate) -> ViolationItemPublic:
    """An admin changes an entry or retires it (``active: false``)."""
    item = items.update_item(session, item_id=item_id, data=data, actor=user)
    session.commit()
    return ViolationItemPublic.model_validate(item, from_attributes=True)


@router.post("/violations/{violation_id}/measures/{measure_id}/complete", response_model=ViolationPublic)
def complete_measure(session: SessionDep, user: MeasureCloser, violation_id: PathId, measure_id: PathId,
                     data: MeasureComplete) -> ViolationPublic:
    """The safety office marks a measure done (fine paid, study class attended, talk held, suspension served)."""
    items.complete_measure(session, violation_id=violation_id, measure_id=measure_id, data=data, actor=user)
    public = violations.get_violation(session, violation_id=violation_id, user=user)
    session.commit()
    return public


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
               level: Annotated[int | None, Query(ge=1, le=MAX_LEVEL)] = None, limit: Limit = 50,
               offset: Offset = 0) -> CasesPublic:
    """Counselling cases, newest first; each case listed is logged as read."""
    database.restart_for_write(session)
    page = queries.list_cases(session, user=user, now=utc_now(), state=state, employee_no=employee_no,
                              review_due=review_due, level=level, limit=limit, offset=offset)
    session.commit()
    return page


@router.post("/cases", response_model=CasePublic, status_code=201, responses=answers(404, 409))
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
    database.restart_for_write(session)
    return answer(session, case, user)


@router.post("/cases/{case_id}/pair", response_model=CasePublic, responses=answers(409))
def pair(session: SessionDep, user: CaseUser, case: CaseDep, data: CasePair) -> CasePublic:
    """一帮一: assign the union counsellor and a mentor of the worker's unit (admins, the unit's lead counsellor)."""
    pairing.pair(session, case=case, data=data, actor=user)
    return answer(session, case, user)


@router.post("/cases/{case_id}/referral", response_model=CasePublic)
def refer(session: SessionDep, settings: SettingsDep, user: CaseUser, case: CaseDep, data: CaseReferral) -> CasePublic:
    """Record a referral to the counselling station (心理疏导站) with its date; no clinical content is kept."""
    pairing.refer(session, case=case, data=data, actor=user, today=local_today(settings.timezone))
    return answer(session, case, user)


@router.post("/counselling/leads", response_model=CounsellorUnitPublic, status_code=201, responses=answers(404, 409))
def add_lead(session: SessionDep, user: AdminUser, data: CounsellorUnitCreate) -> CounsellorUnitPublic:
    """An admin names a counsellor the lead of a unit's counsellors (they then see that unit's cases)."""
    lead = pairing.add_lead(session, data=data, actor=user)
    session.commit()
    return CounsellorUnitPublic(id=saved_id(lead), username=data.username, team=lead.team)


@router.get("/counselling/leads", response_model=CounsellorUnitsPublic)
def list_leads(session: SessionDep, user: AdminUser) -> CounsellorUnitsPublic:
    """The lead counsellors and the unit each leads (admins)."""
    rows = pairing.list_leads(session, actor=user)
    return CounsellorUnitsPublic(data=[CounsellorUnitPublic(id=saved_id(lead), username=account.username,
                                                            team=lead.team)
                                       for lead, account in rows], count=len(rows))


@router.delete("/counselling/leads/{lead_id}", status_code=204, responses=answers(404))
def remove_lead(session: SessionDep, user: AdminUser, lead_id: PathId) -> Response:
    """An admin ends a counsellor's lead of a unit; they keep only the cases assigned to them."""
    pairing.remove_lead(session, lead_id=lead_id, actor=user)
    session.commit()
    return Response(status_code=204)


@router.post("/cases/{case_id}/plan", response_model=CasePublic, responses=answers(409))
def plan(session: SessionDep, settings: SettingsDep, user: CaseUser, case: CaseDep, data: CasePlan) -> CasePublic:
    """Plan the case (帮教方案) with the family contacts."""
    cases.plan(session, case=case, data=data, actor=user, settings=settings)
    return answer(session, case, user)


@router.post("/cases/{case_id}/begin", response_model=CasePublic, responses=answers(409))
def begin(session: SessionDep, user: CaseUser, case: CaseDep, data: CaseBegin) -> CasePublic:
    """Start counselling (the signed family agreement must be recorded)."""
    cases.begin(session, case=case, data=data, actor=user)
    return answer(session, case, user)


@router.post("/cases/{case_id}/observe", response_model=CasePublic, responses=answers(409))
def observe(session: SessionDep, settings: SettingsDep, user: CaseUser, case: CaseDep,
            data: CaseObserve) -> CasePublic:
    """Start the observation period (probation, SAFETY_COUNSELLING_OBSERVATION_DAYS by default)."""
    cases.observe(session, case=case, data=data, actor=user, settings=settings)
    return answer(session, case, user)


@router.post("/cases/{case_id}/close", response_model=CasePublic, responses=answers(409))
def close(session: SessionDep, user: CaseUser, case: CaseDep, data: CaseClose) -> CasePublic:
    """Close the case with a review note after the observation period."""
    cases.close(session, case=case, data=data, actor=user)
    return answer(session, case, user)


@router.get("/counselling/figures", response_model=CounsellingFigures, responses=answers(403, 422))
def counselling_figures(session: SessionDep, settings: SettingsDep, user: CaseUser,
                        months: Annotated[int, Query(ge=1, le=36)] = 12,
                        unit: Annotated[str | None, Query(max_length=32, examples=["TF"])] = None) -> CounsellingFigures:
    """Violations by kind and team per month, cases opened and closed, the repeat rate after counselling; with
    ``unit``, only of the workers of that unit and the units under it (422 naming ``unit`` when there is none)."""
    unit = cuts.check_unit(session, unit)
    return figures.compute(session, now=utc_now(), months=months, timezone=settings.timezone, unit=unit)


@router.get("/counselling/access-log", response_model=CaseAccessesPublic)
def read_access_log(session: SessionDep, user: AdminUser, case_id: Annotated[int | None, Query(ge=1, le=MAX_ROW_ID)] = None,
                    username: str | None = None, since: Moment | None = None,
                    until: Moment | None = None, limit: Limit = 100, offset: Offset = 0) -> CaseAccessesPublic:
    """Who read which case when, newest first, filtered by case, account and time (admins)."""
    return access_log.read_log(session, user=user, case_id=case_id, username=username, since=since, until=until,
                               limit=limit, offset=offset)


@router.get("/counselling/access-log.csv", response_class=Response, responses={200: {"content": {"text/csv": {}}}})
def export_access_log(session: SessionDep, user: AdminUser, case_id: Annotated[int | None, Query(ge=1, le=MAX_ROW_ID)] = None,
                      username: str | None = None, since: Moment | None = None,
                      until: Moment | None = None) -> Response:
    """The filtered access log as CSV (UTF-8 with a BOM), for an audit."""
    found = access_log.read_log(session, user=user, case_id=case_id, username=username, since=since, until=until,
                                limit=1_000_000)
    rows = [[a.id, a.at.isoformat(), a.case_id, a.username, a.role, a.what] for a in found.data]
    return Response(to_csv(["id", "at", "case_id", "username", "role", "what"], rows),
                    media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="case-access-log.csv"'})
