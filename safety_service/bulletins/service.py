"""Bulletins: write, add a picture, publish and retire; each change rewrites the site's retained
message through the outbox, in the same transaction."""

import logging
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, or_, select

from safety_service.bulletins.models import Bulletin, BulletinState
from safety_service.bulletins.schemas import BulletinCreate, BulletinPublic
from safety_service.clock import as_utc
from safety_service.errors import DomainError, InvalidInput, InvalidTransition, NotFound
from safety_service.locations.models import Area
from safety_service.outbox import service as outbox
from safety_service.outbox.models import OutboxMessage
from safety_service.people.models import User
from safety_service.photos.processing import ProcessedPhoto
from safety_service.protocol import messages, retained
from safety_service.protocol.topics import bulletin_topic
from safety_service.validation import broken_rules

logger = logging.getLogger(__name__)


def get_bulletin(session: Session, *, bulletin_id: int) -> Bulletin:
    """The bulletin with this id, or NotFound."""
    bulletin = session.get(Bulletin, bulletin_id)
    if bulletin is None:
        raise NotFound(f"no bulletin {bulletin_id}", field="bulletin_id")
    return bulletin


def input_problems(session: Session, *, values: dict[str, Any]) -> list[DomainError]:
    """The rule of a bulletin the typed values break (an area that does not exist), beside the form's others."""
    return broken_rules({"areas": lambda codes: _known_areas(session, codes)}, values)


def create(session: Session, *, data: BulletinCreate, actor: User, site: str) -> Bulletin:
    """A draft bulletin; every target area must exist."""
    codes = _known_areas(session, data.areas)
    bulletin = Bulletin(**data.model_dump(exclude={"areas"}), areas=codes, site=site, created_by_id=actor.id)
    session.add(bulletin)
    session.flush()
    return bulletin


def update(session: Session, *, bulletin: Bulletin, data: BulletinCreate) -> Bulletin:
    """Rewrite a draft; a published or retired bulletin is no longer edited (kiosks may have shown it)."""
    _check_state(bulletin, BulletinState.draft, "edited")
    codes = _known_areas(session, data.areas)
    for name, value in data.model_dump(exclude={"areas"}).items():
        setattr(bulletin, name, value)
    bulletin.areas = codes
    session.add(bulletin)
    session.flush()
    return bulletin


def _known_areas(session: Session, areas: list[str]) -> list[str]:
    """The area codes without repeats, each checked to exist."""
    codes = list(dict.fromkeys(areas))
    known = set(session.exec(select(Area.code).where(col(Area.code).in_(codes))).all()) if codes else set()
    if missing := [c for c in codes if c not in known]:
        raise InvalidInput(f"no area with code {missing[0]!r}", field="areas")
    return codes


def set_picture(session: Session, *, bulletin: Bulletin, photo: ProcessedPhoto, now: datetime) -> None:
    """Attach a processed picture to a draft or published bulletin; a published one's kiosks hear of it."""
    if bulletin.state == BulletinState.retired:
        raise InvalidTransition("a retired bulletin takes no new picture", state=str(bulletin.state))
    bulletin.picture = photo.image
    session.add(bulletin)
    if bulletin.state == BulletinState.published:
        write_retained(session, site=bulletin.site, now=now)


def publish(session: Session, *, bulletin: Bulletin, now: datetime) -> Bulletin:
    """Make a draft current: it joins the site's retained bulletin message."""
    _check_state(bulletin, BulletinState.draft, "published")
    if bulletin.valid_to is not None and as_utc(bulletin.valid_to) <= now:
        raise InvalidInput("the bulletin has already expired", field="valid_to")
    bulletin.state, bulletin.published_at = BulletinState.published, now
    return _saved(session, bulletin, now)


def retire(session: Session, *, bulletin: Bulletin, now: datetime) -> Bulletin:
    """Take a published bulletin down: it leaves the site's retained bulletin message."""
    _check_state(bulletin, BulletinState.published, "retired")
    bulletin.state, bulletin.retired_at = BulletinState.retired, now
    return _saved(session, bulletin, now)


def _check_state(bulletin: Bulletin, expected: BulletinState, verb: str) -> None:
    if bulletin.state != expected:
        raise InvalidTransition(f"a {bulletin.state} bulletin cannot be {verb}", state=str(bulletin.state))


def _saved(session: Session, bulletin: Bulletin, now: datetime) -> Bulletin:
    session.add(bulletin)
    session.flush()
    write_retained(session, site=bulletin.site, now=now)
    logger.info("bulletin changed", extra={"bulletin": bulletin.id, "state": str(bulletin.state)})
    return bulletin


def current(session: Session, *, site: str, now: datetime) -> list[Bulletin]:
    """The site's published bulletins that have not expired (those not yet valid included)."""
    query = select(Bulletin).where(Bulletin.site == site, Bulletin.state == BulletinState.published,
                                   or_(col(Bulletin.valid_to).is_(None), col(Bulletin.valid_to) > now))
    return list(session.exec(query.order_by(col(Bulletin.id))).all())


def retained_payload(session: Session, *, site: str, now: datetime) -> retained.Bulletin:
    """The ``bulletin/1`` message: the site's current set."""
    return messages.bulletin(site=site, now=now, bulletins=current(session, site=site, now=now))


def write_retained(session: Session, *, site: str, now: datetime) -> OutboxMessage:
    """Queue the current set as the retained message on ``safety/{site}/bulletin``."""
    return outbox.enqueue(session, bulletin_topic(site), retained_payload(session, site=site, now=now), now=now)


def for_area(session: Session, *, site: str, area_code: str | None, now: datetime) -> Bulletin | None:
    """The newest bulletin valid now for this area (or for the whole site)."""
    valid = [b for b in current(session, site=site, now=now)
             if (b.valid_from is None or as_utc(b.valid_from) <= now) and (not b.areas or area_code in b.areas)]
    return valid[-1] if valid else None


def for_location(session: Session, *, site: str, area_id: int | None, now: datetime) -> Bulletin | None:
    """The bulletin a location's report page shows: the newest valid now for its area or the site."""
    area = session.get(Area, area_id) if area_id is not None else None
    return for_area(session, site=site, area_code=area.code if area else None, now=now)


def list_bulletins(session: Session, *, site: str, state: BulletinState | None = None) -> list[Bulletin]:
    """The site's bulletins, newest first."""
    query = select(Bulletin).where(Bulletin.site == site).order_by(col(Bulletin.id).desc())
    if state is not None:
        query = query.where(Bulletin.state == state)
    return list(session.exec(query).all())


def public(bulletin: Bulletin) -> BulletinPublic:
    """The API view (the picture itself is served on its own)."""
    return BulletinPublic(**bulletin.model_dump(exclude={"picture", "state"}), state=BulletinState(bulletin.state),
                          has_picture=bulletin.picture is not None)
