"""Imports every table so the shared metadata is complete (for migrations and tests)."""

from safety_service.bulletins.models import Bulletin, BulletinRead
from safety_service.counselling.models import (
    CaseAccess,
    CaseEvent,
    CounsellingCase,
    CounsellingSession,
    FamilyAgreement,
    FamilyContact,
    Violation,
)
from safety_service.feedback.models import KioskNoticeRecord, StepBreach
from safety_service.hazards.models import Hazard, HazardEvent, RefCounter
from safety_service.kiosks.models import Kiosk
from safety_service.locations.models import Area, Category, Location, Site
from safety_service.mqtt.models import DeadLetter, OutboxMessage
from safety_service.notifications.models import Notification
from safety_service.people.models import Person, User
from safety_service.photos.models import HazardPhoto
from safety_service.rewards.models import RewardEntry
from safety_service.supervisors.models import Supervisor

__all__ = [
    "Area",
    "Bulletin",
    "BulletinRead",
    "CaseAccess",
    "CaseEvent",
    "Category",
    "CounsellingCase",
    "CounsellingSession",
    "DeadLetter",
    "FamilyAgreement",
    "FamilyContact",
    "Hazard",
    "HazardEvent",
    "HazardPhoto",
    "Kiosk",
    "KioskNoticeRecord",
    "Location",
    "Notification",
    "OutboxMessage",
    "Person",
    "RefCounter",
    "RewardEntry",
    "Site",
    "StepBreach",
    "Supervisor",
    "User",
    "Violation",
]
