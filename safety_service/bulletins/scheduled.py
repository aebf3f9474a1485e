"""The expiry job: a published bulletin past its valid_to is retired, which rewrites the retained set."""

import logging
from datetime import datetime

from sqlmodel import Session, col, select

from safety_service.bulletins import service as bulletins_service
from safety_service.bulletins.models import Bulletin, BulletinState
from safety_service.config import Settings

logger = logging.getLogger(__name__)


def retire_expired(session: Session, *, now: datetime, settings: Settings) -> int:
    """Retire the site's expired bulletins (once each: a retired one is not found again)."""
    expired = session.exec(select(Bulletin).where(
        Bulletin.site == settings.site, Bulletin.state == BulletinState.published,
        col(Bulletin.valid_to).is_not(None), col(Bulletin.valid_to) <= now)).all()
    for bulletin in expired:
        bulletins_service.retire(session, bulletin=bulletin, now=now)
    if expired:
        logger.info("expired bulletins retired", extra={"count": len(expired)})
    return len(expired)
