"""Violations (三违) in the console: the recording form, the list, a worker's history.

Supervisors, officers, the chief and admins record; the list shows a supervisor only what they
recorded. Nothing here tells of counselling cases: a violation page is no window onto a case.
"""

import logging
from typing import Any

from fastapi import APIRouter, Request
from sqlmodel import Session
from starlette.responses import RedirectResponse, Response

from safety_service.api.deps import PathId, SessionDep, SettingsDep
from safety_service.clock import utc_now
from safety_service.console import forms
from safety_service.console.deps import (
    ConsoleRoute,
    Csrf,
    MeasureCloser,
    ViolationLister,
    ViolationReader,
    ViolationRecorder,
)
from safety_service.console.detail import FormDep
from safety_service.console.queues import page_number
from safety_service.console.rendering import render, translator
from safety_service.counselling import items, violations
from safety_service.counselling.states import ViolationKind, ViolationSeverity
from safety_service.counselling.violation_schemas import MeasureComplete, ViolationCreate
from safety_service.errors import DomainError
from safety_service.locations import service as locations_service
from safety_service.people import service as people_service
from safety_service.people.models import User

logger = logging.getLogger(__name__)
router = APIRouter(route_class=ConsoleRoute)
FIELDS = ("employee_no", "kind", "item_id", "severity", "occurred_at", "location_code", "description", "hazard_ref")
# What a refusal of the violation service means, beside its field.
MESSAGES = {"employee_no": "counselling.error.no_worker", "location_code": "console.error.unknown_code",
            "hazard_ref": "counselling.error.no_hazard", "occurred_at": "counselling.error.not_future",
            "item_id": "counselling.error.item_kind"}


def _form(request: Request, session: Session, user: User, typed: dict[str, str], errors: dict[str, str],
          status: int = 200) -> Response:
    return render(request, "violation_form.html", status=status, user=user, typed=typed, errors=errors,
                  failed="violation", kinds=list(ViolationKind), severities=list(ViolationSeverity),
                  items=items.list_items(session, active_only=True), locations=locations_service.list_locations(session))


@router.get("/violations/new")
def violation_form(request: Request, session: SessionDep, user: ViolationRecorder) -> Response:
    """The form recording a violation; ``?hazard=REF`` links it to a hazard from the start."""
    typed = {"hazard_ref": request.query_params.get("hazard", "")[:20]}
    return _form(request, session, user, typed, {})


@router.post("/violations/new", dependencies=[Csrf])
def record(request: Request, session: SessionDep, settings: SettingsDep, user: ViolationRecorder,
           form: FormDep) -> Response:
    """Record through the violation service (which opens or joins the worker's case, unseen here)."""
    t = translator(request)
    typed = forms.fields(form, FIELDS)
    values = {**typed, "occurred_at": forms.local_datetime(typed["occurred_at"], settings.timezone)
              if typed["occurred_at"] else ""}
    data, errors = forms.build(ViolationCreate, values, t)
    for problem in violations.input_problems(session, values={**values, "occurred_at": forms.aware_datetime(
            values["occurred_at"])}, now=utc_now()):
        errors = {**forms.domain_error(t, problem, MESSAGES), **errors}
    if data is not None and not errors:
        try:
            violation = violations.record_violation(session, data=data, actor=user, settings=settings)
        except DomainError as exc:
            errors = forms.domain_error(t, exc, MESSAGES)
    if errors:
        session.rollback()
        return _form(request, session, user, typed, errors, status=422)
    session.commit()
    logger.info("console violation recorded", extra={"violation_id": violation.id, "user_id": user.id})
    return RedirectResponse(f"/console/violations?recorded={violation.id}", status_code=303)


def _listing(request: Request, user: User, **context: Any) -> Response:
    return render(request, "violations.html", status=422 if context.get("errors") else 200, user=user,
                  kinds=list(ViolationKind), severities=list(ViolationSeverity),
                  recorded=request.query_params.get("recorded", "")[:12], **context)


@router.get("/violations")
def violation_list(request: Request, session: SessionDep, settings: SettingsDep, user: ViolationLister) -> Response:
    """Violations, newest first (a supervisor's own); filter by worker, kind and severity, paged."""
    typed = forms.fields(request.query_params, ("employee_no", "kind", "severity"))
    errors = {name: translator(request)("console.error.choice") for name, allowed in
              (("kind", ViolationKind), ("severity", ViolationSeverity)) if typed[name] not in ("", *allowed)}
    size, number = settings.console_page_size, page_number(request)
    page = violations.list_violations(
        session, user=user, employee_no=typed["employee_no"] or None,
        kind=ViolationKind(typed["kind"]) if typed["kind"] and "kind" not in errors else None,
        severity=ViolationSeverity(typed["severity"]) if typed["severity"] and "severity" not in errors else None,
        limit=size, offset=(number - 1) * size)
    return _listing(request, user, rows=page.data, count=page.count, typed=typed, errors=errors, number=number,
                    last=max(1, -(-page.count // size)), worker=None)


@router.get("/workers/{employee_no}/violations")
def worker_history(request: Request, session: SessionDep, user: ViolationReader, employee_no: str) -> Response:
    """A worker's violation history, newest first (officers, the chief, counsellors, admins)."""
    found = violations.worker_history(session, user=user, employee_no=employee_no)
    worker = people_service.get_person(session, employee_no=employee_no)
    return _listing(request, user, rows=found.data, count=found.count, typed={}, errors={}, number=1, last=1,
                    worker=worker)


@router.post("/violations/{violation_id}/measures/{measure_id}/complete", dependencies=[Csrf])
def complete_measure(session: SessionDep, user: MeasureCloser, violation_id: PathId, measure_id: PathId,
                     form: FormDep) -> Response:
    """The safety office marks a measure done; back to the list, which shows who did and when."""
    note = forms.fields(form, ("note",))["note"][:500] or None
    items.complete_measure(session, violation_id=violation_id, measure_id=measure_id,
                           data=MeasureComplete(note=note), actor=user)
    session.commit()
    return RedirectResponse(f"/console/violations#violation-{violation_id}", status_code=303)
