"""Workers' reports of unsafe behaviour (人的不安全行为) in the console: the queue, one report, and the two
decisions (a violation record of the worker identified, or a rejection with its reason).

Those who record violations (supervisors, officers, the chief, admins) decide, as in the API. The pages show
what, where, when and the name the reporter gave: never the reporter (安委〔2024〕7号, 举报人保密).
"""

import logging

from fastapi import APIRouter, Request
from sqlmodel import Session
from starlette.responses import RedirectResponse, Response

from safety_service.api.deps import SessionDep, SettingsDep
from safety_service.clock import utc_now
from safety_service.console import forms
from safety_service.console.deps import ConsoleRoute, Csrf, ViolationRecorder
from safety_service.console.detail import FormDep
from safety_service.console.queues import page_number
from safety_service.console.rendering import local, render, translator
from safety_service.console.violations import MESSAGES
from safety_service.counselling import behaviour, items
from safety_service.counselling.behaviour import Outcome
from safety_service.counselling.behaviour_schemas import BehaviourReject, BehaviourToViolation, public
from safety_service.counselling.states import ViolationKind, ViolationSeverity
from safety_service.database import known
from safety_service.errors import DomainError
from safety_service.hazards.models import Hazard
from safety_service.locations.models import Location
from safety_service.people.models import User

logger = logging.getLogger(__name__)
router = APIRouter(route_class=ConsoleRoute)
FIELDS = ("employee_no", "kind", "item_id", "severity", "occurred_at", "description")


@router.get("/behaviour")
def queue(request: Request, session: SessionDep, settings: SettingsDep, user: ViolationRecorder) -> Response:
    """Behaviour reports, newest first: those waiting for a decision unless another outcome is chosen."""
    typed = forms.fields(request.query_params, ("outcome",))
    chosen = typed["outcome"] or Outcome.pending
    errors = {} if chosen in (*Outcome, "all") else {"outcome": translator(request)("console.error.choice")}
    outcome = None if errors or chosen == "all" else Outcome(chosen)
    size, number = settings.console_page_size, page_number(request)
    rows, count = behaviour.list_reports(session, user=user, outcome=outcome, limit=size, offset=(number - 1) * size)
    return render(request, "behaviour_queue.html", status=422 if errors else 200, user=user, errors=errors,
                  chosen=chosen, outcomes=[*Outcome, "all"], rows=[public(*row) for row in rows], count=count,
                  number=number, last=max(1, -(-count // size)), decided=request.query_params.get("decided", "")[:20])


def _page(request: Request, session: Session, user: User, hazard: Hazard, *, typed: dict[str, str] | None = None,
          errors: dict[str, str] | None = None, failed: str = "", status: int = 200) -> Response:
    location = known(session.get(Location, hazard.location_id))  # the hazard's foreign key
    report = public(hazard, location, behaviour.decision_of(session, hazard=hazard))
    settings = request.app.state.settings
    defaults = {"occurred_at": local(hazard.behaviour_at, settings.timezone, "%Y-%m-%dT%H:%M"),
                "description": hazard.description}
    return render(request, "behaviour_report.html", status=status, user=user, report=report, failed=failed,
                  typed=typed if typed is not None else defaults, errors=errors or {}, defaults=defaults,
                  kinds=list(ViolationKind), severities=list(ViolationSeverity),
                  items=items.list_items(session, active_only=True))


@router.get("/behaviour/{ref}")
def report_page(request: Request, session: SessionDep, user: ViolationRecorder, ref: str) -> Response:
    """One report with its decision, or the two forms while it waits."""
    return _page(request, session, user, behaviour.get_report(session, ref=ref))


@router.post("/behaviour/{ref}/violation", dependencies=[Csrf])
def to_violation(request: Request, session: SessionDep, settings: SettingsDep, user: ViolationRecorder, ref: str,
                 form: FormDep) -> Response:
    """Record the report as a violation (三违) of the worker identified; every error of the form at once."""
    hazard, t = behaviour.get_report(session, ref=ref), translator(request)
    typed = forms.fields(form, FIELDS)
    values = {**typed, "occurred_at": forms.local_datetime(typed["occurred_at"], settings.timezone)
              if typed["occurred_at"] else ""}
    data, errors = forms.build(BehaviourToViolation, values, t)
    problems = behaviour.input_problems(session, values={**values, "occurred_at": forms.aware_datetime(
        values["occurred_at"])}, now=utc_now())
    errors = forms.with_rules(t, errors, problems, MESSAGES)
    if not errors:
        try:
            violation = behaviour.to_violation(session, hazard=hazard, data=data, actor=user, settings=settings,
                                               now=utc_now())
        except DomainError as exc:
            errors = forms.domain_error(t, exc, {**MESSAGES, "ref": "console.behaviour.error.decided"})
    if errors:
        session.rollback()
        return _page(request, session, user, hazard, typed=typed, errors=errors, failed="violation", status=422)
    session.commit()
    logger.info("console behaviour report recorded as violation", extra={"ref": hazard.ref, "user_id": user.id,
                                                                         "violation_id": violation.id})
    return RedirectResponse(f"/console/behaviour?decided={hazard.ref}", status_code=303)


@router.post("/behaviour/{ref}/reject", dependencies=[Csrf])
def reject(request: Request, session: SessionDep, user: ViolationRecorder, ref: str, form: FormDep) -> Response:
    """Reject the report with a reason."""
    hazard, t = behaviour.get_report(session, ref=ref), translator(request)
    typed = forms.fields(form, ("reason",))
    data, errors = forms.build(BehaviourReject, typed, t)
    if not errors:
        try:
            behaviour.reject(session, hazard=hazard, reason=data.reason, actor=user, now=utc_now())
        except DomainError as exc:
            errors = forms.domain_error(t, exc, {"ref": "console.behaviour.error.decided"})
    if errors:
        session.rollback()
        return _page(request, session, user, hazard, typed=typed, errors=errors, failed="reject", status=422)
    session.commit()
    return RedirectResponse(f"/console/behaviour?decided={hazard.ref}", status_code=303)
