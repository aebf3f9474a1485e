"""The urgent path in the console: an officer marks a report urgent, the dispatcher acknowledges it."""

import logging

from fastapi import APIRouter, Request
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from safety_service.api.deps import SessionDep
from safety_service.console.deps import ConsoleRefusal, ConsoleRoute, ConsoleUser, Csrf
from safety_service.console.detail import FormDep, VisibleHazard
from safety_service.errors import DomainError
from safety_service.hazards import urgent as hazards_urgent

logger = logging.getLogger(__name__)
router = APIRouter(route_class=ConsoleRoute)


def _note(form: FormData) -> str | None:
    value = form.get("note")
    return value.strip()[:2000] or None if isinstance(value, str) else None


@router.post("/hazards/{ref}/urgent/mark", dependencies=[Csrf])
def mark(request: Request, session: SessionDep, user: ConsoleUser, hazard: VisibleHazard, form: FormDep) -> Response:
    """Mark the report urgent: the dispatch room and the officers are told at once."""
    try:
        hazards_urgent.mark_urgent(session, hazard=hazard, actor=user, note=_note(form))
    except DomainError:
        session.rollback()
        raise ConsoleRefusal("role", 409) from None
    session.commit()
    logger.info("hazard marked urgent", extra={"ref": hazard.ref, "user_id": user.id})
    return RedirectResponse(f"/console/hazards/{hazard.ref}", status_code=303)


@router.post("/hazards/{ref}/urgent/acknowledge", dependencies=[Csrf])
def acknowledge(request: Request, session: SessionDep, user: ConsoleUser, hazard: VisibleHazard,
                form: FormDep) -> Response:
    """The dispatcher acknowledges: 已通知现场 or 已撤人."""
    what = form.get("what")
    if what not in {a.value for a in hazards_urgent.Acknowledgement}:
        raise ConsoleRefusal("not_found", 422)
    try:
        hazards_urgent.acknowledge(session, hazard=hazard, actor=user, what=hazards_urgent.Acknowledgement(what),
                                   note=_note(form))
    except DomainError:
        session.rollback()
        raise ConsoleRefusal("role", 409) from None
    session.commit()
    logger.info("urgent hazard acknowledged", extra={"ref": hazard.ref, "what": what, "user_id": user.id})
    return RedirectResponse(f"/console/hazards/{hazard.ref}", status_code=303)
