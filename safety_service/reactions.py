"""The composition of the hazard workflow with the domains that read the register: reward points, the
reporter's kiosk notice, the area's public board, the escalation notices to the area's kiosks.

They sit above ``hazards`` (each reads its tables), so the register calls them through
``hazards.effects.Reactions``; ``wire`` connects them with the settings. ``create_app``, the CLI and the
scheduler call it before any transition.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from safety_service.board import service as board_service
from safety_service.config import Settings
from safety_service.feedback import area as feedback_area
from safety_service.feedback import service as feedback_service
from safety_service.hazards import effects as hazards_effects
from safety_service.hazards.effects import Escalated
from safety_service.hazards.models import Hazard
from safety_service.rewards import service as rewards_service


@dataclass(frozen=True)
class HazardReactions:
    """The other domains' part of a hazard's step, with the settings they need."""

    settings: Settings

    def moved(self, session: Session, hazard: Hazard, *, source: str) -> None:
        """Points for the reporter, the reporter's kiosk notice, the area's board: same transaction."""
        timezone = self.settings.timezone
        rewards_service.on_transition(session, hazard=hazard, settings=self.settings)
        feedback_service.tell_reporter(session, hazard, source=source, now=hazard.updated_at, timezone=timezone)
        board_service.refresh_for(session, hazard=hazard, now=hazard.updated_at, timezone=timezone)

    def escalated(self, session: Session, escalated: list[Escalated], *, now: datetime) -> None:
        """One notice per kiosk of the escalated hazards' areas."""
        feedback_area.tell_area_kiosks(session, escalated=escalated, now=now)


def wire(settings: Settings) -> None:
    """Connect the reactions to the hazard workflow with these settings."""
    hazards_effects.connect(HazardReactions(settings))
