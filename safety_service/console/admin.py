"""Administration: people and roles, locations with their QR codes and label sheet, categories, the standard
hazard library, the organisation units, and the kiosk messages the intake could not apply (dead letters).

The forms call the same service functions as the API and the CLI.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel
from sqlmodel import Session, col, select
from starlette.responses import RedirectResponse, Response

from safety_service.api.deps import PathId, SessionDep, SettingsDep
from safety_service.clock import utc_now
from safety_service.config import Settings
from safety_service.console import forms
from safety_service.console.deps import AdminUser, ConsoleRefusal, ConsoleRoute, Csrf
from safety_service.console.detail import FormDep
from safety_service.console.rendering import render, translator
from safety_service.errors import DomainError, NotApplicable
from safety_service.hazards import levels, library
from safety_service.hazards.states import Grade, ReportType
from safety_service.locations import service as locations_service
from safety_service.locations.models import Category, LocationKind
from safety_service.locations.schemas import CategoryCreate, LocationCreate
from safety_service.mqtt import intake as mqtt_intake
from safety_service.mqtt.models import DeadLetter
from safety_service.people import service as people_service
from safety_service.people.models import Role
from safety_service.people.schemas import UserCreate
from safety_service.qr import service as qr_service
from safety_service.qr.service import SheetFormat
from safety_service.units import service as units_service
from safety_service.units.models import UnitKind
from safety_service.units.schemas import OrgUnitCreate

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/admin", route_class=ConsoleRoute)
DEAD_LETTERS_SHOWN = 200


def _add_location(session: Session, settings: Settings, data: LocationCreate, _admin: Any) -> Any:
    site = locations_service.ensure_site(session, code=settings.site, name_zh=settings.site_name)
    return locations_service.add_location(session, site=site, data=data)


def _add_category(session: Session, settings: Settings, data: CategoryCreate, _admin: Any) -> Any:
    return locations_service.add_category(session, data=data, site=settings.site, now=utc_now())


@dataclass(frozen=True)
class AdminPage:
    """One admin page: its template, the add form's fields and model, and the service call that adds."""

    template: str
    fields: tuple[str, ...]
    model: type[BaseModel]
    add: Callable[[Session, Settings, Any, Any], Any]  # session, settings, input, the admin
    listing: Callable[[Session], dict[str, Any]]
    problems: Callable[[Session, Settings, dict[str, str]], list[DomainError]]  # the service's rules, typed values


def _people(session: Session) -> dict[str, Any]:
    return {"people": people_service.list_users(session), "roles": list(Role)}


def _locations(session: Session) -> dict[str, Any]:
    return {"locations": locations_service.list_locations(session), "kinds": list(LocationKind),
            "areas": locations_service.list_areas(session)}


def _categories(session: Session) -> dict[str, Any]:
    return {"categories": list(session.exec(select(Category).order_by(col(Category.sort_order))).all())}


def _library(session: Session) -> dict[str, Any]:
    return {"items": library.list_items(session), "grades": list(Grade), "report_types": list(ReportType),
            "levels": levels.list_levels(session), **_categories(session)}


def _units(session: Session) -> dict[str, Any]:
    return {"units": units_service.list_units(session), "kinds": list(UnitKind)}


PAGES = {
    "people": AdminPage("admin_people.html", ("username", "role", "password", "employee_no", "name", "team"),
                        UserCreate, lambda s, _settings, d, _u: people_service.add_user(s, data=d), _people,
                        lambda s, _settings, v: people_service.input_problems(s, values=v)),
    "locations": AdminPage("admin_locations.html", ("code", "name_zh", "name_en", "area_code", "kind"),
                           LocationCreate, _add_location, _locations,
                           lambda s, settings, v: locations_service.location_problems(s, site=settings.site, values=v)),
    "categories": AdminPage("admin_categories.html", ("code", "name_zh", "name_en"), CategoryCreate,
                            _add_category, _categories,
                            lambda s, _settings, v: locations_service.category_problems(s, values=v)),
    "library": AdminPage("admin_library.html", ("category_code", "title", "grade", "level", "fix_days", "report_type"),
                         library.LibraryItemCreate, lambda s, settings, d, u: library.add_item(s, data=d, actor=u, site=settings.site),
                         _library, lambda s, _settings, v: library.input_problems(s, values=v)),
    "units": AdminPage("admin_units.html", ("code", "name_zh", "name_en", "kind", "parent_code", "leader"),
                       OrgUnitCreate, lambda s, _settings, d, _u: units_service.add_unit(s, data=d), _units,
                       lambda s, _settings, v: units_service.input_problems(s, values=v)),
}
# What a refusal means beside its field, where the general message would mislead.
MESSAGES = {"name": "console.error.new_person_name"}


