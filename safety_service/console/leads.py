"""Lead counsellors (牵头帮教员) in the console (admins): who leads which unit's counsellors, naming one, and
ending a lead. A lead sees every case of their unit besides those assigned to them (``counselling.pairing``)."""

import logging

from fastapi import APIRouter, Request
from sqlmodel import Session
from starlette.responses import RedirectResponse, Response

from safety_service.api.deps import PathId, SessionDep
from safety_service.console import forms
from safety_service.console.deps import AdminUser, ConsoleRoute, Csrf
from safety_service.console.detail import FormDep
from safety_service.console.rendering import render, translator
from safety_service.counselling import pairing
from safety_service.counselling.schemas import CounsellorUnitCreate
from safety_service.errors import DomainError
from safety_service.people import service as people_service
from safety_service.people.models import Role, User

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/admin/leads", route_class=ConsoleRoute)
MESSAGES = {"username": "console.leads.error.username", "team": "console.leads.error.team"}


def _page(request: Request, session: Session, user: User, *, typed: dict[str, str] | None = None,
          errors: dict[str, str] | None = None, status: int = 200) -> Response:
    counsellors = [(account, person) for account, person in people_service.list_users(session)
                   if account.role == Role.counsellor and account.is_active]
    return render(request, "admin_leads.html", status=status, user=user, section="leads",
                  leads=pairing.list_leads(session, actor=user), counsellors=counsellors,
                  teams=pairing.known_teams(session), typed=typed or {}, errors=errors or {},
                  done=request.query_params.get("done", "")[:10])


@router.get("")
def leads_page(request: Request, session: SessionDep, user: AdminUser) -> Response:
    """The lead counsellors by unit, and the form naming one."""
    return _page(request, session, user)


@router.post("", dependencies=[Csrf])
def add_lead(request: Request, session: SessionDep, user: AdminUser, form: FormDep) -> Response:
    """Name a counsellor the lead of a unit; every error of the form at once."""
    t = translator(request)
    typed = forms.fields(form, ("username", "team"))
    data, errors = forms.build(CounsellorUnitCreate, typed, t)
    errors = forms.with_rules(t, errors, pairing.lead_problems(session, **typed), MESSAGES)
    if not errors:
        try:
            pairing.add_lead(session, data=data, actor=user)
        except DomainError as exc:
            errors = forms.domain_error(t, exc, MESSAGES)
    if errors:
        session.rollback()
        return _page(request, session, user, typed=typed, errors=errors, status=422)
    session.commit()
    logger.info("console lead counsellor named", extra={"username": data.username, "by": user.username})
    return RedirectResponse("/console/admin/leads?done=added", status_code=303)


@router.post("/{lead_id}/remove", dependencies=[Csrf])
def remove_lead(session: SessionDep, user: AdminUser, lead_id: PathId) -> Response:
    """End a lead: the counsellor keeps only the cases assigned to them."""
    pairing.remove_lead(session, lead_id=lead_id, actor=user)
    session.commit()
    return RedirectResponse("/console/admin/leads?done=removed", status_code=303)
