"""The kiosks' broker side over the API: registration and credentials (admins), kept in step with the
broker (``accounts``); presence and the intake's dead letters (staff), replayed through the intake."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query
from sqlmodel import Session, SQLModel, col, select

from safety_service.api.answers import answers
from safety_service.api.deps import AdminUser, PathId, SessionDep, SettingsDep, StaffUser
from safety_service.config import Settings
from safety_service.kiosks import service as kiosks_service
from safety_service.kiosks.models import KIOSK_ID_PATTERN, Kiosk
from safety_service.kiosks.schemas import (
    KioskChanged,
    KioskCreate,
    KioskCredentials,
    KioskPublic,
    KioskRotated,
    KiosksPublic,
)
from safety_service.locations import service as locations_service
from safety_service.locations.models import Location
from safety_service.mqtt import accounts as mqtt_accounts
from safety_service.mqtt import intake as mqtt_intake
from safety_service.mqtt.models import DeadLetter
from safety_service.validation import ModelConfig

router = APIRouter(tags=["kiosks"])
REMOVED = answers(409)  # a removed kiosk takes no further change
KioskId = Annotated[str, Path(min_length=1, max_length=64, pattern=KIOSK_ID_PATTERN)]


class DeadLetterPublic(SQLModel):
    model_config = ModelConfig(json_schema_extra={"examples": [{
        "id": 3, "topic": "safety/tianchen/kiosk/kiosk-ph1/report", "kiosk_id": "kiosk-ph1",
        "reason": "location_code: no active location with code 'PH-9'",
        "payload": '{"schema": "kiosk-report/1", "report_id": "0d6f4a52-8c1e-4b8e-9a51-2f7c3c0e9b11", '
                   '"location_code": "PH-9", "description": "皮带机托辊损坏"}',
        "received_at": "2026-11-19T14:53:52Z"}]})

    id: int
    topic: str
    kiosk_id: str | None
    reason: str
    payload: str
    received_at: datetime


class DeadLetterReplayed(SQLModel):
    model_config = ModelConfig(json_schema_extra={"examples": [{"outcome": "accepted",
        "hazard_ref": "YH-2026-000051"}]})

    outcome: str  # accepted or duplicate for a report or a rating, applied for a status or a read confirmation
    hazard_ref: str | None


@router.get("/kiosks", response_model=KiosksPublic)
def list_kiosks(session: SessionDep, _user: StaffUser) -> KiosksPublic:
    """Every kiosk with its location and its last known status (online/offline, from MQTT)."""
    data = [_public(kiosk, location) for kiosk, location in kiosks_service.list_kiosks(session)]
    return KiosksPublic(data=data, count=len(data))


def _public(kiosk: Kiosk, location: Location | None) -> KioskPublic:
    return KioskPublic.model_validate(kiosk, update={"location": location.code if location else "",
                                                     "state": kiosk.state})


@router.post("/kiosks", response_model=KioskCredentials, status_code=201, responses=answers(404, 409))
def create_kiosk(session: SessionDep, settings: SettingsDep, _admin: AdminUser, data: KioskCreate) -> KioskCredentials:
    """Register a kiosk; the answer holds its broker password, shown only this once."""
    site = locations_service.ensure_site(session, code=settings.site, name_zh=settings.site_name)
    _, credentials = kiosks_service.add_kiosk(session, site=site, data=data)
    session.commit()
    mqtt_accounts.sync_broker(session, settings)
    return credentials


def _changed(session: Session, settings: Settings, kiosk: Kiosk) -> KioskChanged:
    """Commit the change, then bring the broker up to date (its files, its reload)."""
    session.commit()
    broker = mqtt_accounts.sync_broker(session, settings)
    return KioskChanged(kiosk=_public(kiosk, session.get(Location, kiosk.location_id)), broker=broker)


@router.post("/kiosks/{kiosk_id}/disable", response_model=KioskChanged, responses=REMOVED)
def disable_kiosk(session: SessionDep, settings: SettingsDep, _admin: AdminUser, kiosk_id: KioskId) -> KioskChanged:
    """Shut a kiosk out of the broker; 409 for a removed kiosk."""
    return _changed(session, settings, kiosks_service.disable_kiosk(session, kiosk_id=kiosk_id))


@router.post("/kiosks/{kiosk_id}/enable", response_model=KioskChanged, responses=REMOVED)
def enable_kiosk(session: SessionDep, settings: SettingsDep, _admin: AdminUser, kiosk_id: KioskId) -> KioskChanged:
    """Let a disabled kiosk connect again; 409 for a removed kiosk."""
    return _changed(session, settings, kiosks_service.enable_kiosk(session, kiosk_id=kiosk_id))


@router.post("/kiosks/{kiosk_id}/remove", response_model=KioskChanged, responses=REMOVED)
def remove_kiosk(session: SessionDep, settings: SettingsDep, _admin: AdminUser, kiosk_id: KioskId) -> KioskChanged:
    """Retire a kiosk for good; its reports keep it and its id is never reused."""
    return _changed(session, settings, kiosks_service.remove_kiosk(session, kiosk_id=kiosk_id))


@router.post("/kiosks/{kiosk_id}/rotate", response_model=KioskRotated, responses=REMOVED)
def rotate_kiosk(session: SessionDep, settings: SettingsDep, _admin: AdminUser, kiosk_id: KioskId) -> KioskRotated:
    """A new broker password for the kiosk, shown only this once; the old one stops working."""
    kiosk, credentials = kiosks_service.rotate_credentials(session, site=settings.site, kiosk_id=kiosk_id)
    changed = _changed(session, settings, kiosk)
    return KioskRotated(kiosk=changed.kiosk, broker=changed.broker, credentials=credentials)


@router.get("/mqtt/dead-letters", response_model=list[DeadLetterPublic])
def list_dead_letters(session: SessionDep, _user: StaffUser,
                      limit: int = Query(50, ge=1, le=500)) -> list[DeadLetter]:
    """The newest kiosk messages the intake could not apply, with the reason."""
    return list(session.exec(select(DeadLetter).order_by(col(DeadLetter.id).desc()).limit(limit)).all())


@router.post("/mqtt/dead-letters/{letter_id}/replay", response_model=DeadLetterReplayed)
def replay_dead_letter(session: SessionDep, settings: SettingsDep, _admin: AdminUser,
                       letter_id: PathId) -> DeadLetterReplayed:
    """Apply a dead letter again once its cause is fixed; 409 (nothing changed) if it is still refused."""
    result = mqtt_intake.replay(session, letter_id=letter_id, site=settings.site, timezone=settings.timezone,
                                ack_qos=settings.mqtt_ack_qos)
    session.commit()
    answer = result.answer
    return DeadLetterReplayed(outcome=answer.outcome if answer else "applied",
                              hazard_ref=answer.hazard_ref if answer else None)
