"""The boards job: an area's board is queued again when what it shows changed without a hazard moving
(a risk point added, re-rated or moved; a new month); idempotent, a rerun with nothing new queues nothing."""

import json
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from safety_service.board import service
from safety_service.config import Settings
from safety_service.locations.models import Area, Site
from safety_service.outbox.models import OutboxMessage
from safety_service.protocol.topics import board_topic


def refresh_boards(session: Session, *, now: datetime, settings: Settings) -> int:
    """Boards queued in this run."""
    queued = 0
    for area, site in session.exec(select(Area, Site.code).join(Site, col(Site.id) == Area.site_id)).all():
        board = service.build(session, site=site, area=area, now=now, timezone=settings.timezone)
        if _shown(board.model_dump(mode="json", by_alias=True)) != _last(session, board_topic(site, area.code)):
            service.write_retained(session, site=site, area=area, now=now, timezone=settings.timezone)
            queued += 1
    return queued


def write_all(session: Session, *, site: str, now: datetime, timezone: str) -> int:
    """Queue every area's board of the site again, changed or not (for a broker that lost its retained
    messages); the boards queued."""
    areas = session.exec(select(Area).join(Site, col(Site.id) == Area.site_id).where(Site.code == site)
                         .order_by(col(Area.id))).all()
    for area in areas:
        service.write_retained(session, site=site, area=area, now=now, timezone=timezone)
    return len(areas)


def _shown(payload: dict[str, Any] | None) -> dict[str, Any] | None:
    return None if payload is None else {key: value for key, value in payload.items() if key != "published_at"}


def _last(session: Session, topic: str) -> dict[str, Any] | None:
    query = select(OutboxMessage.payload).where(OutboxMessage.topic == topic).order_by(col(OutboxMessage.id).desc())
    payload = session.exec(query.limit(1)).first()
    return _shown(json.loads(payload)) if payload else None
