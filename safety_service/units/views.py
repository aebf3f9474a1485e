"""Organisation units: read by staff, managed by administrators."""

from typing import Annotated

from fastapi import APIRouter, Path

from safety_service.api.answers import answers
from safety_service.api.deps import AdminUser, SessionDep, StaffUser
from safety_service.units import service as units_service
from safety_service.units.models import OrgUnit
from safety_service.units.schemas import (
    OrgUnitCreate,
    OrgUnitPublic,
    OrgUnitsPublic,
    OrgUnitUpdate,
    UnitCharge,
    UnitMember,
)

router = APIRouter(prefix="/units", tags=["units"])
UnitCode = Annotated[str, Path(min_length=1, max_length=32)]


def _public(unit: OrgUnit, parent_code: str | None, leader: str | None, members: int) -> OrgUnitPublic:
    return OrgUnitPublic.model_validate(unit, update={"parent_code": parent_code, "leader": leader,
                                                      "members": members})


@router.get("", response_model=OrgUnitsPublic)
def list_units(session: SessionDep, _staff: StaffUser) -> OrgUnitsPublic:
    """Every unit, the mine first, each with its parent, leader and member count."""
    data = [_public(*row) for row in units_service.list_units(session)]
    return OrgUnitsPublic(data=data, count=len(data))


@router.post("", response_model=OrgUnitPublic, status_code=201, responses=answers(404, 409))
def create_unit(session: SessionDep, _admin: AdminUser, data: OrgUnitCreate) -> OrgUnitPublic:
    """Add a unit under its parent (administrators)."""
    unit = units_service.add_unit(session, data=data)
    session.commit()
    return _public(unit, data.parent_code, data.leader, 0)


@router.patch("/{code}", response_model=OrgUnitPublic, responses=answers(404, 422))
def update_unit(session: SessionDep, _admin: AdminUser, code: UnitCode, data: OrgUnitUpdate) -> OrgUnitPublic:
    """Rename a unit, move it under another, change its leader or retire it (administrators); every broken
    rule is named at once."""
    units_service.update_unit(session, unit=units_service.get_unit(session, code=code, field="code"), data=data)
    session.commit()
    return next(_public(*row) for row in units_service.list_units(session) if row[0].code == code)


@router.post("/{code}/members", status_code=204, responses=answers(404, 409))
def add_member(session: SessionDep, _admin: AdminUser, code: UnitCode, data: UnitMember) -> None:
    """Put a person in this unit (administrators)."""
    units_service.add_member(session, unit=units_service.get_unit(session, code=code, field="code"),
                             employee_no=data.employee_no)
    session.commit()


@router.post("/{code}/charge", status_code=204, responses=answers(404, 409))
def put_in_charge(session: SessionDep, _admin: AdminUser, code: UnitCode, data: UnitCharge) -> None:
    """Make this unit responsible for an area or a location (administrators)."""
    units_service.put_in_charge(session, unit=units_service.get_unit(session, code=code, field="code"), data=data)
    session.commit()
