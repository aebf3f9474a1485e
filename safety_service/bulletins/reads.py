"""Read confirmations from kiosks (each recorded once) and the read rates built on them."""

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from safety_service.bulletins.models import Bulletin, BulletinRead, BulletinState
from safety_service.bulletins.schemas import BulletinReadsPublic, ReadRate
from safety_service.database import saved_id
from safety_service.errors import DomainError, NotFound
from safety_service.locations.models import Area
from safety_service.people.models import STAFF_ROLES, Person, Role, User

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReadInput:
    """One confirmation as a kiosk sent it."""

    read_id: str
    bulletin_id: int
    employee_no: str
    read_at: datetime
    kiosk_id: int | None = None


def record_reads(session: Session, *, reads: list[ReadInput], now: datetime) -> list[DomainError | None]:
    """Store each confirmation once (by read_id, and once per worker and bulletin); an error per unknown bulletin."""
    if not reads:
        return []
    ids = {r.bulletin_id for r in reads}
    shown = set(session.exec(select(Bulletin.id).where(
        col(Bulletin.id).in_(ids), Bulletin.state != BulletinState.draft)).all())
    people = dict(session.exec(select(Person.employee_no, Person.id).where(
        col(Person.employee_no).in_({r.employee_no for r in reads}))).all())
    rows = [_row(r, people, now) for r in reads if r.bulletin_id in shown]
    if rows:
        dialect = session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        session.execute(insert(BulletinRead).values(rows).on_conflict_do_nothing())
    logger.info("bulletin reads applied", extra={"count": len(rows)})
    return [None if r.bulletin_id in shown else NotFound(f"no published bulletin {r.bulletin_id}",
                                                         field="bulletin_id") for r in reads]


def _row(read: ReadInput, people: dict[str, int | None], now: datetime) -> dict[str, Any]:
    return {"read_id": read.read_id, "bulletin_id": read.bulletin_id, "employee_no": read.employee_no,
            "person_id": people.get(read.employee_no), "kiosk_id": read.kiosk_id, "read_at": read.read_at,
            "received_at": now}


def read_rates(session: Session, *, bulletin: Bulletin) -> BulletinReadsPublic:
    """Readers among the people the bulletin is meant for: overall, per area and per team."""
    audience = _audience(session, bulletin)
    readers = set(session.exec(select(BulletinRead.person_id).where(
        BulletinRead.bulletin_id == bulletin.id, col(BulletinRead.person_id).is_not(None))).all())
    confirmations = len(session.exec(select(BulletinRead.id).where(BulletinRead.bulletin_id == bulletin.id)).all())
    codes = dict(session.exec(select(Area.id, Area.code)).all())
    return BulletinReadsPublic(
        bulletin_id=saved_id(bulletin), confirmations=confirmations,
        overall=_rate(None, audience, readers),
        by_area=_grouped(audience, readers, lambda p: codes.get(p.area_id)),
        by_team=_grouped(audience, readers, lambda p: p.team),
    )


def overall_rates(session: Session, *, bulletins: list[Bulletin]) -> dict[int, ReadRate]:
    """Each bulletin's overall read rate, for a list: two queries whatever the number of bulletins."""
    people = session.exec(select(Person.id, Area.code).join(Area, col(Person.area_id) == Area.id, isouter=True)
                          .where(_WORKFORCE)).all()
    read = session.exec(select(BulletinRead.bulletin_id, BulletinRead.person_id).where(
        col(BulletinRead.bulletin_id).in_([b.id for b in bulletins]), col(BulletinRead.person_id).is_not(None))).all()
    readers: dict[int, set[int | None]] = {}
    for bulletin_id, person_id in read:
        readers.setdefault(bulletin_id, set()).add(person_id)
    rates: dict[int, ReadRate] = {}
    for bulletin in bulletins:
        audience = [pid for pid, code in people if not bulletin.areas or code in bulletin.areas]
        bulletin_id = saved_id(bulletin)
        rates[bulletin_id] = _ratio(None, len(readers.get(bulletin_id, set()) & set(audience)), len(audience))
    return rates


# Bulletins are for the workforce: people whose account is an office one (officers, the chief,
# counsellors, admins) are not counted in the audience.
OFFICE_ROLES = (*STAFF_ROLES, Role.counsellor)
_WORKFORCE = col(Person.id).not_in(
    select(User.person_id).where(col(User.role).in_(OFFICE_ROLES), col(User.person_id).is_not(None)))


def _audience(session: Session, bulletin: Bulletin) -> list[Person]:
    query = select(Person).where(_WORKFORCE)
    if bulletin.areas:
        area_ids = session.exec(select(Area.id).where(col(Area.code).in_(bulletin.areas))).all()
        query = query.where(col(Person.area_id).in_(area_ids))
    return list(session.exec(query).all())


def _rate(key: str | None, people: list[Person], readers: set[int | None]) -> ReadRate:
    return _ratio(key, sum(1 for p in people if p.id in readers), len(people))


def _ratio(key: str | None, read: int, audience: int) -> ReadRate:
    return ReadRate(key=key, readers=read, audience=audience, rate=round(read / audience, 4) if audience else None)


def _grouped(audience: list[Person], readers: set[int | None], key: Callable[[Person], str | None]
             ) -> list[ReadRate]:
    groups = Counter(key(p) for p in audience)
    return [_rate(name, [p for p in audience if key(p) == name], readers)
            for name in sorted(groups, key=lambda n: (n is None, n or ""))]
