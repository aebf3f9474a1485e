"""Administration of the organisation units (矿 → 科室/区队 → 班组): one page per unit to rename, move, lead or
retire it, put people in it and places in its charge. The list and the add form are ``admin.PAGES["units"]``.

The forms call the same service functions as the API and the CLI.
"""

import logging
from typing import Any

from fastapi import APIRouter, Request
from sqlmodel import Session, col, select
from starlette.responses import RedirectResponse, Response

from safety_service.api.deps import SessionDep
from safety_service.console import forms
from safety_service.console.deps import AdminUser, ConsoleRoute, Csrf
from safety_service.console.detail import FormDep
from safety_service.console.rendering import render, translator
from safety_service.errors import DomainError
from safety_service.locations.models import Area, Location
from safety_service.units import service as units_service
from safety_service.units.models import OrgUnit
from safety_service.units.schemas import OrgUnitUpdate, UnitCharge, UnitMember

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/admin/units", route_class=ConsoleRoute)
# What a refusal means beside each field of the unit's forms.
MESSAGES = {"parent_code": "console.unit.error.parent", "leader": "console.unit.error.leader",
            "active": "console.unit.error.retire", "unit": "console.unit.error.retired",
            "employee_no": "console.unit.error.person", "area_code": "console.unit.error.place",
            "location_code": "console.unit.error.place"}
EDIT_FIELDS = ("name_zh", "name_en", "parent_code", "leader", "active")


def _show(request: Request, session: Session, user: Any, unit: OrgUnit, *, form: str = "",
          typed: dict[str, Any] | None = None, errors: dict[str, str] | None = None, status: int = 200) -> Response:
    areas, locations = units_service.places(session, unit=unit)
    units = units_service.list_units(session)
    _unit, parent, leader, _count = next(row for row in units if row[0].id == unit.id)
    return render(request, "admin_unit.html", status=status, user=user, section="units", unit=unit, units=units,
                  parent=parent, leader=leader, members=units_service.members(session, unit=unit),
                  areas=areas, locations=locations, failed=form, typed=typed or {}, errors=errors or {},
                  all_areas=session.exec(select(Area).order_by(col(Area.code))).all(),
                  all_locations=session.exec(select(Location).where(col(Location.active))
                                             .order_by(col(Location.code))).all())


@router.get("/{code}")
def unit_page(request: Request, session: SessionDep, user: AdminUser, code: str) -> Response:
    """One unit: its forms, its people and the places in its charge."""
    return _show(request, session, user, units_service.get_unit(session, code=code, field="code"))


def _errors(t: Any, exc: DomainError) -> dict[str, str]:
    errors: dict[str, str] = {}
    for problem in exc.problems:
        errors.update(forms.domain_error(t, problem, MESSAGES))
    return errors


def _submit(request: Request, session: Session, user: Any, unit: OrgUnit, form_name: str, typed: dict[str, str],
            build: Any, apply: Any) -> Response:
    t = translator(request)
    data, errors = build(typed, t)
    if data is not None:
        try:
            apply(data)
        except DomainError as exc:
            errors = _errors(t, exc)
    if errors:
        session.rollback()
        return _show(request, session, user, unit, form=form_name, typed=typed, errors=errors, status=422)
    session.commit()
    logger.info("console unit changed", extra={"unit": unit.code, "form": form_name, "user_id": user.id})
    return RedirectResponse(f"/console/admin/units/{unit.code}", status_code=303)


def _update(typed: dict[str, str], t: Any) -> tuple[Any, dict[str, str]]:
    values: dict[str, Any] = {k: v for k, v in typed.items() if k != "leader"}
    values["active"] = {"true": True, "false": False}.get(typed["active"], typed["active"])
    data, errors = forms.build(OrgUnitUpdate, values, t)
    if data is not None:
        data.leader = typed["leader"]  # blank clears the leader
    return data, errors


@router.post("/{code}", dependencies=[Csrf])
def update_unit(request: Request, session: SessionDep, user: AdminUser, form: FormDep, code: str) -> Response:
    """Rename, move, lead or retire the unit; every broken rule is shown at once."""
    unit = units_service.get_unit(session, code=code, field="code")
    return _submit(request, session, user, unit, "edit", forms.fields(form, EDIT_FIELDS), _update,
                   lambda data: units_service.update_unit(session, unit=unit, data=data))


@router.post("/{code}/members", dependencies=[Csrf])
def add_member(request: Request, session: SessionDep, user: AdminUser, form: FormDep, code: str) -> Response:
    """Put a person (by employee number) in the unit."""
    unit = units_service.get_unit(session, code=code, field="code")
    return _submit(request, session, user, unit, "member", forms.fields(form, ("employee_no",)),
                   lambda typed, t: forms.build(UnitMember, typed, t),
                   lambda data: units_service.add_member(session, unit=unit, employee_no=data.employee_no))


@router.post("/{code}/charge", dependencies=[Csrf])
def put_in_charge(request: Request, session: SessionDep, user: AdminUser, form: FormDep, code: str) -> Response:
    """Make the unit responsible for an area or a location."""
    unit = units_service.get_unit(session, code=code, field="code")
    return _submit(request, session, user, unit, "charge", forms.fields(form, ("area_code", "location_code")),
                   lambda typed, t: forms.build(UnitCharge, typed, t),
                   lambda data: units_service.put_in_charge(session, unit=unit, data=data))
