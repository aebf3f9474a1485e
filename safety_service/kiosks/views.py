"""Kiosks over the API: registration (admins), presence and dead letters (staff)."""

from datetime import datetime

from fastapi import APIRouter, Query
from sqlmodel import SQLModel, col, select

from safety_service.api.deps import AdminUser, SessionDep, SettingsDep, StaffUser
from safety_service.kiosks import service as kiosks_service
from safety_service.kiosks.schemas import KioskCreate, KioskCredentials, KioskPublic, KiosksPublic
from safety_service.locations import service as locations_service
from safety_service.mqtt.models import DeadLetter

router = APIRouter(tags=["kiosks"])


class DeadLetterPublic(SQLModel):
    id: int
    topic: str
    kiosk_id: str | None
    reason: str
    payload: str
    received_at: datetime


@router.get("/kiosks", response_model=KiosksPublic)
def list_kiosks(session: SessionDep, _user: StaffUser) -> KiosksPublic:
    """Every kiosk with its location and its last known status (online/offline, from MQTT)."""
    data = [
        KioskPublic.model_validate(kiosk, update={"location": location.code})
        for kiosk, location in kiosks_service.list_kiosks(session)
    ]
    return KiosksPublic(data=data, count=len(data))


@router.post("/kiosks", response_model=KioskCredentials, status_code=201)
def create_kiosk(session: SessionDep, settings: SettingsDep, _admin: AdminUser, data: KioskCreate) -> KioskCredentials:
    """Register a kiosk; the answer holds its broker password, shown only this once."""
    site = locations_service.ensure_site(session, code=settings.site, name_zh=settings.site_name)
    _, credentials = kiosks_service.add_kiosk(session, site=site, data=data)
    session.commit()
    return credentials


@router.get("/mqtt/dead-letters", response_model=list[DeadLetterPublic])
def list_dead_letters(session: SessionDep, _user: StaffUser,
                      limit: int = Query(50, ge=1, le=500)) -> list[DeadLetter]:
    """The newest kiosk messages the intake could not apply, with the reason."""
    return list(session.exec(select(DeadLetter).order_by(col(DeadLetter.id).desc()).limit(limit)).all())