def _page(name: str) -> AdminPage:
    if name not in PAGES:
        raise ConsoleRefusal("not_found", 404)
    return PAGES[name]


def _show(request: Request, session: Session, user: Any, name: str, typed: dict[str, Any] | None = None,
          errors: dict[str, str] | None = None, status: int = 200) -> Response:
    page = _page(name)
    return render(request, page.template, status=status, user=user, section=name, typed=typed or {},
                  errors=errors or {}, **page.listing(session))


@router.get("/dead-letters")
def dead_letters(request: Request, session: SessionDep, user: AdminUser) -> Response:
    """Kiosk messages the intake could not apply, newest first, each with a button to apply it again."""
    applied = request.query_params.get("applied", "")
    return _letters(request, session, user, applied=applied if applied.isdigit() else None)


@router.post("/dead-letters/{letter_id}/replay", dependencies=[Csrf])
def replay_dead_letter(request: Request, session: SessionDep, settings: SettingsDep, user: AdminUser,
                       letter_id: PathId) -> Response:
    """Apply a dead letter again (the same as the API's replay); still refused shows why, changing nothing."""
    try:
        mqtt_intake.replay(session, letter_id=letter_id, site=settings.site, timezone=settings.timezone,
                           ack_qos=settings.mqtt_ack_qos)
    except NotApplicable as exc:
        session.rollback()
        return _letters(request, session, user, refused=(letter_id, exc.message), status=409)
    session.commit()
    logger.info("console dead letter applied", extra={"letter_id": letter_id, "user_id": user.id})
    return RedirectResponse(f"/console/admin/dead-letters?applied={letter_id}", status_code=303)


def _letters(request: Request, session: Session, user: Any, *, applied: str | None = None,
             refused: tuple[int, str] | None = None, status: int = 200) -> Response:
    letters = session.exec(select(DeadLetter).order_by(col(DeadLetter.id).desc()).limit(DEAD_LETTERS_SHOWN)).all()
    return render(request, "admin_dead_letters.html", status=status, user=user, section="dead-letters",
                  letters=letters, applied=applied, refused=refused)


@router.get("/{name}")
def admin_page(request: Request, session: SessionDep, user: AdminUser, name: str) -> Response:
    """People, locations or categories, with the form that adds one."""
    return _show(request, session, user, name)


@router.post("/{name}", dependencies=[Csrf])
def admin_add(request: Request, session: SessionDep, settings: SettingsDep, user: AdminUser, form: FormDep,
              name: str) -> Response:
    """Add a person, a location or a category; bad input shows the form with the reasons."""
    page, t = _page(name), translator(request)
    typed = forms.fields(form, page.fields)
    if "password" in typed:
        given = form.get("password")
        typed["password"] = given if isinstance(given, str) else ""
    data, errors = forms.build(page.model, typed, t)
    errors = forms.with_rules(t, errors, page.problems(session, settings, typed), MESSAGES)
    if data is not None and not errors:
        try:
            page.add(session, settings, data, user)
        except DomainError as exc:
            errors = forms.domain_error(t, exc, MESSAGES)
    typed.pop("password", None)
    if errors:
        session.rollback()
        return _show(request, session, user, name, typed, errors, status=422)
    session.commit()
    logger.info("console admin added", extra={"section": name, "user_id": user.id})
    return RedirectResponse(f"/console/admin/{name}", status_code=303)


@router.get("/qr/{code}.png")
def location_qr(session: SessionDep, settings: SettingsDep, _admin: AdminUser, code: str) -> Response:
    """One location's QR code (the same image as the API's and the CLI's)."""
    png = qr_service.location_png(session, settings=settings, code=code)
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=300"})


@router.get("/qr/sheet.pdf")
def label_sheet(session: SessionDep, settings: SettingsDep, _admin: AdminUser) -> Response:
    """The A4 label sheet of every active location."""
    pdf = qr_service.sheet(session, settings=settings, codes=None, fmt=SheetFormat.pdf)[0]
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": 'attachment; filename="qr-labels.pdf"'})
