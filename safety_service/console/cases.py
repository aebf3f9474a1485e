"""Counselling cases (亲情帮教) in the console, for counsellors and admins only.

Every route checks the role before it looks the case up, so other roles get the 403 page and
never a hint of whether a case exists. Every page that shows a case (the list, the detail, the
scan) writes the access log in the request's transaction, like the API.
"""

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session
from starlette.responses import RedirectResponse, Response

from safety_service import database
from safety_service.api.deps import SessionDep, SettingsDep
from safety_service.clock import utc_now
from safety_service.config import Settings
from safety_service.console import case_forms, forms
from safety_service.console.deps import CaseUser, ConsoleRefusal, ConsoleRoute, Csrf
from safety_service.console.detail import FormDep
from safety_service.console.queues import page_number
from safety_service.console.rendering import local, render, translator
from safety_service.counselling import (
    cosupervision,
    cosupervision_views,
    family,
    messages,
    pairing,
    queries,
    violations,
)
from safety_service.counselling import service as cases
from safety_service.counselling.models import CounsellingCase
from safety_service.counselling.states import MAX_LEVEL, CaseState, MentorRole, Relation, SessionKind, ViolationKind
from safety_service.database import known, saved_id
from safety_service.errors import DomainError, InvalidTransition, PermissionDenied
from safety_service.i18n import Translator
from safety_service.people import service as people_service
from safety_service.people.models import Person, Role, User
from safety_service.validation import MAX_ROW_ID, whole_number

logger = logging.getLogger(__name__)
router = APIRouter(route_class=ConsoleRoute)


def console_case(session: SessionDep, user: CaseUser, case_id: str) -> CounsellingCase:
    """The case in the path, for a counsellor or admin: the role is checked first, then the case."""
    number = whole_number(case_id, high=MAX_ROW_ID)
    if not number:
        raise ConsoleRefusal("not_found", 404)
    return cases.get_case(session, case_id=number, user=user)


ConsoleCase = Annotated[CounsellingCase, Depends(console_case)]


def _filters(request: Request, t: Translator) -> tuple[dict[str, Any], dict[str, str], dict[str, str]]:
    typed = forms.fields(request.query_params, ("state", "level", "worker"))
    errors: dict[str, str] = {}
    if typed["state"] not in ("", *CaseState):
        errors["state"] = t("console.error.choice")
    level = whole_number(typed["level"], high=MAX_LEVEL)
    if typed["level"] and not level:
        errors["level"] = t("counselling.error.level")
    chosen = {"state": [CaseState(typed["state"])] if typed["state"] and "state" not in errors else None,
              "level": level or None,
              "employee_no": typed["worker"] or None}
    return chosen, typed, errors


