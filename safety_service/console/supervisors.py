"""Mass safety supervisors (群众安全监督员) in the console: the roster with terms of office, and each
month's figures per supervisor and per area. The forms call the same service functions as the API."""

import logging
import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from sqlmodel import Session
from starlette.responses import RedirectResponse, Response

from safety_service.api.deps import PathId, SessionDep, SettingsDep
from safety_service.console import forms, outreach
from safety_service.console.deps import ConsoleRoute, Csrf, OfficerUser
from safety_service.console.detail import FormDep
from safety_service.console.rendering import render, translator
from safety_service.errors import InvalidInput, InvalidTransition
from safety_service.locations import service as locations_service
from safety_service.people.models import User
from safety_service.supervisors import service as supervisors_service
from safety_service.supervisors.models import Supervisor
from safety_service.supervisors.schemas import SupervisorCreate, SupervisorEnd
from safety_service.units import service as units_service

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/supervisors", route_class=ConsoleRoute)
FIELDS = ("employee_no", "team", "area_code", "term_from", "term_to")
MONTH = re.compile(r"\d{4}-\d{2}")
REFUSALS: outreach.Refusals = {
    InvalidTransition: "console.supervisors.error.ended", "employee_no": "console.outreach.error.no_employee",
    "area_code": "console.error.unknown_code", "term_from": "console.supervisors.error.overlap",
    "term_to": "console.supervisors.error.end_before_start"}
_FIELD_REFUSALS = {k: v for k, v in REFUSALS.items() if isinstance(k, str)}


def load_supervisor(session: SessionDep, user: OfficerUser, supervisor_id: PathId) -> Supervisor:
    """The roster entry in the path (404 page otherwise), for officers and the chief only."""
    return supervisors_service.get_supervisor(session, supervisor_id=supervisor_id)


SupervisorDep = Annotated[Supervisor, Depends(load_supervisor)]


def _show(request: Request, session: Session, user: User, *, typed: dict[str, Any] | None = None,
          errors: dict[str, str] | None = None, failed: int | None = None, status: int = 200) -> Response:
    today = outreach.local_today(request.app.state.settings.timezone)
    return render(request, "supervisors.html", status=status, user=user, roster=supervisors_service.roster(session),
                  today=today, areas=locations_service.list_areas(session), typed=typed or {"term_from": today.isoformat()},
                  errors=errors or {}, failed=failed)


@router.get("")
def roster_page(request: Request, session: SessionDep, user: OfficerUser) -> Response:
    """The roster, each term with the form that ends it, and the form that appoints."""
    return _show(request, session, user)


@router.post("", dependencies=[Csrf])
def appoint(request: Request, session: SessionDep, user: OfficerUser, form: FormDep) -> Response:
    """Appoint for a term of office; bad input shows the form again with the reasons."""
    t, typed = translator(request), forms.fields(form, FIELDS)
    data, errors = forms.build(SupervisorCreate, typed, t)
    errors.pop("form", None)  # the model's own check, made below whatever the other fields are
    if forms.ends_before(typed["term_from"], typed["term_to"]):
        errors.setdefault("term_to", t("console.supervisors.error.end_before_start"))
    dates = {name: forms.day(typed[name]) for name in ("term_from", "term_to")}
    errors = forms.with_rules(t, errors, supervisors_service.input_problems(session, values={**typed, **dates}),
                              _FIELD_REFUSALS)
    status = 422
    if data is not None and not errors:
        _, errors, status = outreach.attempt(session, t, lambda: supervisors_service.appoint(
            session, data=data, actor=user), REFUSALS)
    if errors:
        return _show(request, session, user, typed=typed, errors=errors, status=status)
    session.commit()
    logger.info("console supervisor appointed", extra={"employee_no": typed["employee_no"], "user_id": user.id})
    return RedirectResponse("/console/supervisors", status_code=303)


@router.post("/{supervisor_id}/end", dependencies=[Csrf])
def end_term(request: Request, session: SessionDep, settings: SettingsDep, user: OfficerUser,
             entry: SupervisorDep, form: FormDep) -> Response:
    """End a term on a date; a term already over is refused with 409."""
    t = translator(request)
    data, errors = forms.build(SupervisorEnd, forms.fields(form, ("term_to",)), t)
    status = 422
    if data is not None:
        today = outreach.local_today(settings.timezone)
        _, errors, status = outreach.attempt(session, t, lambda: supervisors_service.end_term(
            session, entry=entry, term_to=data.term_to, today=today), REFUSALS)
    if errors:
        return _show(request, session, user, errors=errors, failed=entry.id, status=status)
    session.commit()
    logger.info("console supervisor term ended", extra={"supervisor": entry.id, "user_id": user.id})
    return RedirectResponse("/console/supervisors", status_code=303)


@router.get("/figures")
def figures_page(request: Request, session: SessionDep, settings: SettingsDep, user: OfficerUser) -> Response:
    """A month's figures (this month by default): reports made, confirmed, major, closed in time."""
    t = translator(request)
    month = request.query_params.get("month") or outreach.local_today(settings.timezone).strftime("%Y-%m")
    unit = (request.query_params.get("unit") or "").strip()
    found: Any = None
    errors: dict[str, str] = {}
    try:
        if not MONTH.fullmatch(month):
            raise InvalidInput("not a month", field="month")
        found = supervisors_service.monthly_figures(session, month=month, timezone=settings.timezone, unit=unit or None)
    except InvalidInput as exc:
        errors[exc.field or "month"] = t("console.error.unknown_code" if exc.field == "unit"
                                         else "console.supervisors.error.month")
    return render(request, "supervisor_figures.html", status=422 if errors else 200, user=user, month=month[:7],
                  figures=found, errors=errors, unit=unit, units=units_service.in_tree_order(session, retired=True))
