"""The hazard ledger (隐患台账): the hazards found in a date range (and area, and unit), as rows for
``web.sheets`` to write as CSV or XLSX (local days, money the way the page shows funds)."""

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from safety_service.console.rendering import money
from safety_service.database import table_of
from safety_service.hazards import attribution
from safety_service.hazards.models import Hazard
from safety_service.hazards.states import HazardState
from safety_service.i18n import Translator
from safety_service.locations.models import Area, Category, Location
from safety_service.people.models import Person, User
from safety_service.units.models import OrgUnit
from safety_service.web.sheets import MAX_ROWS

COLUMNS = ("seq", "ref", "found_on", "location", "description", "category", "grade", "source", "unit", "owner",
           "measures", "funds", "deadline", "rectified_on", "verifier", "verified_on", "result", "state")
_HAZARD = table_of(Hazard)
H = _HAZARD.c
_L, _C, _A = table_of(Location), table_of(Category), table_of(Area)
_OWNER, _VERIFIER = table_of(User).alias("owner"), table_of(User).alias("verifier")
_OWNER_PERSON, _VERIFIER_PERSON = table_of(Person).alias("owner_person"), table_of(Person).alias("verifier_person")
_OWNER_AREA = _A.alias("owner_area")
_UNIT = table_of(OrgUnit)


def _query(start: datetime, end: datetime, area: str | None, unit: str | None = None) -> Any:
    joined = (_HAZARD.join(_L, _L.c.id == H.location_id).outerjoin(_C, _C.c.id == H.category_id)
              .outerjoin(_A, _A.c.id == _L.c.area_id).outerjoin(_OWNER, _OWNER.c.id == H.owner_id)
              .outerjoin(_OWNER_PERSON, _OWNER_PERSON.c.id == _OWNER.c.person_id)
              .outerjoin(_OWNER_AREA, _OWNER_AREA.c.id == _OWNER_PERSON.c.area_id)
              .outerjoin(_VERIFIER, _VERIFIER.c.id == H.verified_by_id)
              .outerjoin(_VERIFIER_PERSON, _VERIFIER_PERSON.c.id == _VERIFIER.c.person_id)
              .outerjoin(_UNIT, _UNIT.c.id == attribution.UNIT_ID))
    # The unit the hazard is about (责任单位 of the five fixes, before them its place's unit); for a hazard
    # assigned before units, the owner's team or area.
    responsible = func.coalesce(_UNIT.c.name_zh, _OWNER_PERSON.c.team, _OWNER_AREA.c.name_zh)
    query = select(H.ref, H.reported_at, _L.c.name_zh, H.description, _C.c.name_zh, H.grade, H.source, responsible,
                   func.coalesce(_OWNER_PERSON.c.name, _OWNER.c.username), H.measures, H.funds, H.deadline,
                   H.rectified_at, func.coalesce(_VERIFIER_PERSON.c.name, _VERIFIER.c.username), H.closed_at,
                   H.state)
    query = query.select_from(joined).where(H.reported_at >= start, H.reported_at < end)
    if area:
        query = query.where(_A.c.code == area)
    if unit:  # the unit and the units under it
        query = query.where(attribution.about_code(unit))
    return query.order_by(H.reported_at, H.id).limit(MAX_ROWS)


def _day(value: datetime | None, zone: ZoneInfo) -> date | None:
    return value.astimezone(zone).date() if value else None


def _verification(state: str, verifier: str | None, closed_at: datetime | None, t: Translator,
                  zone: ZoneInfo) -> list[Any]:
    """Who accepted the fix, when, and the result; a failed verification names no one as if accepted."""
    if verifier is None:
        return [None, None, None]
    if state == HazardState.closed:
        return [verifier, _day(closed_at, zone), t("console.ledger.result.passed")]
    return [None, None, t("console.ledger.result.failed")]


def rows(connection: Connection, *, start: datetime, end: datetime, area: str | None, t: Translator,
         timezone: str, unit: str | None = None) -> list[list[Any]]:
    """The ledger's rows in the order of COLUMNS: local days, money as Decimal, words for codes."""
    zone, found = ZoneInfo(timezone), []
    for seq, row in enumerate(connection.execute(_query(start, end, area, unit)), start=1):
        (ref, reported_at, location, description, category, grade, source, unit, owner, measures, funds, deadline,
         rectified_at, verifier, closed_at, state) = row
        values = [seq, ref, _day(reported_at, zone), location, description, category,
                  t(f"console.grade.{grade}") if grade else None, t(f"console.source.{source}"), unit, owner,
                  measures, money(funds), _day(deadline, zone), _day(rectified_at, zone),
                  *_verification(state, verifier, closed_at, t, zone), t(f"console.state.{state}")]
        found.append(["" if v is None else v for v in values])
    return found


def headers(t: Translator) -> list[str]:
    """The column titles in the page language."""
    return [t(f"console.ledger.col.{name}") for name in COLUMNS]
