"""Imports every table so the shared metadata is complete (for migrations and tests)."""

from safety_service.hazards.models import Hazard, HazardEvent, RefCounter
from safety_service.kiosks.models import Kiosk
from safety_service.locations.models import Area, Category, Location, Site
from safety_service.mqtt.models import DeadLetter, OutboxMessage
from safety_service.notifications.models import Notification
from safety_service.people.models import Person, User
from safety_service.photos.models import HazardPhoto

__all__ = [
    "Area", "Category", "DeadLetter", "Hazard", "HazardEvent", "HazardPhoto", "Kiosk", "Location", "Notification",
    "OutboxMessage", "Person", "RefCounter", "Site", "User",
]