@router.get("/cases")
def case_list(request: Request, session: SessionDep, settings: SettingsDep, user: CaseUser) -> Response:
    """The cases, newest first, filtered by state, level and worker, paged; each case shown is logged."""
    chosen, typed, errors = _filters(request, translator(request))
    size, number = settings.console_page_size, page_number(request)
    database.restart_for_write(session)
    page = queries.list_cases(session, user=user, now=utc_now(), limit=size, offset=(number - 1) * size, **chosen)
    session.commit()
    return render(request, "cases.html", status=422 if errors else 200, user=user, rows=page.data, count=page.count,
                  typed=typed, errors=errors, states=list(CaseState), number=number,
                  last=max(1, -(-page.count // size)))


def _context(session: Session, case: CounsellingCase, user: User, settings: Settings) -> dict[str, Any]:
    """Everything the case page shows; reading it is logged (the caller commits)."""
    public = queries.detail(session, case=case, user=user, now=utc_now())
    history = violations.worker_history(session, user=user, employee_no=public.employee_no).data
    return {"case": public, "user": user, "worker_violations": history, **_pairing(session, case, user),
            **_family_side(session, case, settings),
            "case_violation_ids":
            {v.id for v in public.violations}, "relations": list(Relation), "session_kinds": list(SessionKind),
            "kinds": list(ViolationKind), "observation_days": settings.counselling_observation_days,
            "family_open": case.state in family.SESSION_STATES, "agreement_open": case.state != CaseState.closed,
            "typed": {}, "errors": {}, "failed": None}


def _pairing(session: Session, case: CounsellingCase, user: User) -> dict[str, Any]:
    """The 一帮一 form's choices, for an admin or the lead counsellor of the worker's unit only."""
    worker = known(session.get(Person, case.person_id))  # the case's foreign key
    may_pair = pairing.leads_worker(session, worker, user)
    counsellors = people_service.active_users_with_roles(session, roles=[Role.counsellor]) if may_pair else []
    return {"may_pair": may_pair, "counsellors": [c.username for c in counsellors],
            "mentor_roles": list(MentorRole),
            "may_withdraw": pairing.may_see_worker(session, worker, user)}


def _family_side(session: Session, case: CounsellingCase, settings: Settings) -> dict[str, Any]:
    """The co-supervisors' links, the visits they recorded and the family's messages (read with the detail)."""
    return {"links": [cosupervision_views.link_public(session, link, contact, settings)
                      for link, contact in cosupervision.list_links(session, case=case)],
            "visits": [cosupervision_views.visit_public(v, c)
                       for v, c in cosupervision.list_visits(session, case_id=saved_id(case))],
            "family_messages": [cosupervision_views.message_public(session, m, c)
                                for m, c in messages.list_messages(session, case_id=saved_id(case))],
            "link_days": settings.family_link_days}


@router.get("/cases/{case_id}")
def case_page(request: Request, session: SessionDep, settings: SettingsDep, user: CaseUser,
              case: ConsoleCase) -> Response:
    """A case: the worker, the plan, the family, the sessions, the agreement, the timeline, the forms."""
    database.restart_for_write(session)
    context = _context(session, case, user, settings)
    session.commit()
    return render(request, "case.html", **context)


@router.post("/cases/{case_id}/{name}", dependencies=[Csrf])
def case_act(request: Request, session: SessionDep, settings: SettingsDep, user: CaseUser, case: ConsoleCase,
             form: FormDep, name: str) -> Response:
    """Take a transition or add to the family side; bad input shows the page again with the reasons."""
    if name not in case_forms.FORMS:
        raise ConsoleRefusal("not_found", 404)
    t = translator(request)
    data, errors, typed = case_forms.read(name, form, t, settings)
    errors = case_forms.rule_errors(session, case, name, typed, errors, t)
    status = 422
    if not errors:
        errors, status = _apply(session, case, user, name, data, settings, t)
    if not errors:
        session.commit()
        logger.info("console case action", extra={"case_id": case.id, "action": name, "user_id": user.id})
        return RedirectResponse(f"/console/cases/{case.id}", status_code=303)
    session.rollback()
    return _again(request, session, case, user, settings, failed=name, typed=typed, errors=errors, status=status)


def _apply(session: Session, case: CounsellingCase, user: User, name: str, data: Any, settings: Settings,
           t: Translator) -> tuple[dict[str, str], int]:
    """Run the service call; a refusal becomes a message beside its field, or above the form."""
    spec = case_forms.FORMS[name]
    try:
        spec.apply(session, case, data, user, settings)
    except (InvalidTransition, StaleDataError) as exc:
        return {"form": _conflict(t, exc, settings)}, 409
    except PermissionDenied:
        return {"form": t("counselling.error.not_allowed")}, 403
    except DomainError as exc:
        errors = forms.domain_error(t, exc, case_forms.MESSAGES)
        return {(k if k in spec.fields else "form"): v for k, v in errors.items()}, 422
    return {}, 200


def _conflict(t: Translator, exc: Exception, settings: Settings) -> str:
    ends = exc.details.get("observation_ends_at") if isinstance(exc, InvalidTransition) else None
    if ends:
        return t("counselling.error.observation_running", ends=local(str(ends), settings.timezone))
    return t("counselling.error.transition")


def _again(request: Request, session: Session, case: CounsellingCase, user: User, settings: Settings,
           **failure: Any) -> Response:
    """The case page as it stands now, with the failed form as it was typed."""
    status = failure.pop("status")
    database.restart_for_write(session)
    session.refresh(case)
    context = {**_context(session, case, user, settings), **failure}
    session.commit()
    return render(request, "case.html", status=status, **context)


def _scan(session: Session, user: User, case: CounsellingCase, thumbnail: bool, kind: str = "agreement") -> Response:
    database.restart_for_write(session)
    data = queries.read_scan(session, case=case, user=user, thumbnail=thumbnail, now=utc_now(), kind=kind)
    session.commit()
    return Response(data, media_type="image/jpeg", headers={"Cache-Control": "private, no-store"})


@router.get("/cases/{case_id}/agreement/scan")
def agreement_scan(session: SessionDep, user: CaseUser, case: ConsoleCase) -> Response:
    """The scan of the signed agreement; the read is logged."""
    return _scan(session, user, case, thumbnail=False)


@router.get("/cases/{case_id}/agreement/scan/thumbnail")
def agreement_thumbnail(session: SessionDep, user: CaseUser, case: ConsoleCase) -> Response:
    """The scan's thumbnail, shown on the case page; the read is logged."""
    return _scan(session, user, case, thumbnail=True)


@router.get("/cases/{case_id}/guarantee/scan")
def guarantee_scan(session: SessionDep, user: CaseUser, case: ConsoleCase) -> Response:
    """The scan of the family co-guarantee; the read is logged."""
    return _scan(session, user, case, thumbnail=False, kind="guarantee")


@router.get("/cases/{case_id}/guarantee/scan/thumbnail")
def guarantee_thumbnail(session: SessionDep, user: CaseUser, case: ConsoleCase) -> Response:
    """The co-guarantee scan's thumbnail, shown on the case page; the read is logged."""
    return _scan(session, user, case, thumbnail=True, kind="guarantee")


@router.get("/cases/{case_id}/family-messages/{message_id}/photo")
def message_photo(session: SessionDep, user: CaseUser, case: ConsoleCase, message_id: str) -> Response:
    """A family message's photo; the read is logged."""
    return _message_photo(session, user, case, message_id, thumbnail=False)


@router.get("/cases/{case_id}/family-messages/{message_id}/photo/thumbnail")
def message_thumbnail(session: SessionDep, user: CaseUser, case: ConsoleCase, message_id: str) -> Response:
    """A family message's photo thumbnail, shown on the case page; the read is logged."""
    return _message_photo(session, user, case, message_id, thumbnail=True)


def _message_photo(session: Session, user: User, case: CounsellingCase, message_id: str, *, thumbnail: bool) -> Response:
    number = whole_number(message_id, high=MAX_ROW_ID)
    if not number:
        raise ConsoleRefusal("not_found", 404)
    return cosupervision_views.message_photo(session, user, case, number, thumbnail=thumbnail)
