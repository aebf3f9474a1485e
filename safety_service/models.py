"""Imports every table so the shared metadata is complete (for migrations and tests)."""

from safety_service.bulletins.models import Bulletin, BulletinRead
from safety_service.counselling.behaviour import BehaviourDecision
from safety_service.counselling.models import (
    CaseAccess,
    CaseEvent,
    CounsellingCase,
    CounsellingSession,
    CounsellorUnit,
    FamilyAgreement,
    FamilyContact,
    FamilyGuarantee,
    FamilyLink,
    FamilyMessage,
    FamilyVisit,
    Violation,
    ViolationItem,
    ViolationMeasure,
)
from safety_service.feedback.models import AreaNotice, AreaNoticeHazard, HazardRating, KioskNoticeRecord, StepBreach
from safety_service.hazards.criteria import MajorCriterion
from safety_service.hazards.levels import HazardLevel
from safety_service.hazards.library import LibraryItem
from safety_service.hazards.major_models import MajorReportSent, ProductionStop, Supervision, TreatmentPlan
from safety_service.hazards.models import Hazard, HazardEvent, RefCounter
from safety_service.inspections.models import InspectionPlan, InspectionRound, PlanPoint, RoundItem
from safety_service.kiosks.models import Kiosk
from safety_service.locations.models import Area, Category, Location, Site
from safety_service.mqtt.models import DeadLetter
from safety_service.notifications.models import Attempt, Channel, Delivery, DigestRun, Notification, Preference
from safety_service.outbox.models import OutboxMessage
from safety_service.people.models import ConsoleSession, Person, User
from safety_service.photos.models import HazardPhoto
from safety_service.rewards.models import RewardAward, RewardEntry, RewardScale
from safety_service.risks.models import Control, Risk, RiskPoint, RiskPointLocation, RiskReview
from safety_service.scorecard.models import TenDayRun
from safety_service.supervisors.models import Supervisor
from safety_service.units.models import OrgUnit

__all__ = [
    "Area",
    "AreaNotice",
    "AreaNoticeHazard",
    "Attempt",
    "BehaviourDecision",
    "Bulletin",
    "BulletinRead",
    "CaseAccess",
    "CaseEvent",
    "Category",
    "Channel",
    "ConsoleSession",
    "Control",
    "CounsellingCase",
    "CounsellingSession",
    "CounsellorUnit",
    "DeadLetter",
    "Delivery",
    "DigestRun",
    "FamilyAgreement",
    "FamilyContact",
    "FamilyGuarantee",
    "FamilyLink",
    "FamilyMessage",
    "FamilyVisit",
    "Hazard",
    "HazardEvent",
    "HazardLevel",
    "HazardPhoto",
    "HazardRating",
    "InspectionPlan",
    "InspectionRound",
    "Kiosk",
    "KioskNoticeRecord",
    "LibraryItem",
    "Location",
    "MajorCriterion",
    "MajorReportSent",
    "Notification",
    "OrgUnit",
    "OutboxMessage",
    "Person",
    "PlanPoint",
    "Preference",
    "ProductionStop",
    "RefCounter",
    "RewardAward",
    "RewardEntry",
    "RewardScale",
    "Risk",
    "RiskPoint",
    "RiskPointLocation",
    "RiskReview",
    "RoundItem",
    "Site",
    "StepBreach",
    "Supervision",
    "Supervisor",
    "TenDayRun",
    "TreatmentPlan",
    "User",
    "Violation",
    "ViolationItem",
    "ViolationMeasure",
]
