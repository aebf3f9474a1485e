"""One hazard: everything about it, its photos, its history, and a form per action the user may take now."""

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from sqlmodel import Session
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from safety_service.api.deps import PathId, SessionDep, SettingsDep
from safety_service.clock import as_utc, utc_now
from safety_service.console import actions, forms, names
from safety_service.console.deps import ConsoleRefusal, ConsoleRoute, ConsoleUser, Csrf
from safety_service.console.rendering import duration, render, translator
from safety_service.database import saved_id
from safety_service.errors import DomainError, InvalidTransition, PermissionDenied
from safety_service.feedback import ratings
from safety_service.hazards import criteria, library, major_service, queries
from safety_service.hazards.major_models import ANALYSIS, PLAN_ELEMENTS, Recipient
from safety_service.hazards.models import Hazard
from safety_service.hazards.states import Action, Grade, HazardState, ReportType
from safety_service.hazards.workflow import REFUSALS
from safety_service.locations import service as locations_service
from safety_service.locations.models import Location
from safety_service.people import service as people_service
from safety_service.people.models import OFFICER_ROLES, Role, User
from safety_service.photos import service as photos_service

logger = logging.getLogger(__name__)
router = APIRouter(route_class=ConsoleRoute)


def visible_hazard(session: SessionDep, user: ConsoleUser, ref: str) -> Hazard:
    """The hazard in the path if this account may see it (404 page otherwise)."""
    return queries.get_visible(session, ref=ref, user=user)


VisibleHazard = Annotated[Hazard, Depends(visible_hazard)]


async def form_data(request: Request) -> FormData:
    """The submitted form (read once; the CSRF check has already parsed it)."""
    return await request.form()


FormDep = Annotated[FormData, Depends(form_data)]


def _photos(session: Session, hazard: Hazard, user: User) -> list[Any]:
    try:
        return photos_service.list_photos(session, hazard=hazard, user=user)
    except PermissionDenied:
        return []


def _before_and_after(photos: list[Any], history: list[Any]) -> tuple[list[Any], list[Any]]:
    """The report's photos (整改前) and the owner's evidence (整改后): evidence is stored after the
    first "rectified" event, a report's photos with the report."""
    fixed = min((e.at for e in history if e.action == Action.rectified), default=None)
    if fixed is None:
        return photos, []
    before = [p for p in photos if as_utc(p.created_at) < as_utc(fixed)]
    return before, [p for p in photos if as_utc(p.created_at) >= as_utc(fixed)]


def _context(session: Session, hazard: Hazard, user: User, request: Request) -> dict[str, Any]:
    now = utc_now()
    public = queries.detail(session, hazard=hazard, user=user, now=now)
    owners = people_service.active_users_with_roles(session, roles=(Role.owner, *OFFICER_ROLES))
    before, after = _before_and_after(_photos(session, hazard, user), public.history)
    return {"hazard": public, "user": user, "photos": before + after, "before": before, "after": after,
            "place": session.get(Location, hazard.location_id),
            "overdue_for": (duration(translator(request), now - public.deadline)
                            if public.overdue and public.deadline else None),
            "categories": locations_service.list_categories(session), "grades": list(Grade),
            **_library(session, hazard), **_major(session, hazard), "rating": ratings.rating_of(session, hazard=hazard),
            "owners": names.choices(session, owners), "typed": {}, "errors": {}, "failed": None,
            "names": names.of(session, [public.owner, public.verified_by, *(e.actor for e in public.history)])}


def _library(session: Session, hazard: Hazard) -> dict[str, Any]:
    """The standard items for the confirm form: those nearest the report's words first, then all by category."""
    if hazard.state != HazardState.reported:
        return {}
    return {"library_items": library.list_items(session, active_only=True), "report_types": list(ReportType),
            "library_matches": library.best_matches(session, text=hazard.description)}


