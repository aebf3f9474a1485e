"""Escalations reach the kiosks of the hazard's area: when a hazard goes overdue or climbs the
escalation ladder, every active kiosk whose location is in the hazard's area gets a notice
(``kind`` ``area_escalation``) at the pithead, where the miners of that area pass.

One notice per kiosk per sweep names all the hazards the sweep took there: the first ``LINES`` as
lines, the most escalated first, then a count of the rest. The hazards a notice named, with the level
each had reached, are recorded once for all the kiosks that got the same list (``area_notice`` and
``area_notice_hazard``; each ``kiosk_notice`` points at its list), and a kiosk hears only of a level
above the highest it was told, so at most once per level however often the sweep runs. A location
without an area counts as an area of its own (kiosks at that very location).
"""

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from safety_service.database import known, saved_id, table_of
from safety_service.driver import insert_rows
from safety_service.feedback.models import AreaNotice, AreaNoticeHazard, KioskNoticeRecord
from safety_service.feedback.service import queue_notice
from safety_service.hazards.effects import Escalated
from safety_service.i18n import translate
from safety_service.kiosks.models import Kiosk
from safety_service.locations.models import Location, Site
from safety_service.protocol.base import Localized

logger = logging.getLogger(__name__)
KIND = "area_escalation"
LINES = 10  # hazards named in one notice; a kiosk screen shows a notice, not a register
CHUNK = 1000  # ids per IN list
LANGUAGES = (("zh", "zh-CN"), ("en", "en"))

Place = tuple[str, int]  # ("area", area id) or ("location", location id)


@dataclass(frozen=True)
class _Spot:
    place: Place
    name_zh: str
    name_en: str


def tell_area_kiosks(session: Session, *, escalated: list[Escalated], now: datetime) -> int:
    """Queue one notice per kiosk for the steps of one sweep it has not been told of; returns the notices."""
    if not escalated:
        return 0
    spots = _spots(session, {e.location_id for e in escalated})
    kiosks = _kiosks(session, {spot.place for spot in spots.values()})
    if not kiosks:
        return 0
    highest: dict[int, Escalated] = {}
    for step in escalated:  # a hazard that took several steps in one sweep is one line, at its highest level
        if step.hazard_id not in highest or step.level > highest[step.hazard_id].level:
            highest[step.hazard_id] = step
    by_place: dict[Place, list[Escalated]] = defaultdict(list)
    for step in sorted(highest.values(), key=lambda e: (-e.level, e.ref)):
        by_place[spots[step.location_id].place].append(step)
    lists = _lists(kiosks, by_place, _told(session, sorted(highest)))
    for hazards, receivers in lists.values():
        _send(session, kiosks=receivers, hazards=hazards, spots=spots, now=now)
    sent = sum(len(receivers) for _, receivers in lists.values())
    if sent:
        logger.info("area escalation notices queued", extra={"kiosks": sent, "steps": len(escalated)})
    return sent


def _lists(kiosks: list[tuple[Kiosk, str, Place]], by_place: dict[Place, list[Escalated]],
           told: dict[int, dict[int, int]]) -> dict[tuple[Any, ...], tuple[list[Escalated], list[tuple[Kiosk, str]]]]:
    """The kiosks that get the same list of hazards, per list: all the kiosks of a place, unless one
    was already told of some of them (a level reached again after a new deadline)."""
    lists: dict[tuple[Any, ...], tuple[list[Escalated], list[tuple[Kiosk, str]]]] = {}
    for kiosk, site, place in kiosks:
        hazards, before = by_place[place], told.get(saved_id(kiosk))
        key: tuple[Any, ...] = (place,)
        if before:
            new = [e for e in hazards if e.level > before.get(e.hazard_id, 0)]
            if len(new) < len(hazards):
                hazards, key = new, (place, *(e.hazard_id for e in new))
        if hazards:
            lists.setdefault(key, (hazards, []))[1].append((kiosk, site))
    return lists


def _spots(session: Session, location_ids: set[int]) -> dict[int, _Spot]:
    spots: dict[int, _Spot] = {}
    for ids in _chunks(sorted(location_ids)):
        query = select(Location.id, Location.area_id, Location.name_zh, Location.name_en).where(col(Location.id).in_(ids))
        for row_id, area_id, name_zh, name_en in session.exec(query).all():
            location_id = known(row_id)
            place = ("area", area_id) if area_id is not None else ("location", location_id)
            spots[location_id] = _Spot(place, name_zh, name_en or name_zh)
    return spots


