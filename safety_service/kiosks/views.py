"""Kiosks over the API: registration (admins), presence and dead letters (staff)."""

from datetime import datetime

from fastapi import APIRouter, Query
from sqlmodel import SQLModel, col, select

from safety_service.api.deps import AdminUser, PathId, SessionDep, SettingsDep, StaffUser
from safety_service.kiosks import service as kiosks_service
from safety_service.kiosks.schemas import KioskCreate, KioskCredentials, KioskPublic, KiosksPublic
from safety_service.locations import service as locations_service
from safety_service.mqtt import intake as mqtt_intake
from safety_service.mqtt.models import DeadLetter
from safety_service.mqtt.payloads import KioskAck

router = APIRouter(tags=["kiosks"])


class DeadLetterPublic(SQLModel):
    id: int
    topic: str
    kiosk_id: str | None
    reason: str
    payload: str
    received_at: datetime


class DeadLetterReplayed(SQLModel):
    outcome: str  # accepted or duplicate for a report, applied for a status or a read confirmation
    hazard_ref: str | None


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


@router.post("/mqtt/dead-letters/{letter_id}/replay", response_model=DeadLetterReplayed)
def replay_dead_letter(session: SessionDep, settings: SettingsDep, _admin: AdminUser,
                       letter_id: PathId) -> DeadLetterReplayed:
    """Apply a dead letter again once its cause is fixed; 409 (nothing changed) if it is still refused."""
    result = mqtt_intake.replay(session, letter_id=letter_id, site=settings.site, timezone=settings.timezone)
    session.commit()
    acks = [KioskAck.model_validate_json(row.payload) for row in result.outbox]
    return DeadLetterReplayed(outcome=acks[0].outcome if acks else "applied",
                              hazard_ref=acks[0].hazard_ref if acks else None)