def _major(session: Session, hazard: Hazard) -> dict[str, Any]:
    """The standard's situations for grading, and a major hazard's record (plans, stops, reports, listing)."""
    found: dict[str, Any] = {"plan_fields": (*ANALYSIS, *PLAN_ELEMENTS), "recipients": list(Recipient)}
    if hazard.state in (HazardState.reported, HazardState.confirmed, HazardState.rectifying,
                        HazardState.awaiting_verification):
        found["major_criteria"] = criteria.list_criteria(session, active_only=True)
    if hazard.grade == Grade.major:
        found["major"] = major_service.record(session, hazard=hazard)
    return found


@router.get("/hazards/{ref}")
def hazard_page(request: Request, session: SessionDep, user: ConsoleUser, hazard: VisibleHazard) -> Response:
    """The detail page."""
    return render(request, "detail.html", **_context(session, hazard, user, request))


@router.post("/hazards/{ref}/{action}", dependencies=[Csrf])
def act(request: Request, session: SessionDep, settings: SettingsDep, user: ConsoleUser, hazard: VisibleHazard,
        form: FormDep, action: str) -> Response:
    """Take one action through the hazard service; bad input shows the form again with the reasons."""
    if action not in actions.FORMS:
        raise ConsoleRefusal("not_found", 404)
    t = translator(request)
    data, errors, typed = actions.read(Action(action), form, t, settings.timezone)
    photos, photo_errors = actions.evidence_photos(form, settings, t) if action == Action.rectified else ([], {})
    rules = actions.rule_errors(session, hazard, Action(action), typed, t, settings.timezone)
    errors, status = {**rules, **errors, **photo_errors}, 422
    if not errors:
        errors, status = _apply(session, hazard, user, Action(action), data, t)
    if not errors:
        for photo in photos:
            photos_service.add_photo(session, hazard_id=saved_id(hazard), photo=photo)
        session.commit()
        logger.info("console action", extra={"ref": hazard.ref, "action": action, "user_id": user.id})
        return RedirectResponse(f"/console/hazards/{hazard.ref}", status_code=303)
    session.rollback()
    return _again(request, session, hazard, user, action, typed, errors, status)


def _apply(session: Session, hazard: Hazard, user: User, action: Action, data: Any,
           t: Any) -> tuple[dict[str, str], int]:
    """Run the service function; a refusal becomes a message (and the page's status)."""
    try:
        actions.FORMS[action].apply(session, hazard=hazard, data=data, actor=user)
    except InvalidTransition:
        return {"form": t("console.error.transition")}, 409
    except PermissionDenied as exc:
        reason = exc.details.get("reason")
        return {"form": t(f"console.refusal.{reason}" if reason in REFUSALS else "console.error.not_allowed")}, 403
    except DomainError as exc:
        return forms.domain_error(t, exc), 422
    return {}, 200


def _again(request: Request, session: Session, hazard: Hazard, user: User, action: str, typed: dict[str, Any],
           errors: dict[str, str], status: int) -> Response:
    session.refresh(hazard)
    context = _context(session, hazard, user, request)
    context.update(typed=typed, errors=errors, failed=action)
    return render(request, "detail.html", status=status, **context)


def _photo(session: Session, hazard: Hazard, user: User, photo_id: int, part: str) -> Response:
    photo = photos_service.get_photo(session, hazard=hazard, photo_id=photo_id, user=user)
    return Response(getattr(photo, part), media_type=photo.content_type,
                    headers={"Cache-Control": "private, max-age=3600"})


@router.get("/hazards/{ref}/photos/{photo_id}")
def photo_image(session: SessionDep, user: ConsoleUser, hazard: VisibleHazard, photo_id: PathId) -> Response:
    """A photo of the hazard, through the photo service's own access rule."""
    return _photo(session, hazard, user, photo_id, "image")


@router.get("/hazards/{ref}/photos/{photo_id}/thumbnail")
def photo_thumbnail(session: SessionDep, user: ConsoleUser, hazard: VisibleHazard, photo_id: PathId) -> Response:
    """A photo's thumbnail."""
    return _photo(session, hazard, user, photo_id, "thumbnail")