def _kiosks(session: Session, places: set[Place]) -> list[tuple[Kiosk, str, Place]]:
    """The active kiosks in these places, with their site code and their place."""
    areas = [i for kind, i in places if kind == "area"]
    locations = [i for kind, i in places if kind == "location"]
    query = (select(Kiosk, Location.area_id, Site.code).join(Location, col(Kiosk.location_id) == Location.id)
             .join(Site, col(Kiosk.site_id) == Site.id)
             .where(col(Kiosk.active), col(Kiosk.removed_at).is_(None),
                    or_(col(Location.area_id).in_(areas), col(Kiosk.location_id).in_(locations)))
             .order_by(col(Kiosk.id)))
    return [(kiosk, site, ("area", area_id) if area_id is not None else ("location", kiosk.location_id))
            for kiosk, area_id, site in session.exec(query).all()]


def _told(session: Session, hazard_ids: list[int]) -> dict[int, dict[int, int]]:
    """Per kiosk, the highest level it was told of each of these hazards at."""
    told: dict[int, dict[int, int]] = defaultdict(dict)
    for ids in _chunks(hazard_ids):
        query = (select(KioskNoticeRecord.kiosk_id, AreaNoticeHazard.hazard_id, func.max(AreaNoticeHazard.level))
                 .join(KioskNoticeRecord, col(KioskNoticeRecord.area_notice_id) == AreaNoticeHazard.area_notice_id)
                 .where(col(AreaNoticeHazard.hazard_id).in_(ids))
                 .group_by(col(KioskNoticeRecord.kiosk_id), col(AreaNoticeHazard.hazard_id)))
        for kiosk_id, hazard_id, level in session.exec(query).all():
            told[kiosk_id][hazard_id] = level
    return told


def _chunks(ids: list[int]) -> list[list[int]]:
    return [ids[start:start + CHUNK] for start in range(0, len(ids), CHUNK)]


def _send(session: Session, *, kiosks: list[tuple[Kiosk, str]], hazards: list[Escalated],
          spots: dict[int, _Spot], now: datetime) -> None:
    """One list of hazards (the most escalated first) recorded once, and a notice to each of its kiosks."""
    shared = AreaNotice(created_at=now)
    session.add(shared)
    session.flush()
    insert_rows(session.connection(), table_of(AreaNoticeHazard), ("area_notice_id", "hazard_id", "level"),
                [(shared.id, h.hazard_id, h.level) for h in hazards])
    only = hazards[0] if len(hazards) == 1 else None
    title, body = _title(hazards), _body(hazards, spots)
    for kiosk, site in kiosks:
        queue_notice(session, kiosk=kiosk, site=site, kind=KIND, key=KIND, now=now, area_notice_id=shared.id,
                     hazard_id=only.hazard_id if only else None, hazard_ref=only.ref if only else None,
                     title=title, body=body)


def _title(hazards: list[Escalated]) -> Localized:
    if len(hazards) == 1:
        return _localized(lambda lang: translate(lang, "notice.area.title.one", ref=hazards[0].ref))
    return _localized(lambda lang: translate(lang, "notice.area.title.many", count=len(hazards)))


def _body(hazards: list[Escalated], spots: dict[int, _Spot]) -> Localized:
    def text(language: str) -> str:
        lines = [translate(language, "notice.area.line", ref=h.ref, description=_short(h.description),
                           location=_name(spots[h.location_id], language),
                           step=translate(language, f"notice.area.step.{h.level}")) for h in hazards[:LINES]]
        if len(hazards) > LINES:
            lines.append(translate(language, "notice.area.more", count=len(hazards) - LINES))
        return "\n".join([*lines, translate(language, "notice.area.advice")])
    return _localized(text)


def _localized(text: Callable[[str], str]) -> Localized:
    return Localized(**{field: text(language) for field, language in LANGUAGES})


def _name(spot: _Spot, language: str) -> str:
    return spot.name_zh if language == "zh-CN" else spot.name_en


def _short(description: str, limit: int = 40) -> str:
    flat = " ".join(description.split())
    return flat if len(flat) <= limit else flat[:limit - 1] + "…"
