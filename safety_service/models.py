"""Imports every table so the shared metadata is complete (for migrations and tests)."""

from safety_service.hazards.models import Hazard, HazardEvent, RefCounter
from safety_service.locations.models import Area, Category, Location, Site
from safety_service.notifications.models import Notification
from safety_service.people.models import Person, User

__all__ = [
    "Area", "Category", "Hazard", "HazardEvent", "Location", "Notification", "Person", "RefCounter",
    "Site", "User",
]
