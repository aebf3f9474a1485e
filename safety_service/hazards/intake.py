"""The one intake path: every channel's reports become hazards here, many per statement.

``report_hazards`` takes a batch (a QR burst, a kiosk backlog) and writes it with a few
set-based statements: one look-up per kind of reference, one counter bump for all the
references, one insert for the hazards and one for their first events. The client report
id is the idempotency key: a report already applied, or repeated inside the batch, gives
back the first hazard and never a second one.
"""

import json
import logging
import secrets
import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from operator import itemgetter
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, col, select

from safety_service.clock import utc_now
from safety_service.database import saved_id, table_of
from safety_service.driver import fetch_in, insert_rows
from safety_service.errors import DomainError, InvalidInput, NotFound
from safety_service.hazards import events, library, riskpoints, urgent
from safety_service.hazards.library import LibraryItem
from safety_service.hazards.models import Hazard, RefCounter
from safety_service.hazards.schemas import HazardReport
from safety_service.hazards.search import index_new, index_text
from safety_service.hazards.states import Channel, HazardState, ReportType
from safety_service.kiosks.models import Kiosk
from safety_service.locations.models import Category, Location
from safety_service.people.models import Person, User

logger = logging.getLogger(__name__)

TRACKING_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
REF_PREFIX = "YH"
# Phones drift; unsafe behaviour seen "a few minutes from now" was still seen.
BEHAVIOUR_CLOCK_SKEW = timedelta(minutes=10)


@dataclass(frozen=True)
class Receipt:
    """What became of one report: its hazard (new or the earlier one) or the reason it was refused."""

    hazard_id: int | None = None
    ref: str | None = None
    tracking_code: str | None = None
    created: bool = False
    error: DomainError | None = None


# Two letters of a code by ten of its bits: the low five give the first, as one letter by five bits would.
_LETTER_PAIRS = [first + second for second in TRACKING_ALPHABET for first in TRACKING_ALPHABET]


def new_tracking_codes(count: int) -> list[str]:
    """``count`` unguessable tracking codes (60 random bits each), easy to read aloud and type. The batch's bits
    come from the system in one read, not one a code (a twentieth of the SQLite writer's time, spent asking)."""
    pairs = _LETTER_PAIRS
    return [pairs[v & 1023] + pairs[v >> 10 & 1023] + pairs[v >> 20 & 1023] + pairs[v >> 30 & 1023]
            + pairs[v >> 40 & 1023] + pairs[v >> 50 & 1023]
            for (v,) in struct.iter_unpack("<Q", secrets.token_bytes(8 * count))]


def normalize_tracking_code(code: str) -> str:
    """A tracking code as stored, whatever case and separators the person typed."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def reserve_refs(session: Session, *, year: int, count: int) -> list[str]:
    """The next ``count`` hazard references of the year (YH-2026-000123), safe under concurrency."""
    connection = session.connection()
    upsert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    # one statement, on Core: the year's first batch creates the counter, every other one bumps it (row-locked)
    bump = (upsert(RefCounter).values(year=year, value=count)
            .on_conflict_do_update(index_elements=[col(RefCounter.year)], set_={"value": col(RefCounter.value) + count})
            .returning(col(RefCounter.value)))
    last = connection.execute(bump).scalar_one()
    return [f"{REF_PREFIX}-{year}-{number:06d}" for number in range(last - count + 1, last + 1)]


def report_hazard(session: Session, *, data: HazardReport, recorded_by: User | None = None,
                  now: datetime | None = None, timezone: str = "Asia/Shanghai") -> tuple[Hazard, bool]:
    """Register one report; returns the hazard and whether this call created it (raises if refused)."""
    receipt = report_hazards(session, reports=[data], recorded_by=recorded_by, now=now, timezone=timezone)[0]
    if receipt.error is not None:
        raise receipt.error
    hazard = session.get(Hazard, receipt.hazard_id)
    assert hazard is not None
    return hazard, receipt.created


def report_hazards(session: Session, *, reports: list[HazardReport], recorded_by: User | None = None,
                   now: datetime | None = None, timezone: str = "Asia/Shanghai",
                   loaded: Iterable[SQLModel] = ()) -> list[Receipt]:
    """Register a batch of reports from any channel; one receipt per report, in order. ``loaded``: locations
    and kiosks the caller has read in this session (the kiosk intake's), not read again."""
    now = now or utc_now()
    for attempt in range(2):
        try:
            with session.begin_nested():
                return _apply(session, reports, recorded_by=recorded_by, now=now, timezone=timezone,
                              loaded=list(loaded))
        except IntegrityError:
            # Another instance applied one of these report ids between our look-up and insert:
            # the second look-up finds it.
            if attempt:
                raise
    raise AssertionError("unreachable")


Row = dict[str, Any]  # a new hazard's columns, before its reference


def _apply(session: Session, reports: list[HazardReport], *, recorded_by: User | None, now: datetime,
           timezone: str, loaded: list[SQLModel]) -> list[Receipt]:
    known = _earlier(session.connection(), reports)
    refs = _References(session, reports, loaded)
    receipts: dict[int, Receipt] = {}
    first_in_batch: dict[str, int] = {}
    repeats: list[tuple[int, int]] = []  # (a report repeated in the batch, the first one)
    new: list[tuple[int, Row]] = []
    for index, report in enumerate(reports):
        key = report.client_report_id
        if key and key in known:
            receipts[index] = known[key]
        elif key and key in first_in_batch:
            repeats.append((index, first_in_batch[key]))  # answered as the first one, below
        else:
            row_or_error = refs.row(report, recorded_by=recorded_by, now=now)
            if isinstance(row_or_error, DomainError):
                receipts[index] = Receipt(error=row_or_error)
            else:
                new.append((index, row_or_error))
                if key:
                    first_in_batch[key] = index
    _insert(session, new, receipts, now=now, timezone=timezone, recorded_by=recorded_by)
    for index, first_index in repeats:
        first = receipts[first_index]
        receipts[index] = Receipt(first.hazard_id, first.ref, first.tracking_code, created=False, error=first.error)
    return [receipts[index] for index in range(len(reports))]


_EARLIER = "SELECT client_report_id, id, ref, tracking_code FROM hazard WHERE client_report_id {in_values}"
_IDS = "SELECT ref, id FROM hazard WHERE ref {in_values}"


def _earlier(connection: Connection, reports: list[HazardReport]) -> dict[str, Receipt]:
    """The reports of the batch applied before (the idempotency look-up): one statement on the driver."""
    keys = {r.client_report_id for r in reports if r.client_report_id}
    if not keys:
        return {}
    return {key: Receipt(hid, ref, code, created=False) for key, hid, ref, code in fetch_in(connection, _EARLIER, keys)}


class _References:
    """The locations, categories and people a batch names, looked up once each."""

    def __init__(self, session: Session, reports: list[HazardReport], loaded: list[SQLModel]) -> None:
        self.locations = _by(session, Location, "code", {r.location_code for r in reports}, loaded)
        self.categories = _by(session, Category, "code", {r.category_code for r in reports})
        self.people = _by(session, Person, "employee_no", {r.reporter_employee_no for r in reports})
        self.kiosks = _by(session, Kiosk, "kiosk_id", {r.kiosk for r in reports}, loaded)
        self.risk_points = riskpoints.RiskPoints(session, {r.risk_point_code for r in reports if r.risk_point_code})
        self.library = _by(session, LibraryItem, "id", {r.library_item for r in reports})

    def _place(self, report: HazardReport) -> tuple[Location, Category | None] | DomainError:
        """The report's active location and its active category, if it names one."""
        location = self.locations.get(report.location_code)
        if location is None or not location.active:
            return NotFound(f"no active location with code {report.location_code!r}", field="location_code")
        category = self.categories.get(report.category_code) if report.category_code else None
        if report.category_code and (category is None or not category.active):
            return NotFound(f"no active category with code {report.category_code!r}", field="category_code")
        return location, category

    def row(self, report: HazardReport, *, recorded_by: User | None, now: datetime) -> Row | DomainError:
        place = self._place(report)
        if isinstance(place, DomainError):
            return place
        location, category = place
        if report.behaviour_at is not None and report.behaviour_at > now + BEHAVIOUR_CLOCK_SKEW:
            return InvalidInput("unsafe behaviour cannot be reported before it happened", field="behaviour_at")
        person = self.people.get(report.reporter_employee_no) if report.reporter_employee_no else None
        kiosk = self.kiosks.get(report.kiosk) if report.kiosk else None
        if report.kiosk and kiosk is None:
            return NotFound(f"no kiosk {report.kiosk!r}", field="kiosk")
        point = self.risk_points.at(report.risk_point_code, saved_id(location)) if report.risk_point_code else None
        if report.risk_point_code and point is None:
            return NotFound(f"no risk point {report.risk_point_code!r} at location {location.code!r}",
                            field="risk_point_code")
        item = self._library_item(report, category)
        if isinstance(item, DomainError):
            return item
        return {
            "library_item_id": item.id if item else None,
            "category_id": category.id if category else item.category_id if item else None,
            "risk_point_id": point[0] if point else None,
            "major_point": report.risk_point_code if point and point[1] == riskpoints.MAJOR else None,
            "kiosk_id": kiosk.id if kiosk else None,
            "client_report_id": report.client_report_id,
            "site_id": location.site_id, "location_id": location.id,
            "description": report.description,
            "source": str(report.source), "reporter_person_id": person.id if person else None,
            "reporter_name": report.reporter_name or (person.name if person else None),
            "reporter_employee_no": report.reporter_employee_no,
            "recorded_by_id": recorded_by.id if recorded_by else None,
            "state": str(HazardState.reported), "is_open": True, "reported_at": now, "updated_at": now,
            "escalation_level": 0, "version": 1, "urgent": report.urgent, "urgent_at": now if report.urgent else None,
            "search_text": index_text(report.description, location.name_zh, location.name_en),
            "behaviour_at": report.behaviour_at, "behaviour_person": report.behaviour_person,
            "report_type": str(ReportType.unsafe_act) if report.behaviour_at else None,
        }


    def _library_item(self, report: HazardReport, category: Category | None) -> LibraryItem | DomainError | None:
        """The reporter's chosen library match (it gives the category when none was chosen), by the library's one
        rule: refused naming ``library_item`` when unknown, retired or of another category; from a kiosk, whose
        offline copy of the library may be stale, dropped instead, so a stale match never costs the report."""
        if not report.library_item:
            return None
        item = self.library.get(report.library_item)
        refusal = library.match_refusal(item, item_id=report.library_item, category=category)
        if refusal is None:
            return item
        if report.source == Channel.kiosk:
            logger.info("library match dropped", extra={"library_item": report.library_item})
            return None
        return refusal


@lru_cache(maxsize=1024)
def _reported_data(source: str, urgent: bool, library_item: int | None) -> str:
    """The first event's data as JSON text, encoded once per kind of report (a kiosk batch has one or two)."""
    return json.dumps({"source": source, **({"urgent": True} if urgent else {}),
                       **({"library_item": library_item} if library_item else {})})


K = TypeVar("K")
M = TypeVar("M", bound=SQLModel)


def _by(session: Session, model: type[M], column: str, values: set[K | None], loaded: Sequence[SQLModel] = ()
        ) -> dict[K, M]:
    """The rows of ``model`` whose ``column`` is one of ``values`` (None left out), by that column; those among
    ``loaded`` are not read again."""
    have: dict[K, M] = {getattr(row, column): row for row in loaded if isinstance(row, model)}
    rows = {value: have[value] for value in values if value and value in have}
    wanted = {value for value in values if value and value not in rows}
    if wanted:
        found = session.exec(select(model).where(col(getattr(model, column)).in_(wanted))).all()
        rows.update({getattr(row, column): row for row in found})
    return rows


def _insert(session: Session, new: list[tuple[int, Row]], receipts: dict[int, Receipt], *, now: datetime,
            timezone: str, recorded_by: User | None) -> None:
    if not new:
        return
    codes = new_tracking_codes(len(new))
    refs = reserve_refs(session, year=now.astimezone(ZoneInfo(timezone)).year, count=len(new))
    rows = [dict(row, ref=ref, tracking_code=code, search_text=f"{row['search_text']} {index_text(ref)}")
            for (_, row), ref, code in zip(new, refs, codes, strict=True)]
    # Plain tuples through the driver's executemany, as the FTS rows, the events and the acks: one
    # round trip for the batch, and none of SQLAlchemy's per-row parameter building.
    connection = session.connection()
    majors = [row.pop("major_point") for row in rows]
    columns = tuple(rows[0])
    pick = itemgetter(*columns)  # a row's values in the columns' order, in C
    insert_rows(connection, table_of(Hazard), columns, [pick(row) for row in rows])
    by_ref: dict[str, int] = {ref: hid for ref, hid in fetch_in(connection, _IDS, refs)}
    ids = [by_ref[row["ref"]] for row in rows]
    actor = recorded_by.id if recorded_by else None
    reported = str(HazardState.reported)
    events.append_many(connection, ("hazard_id", "at", "actor_id", "action", "to_state", "data"), [
        (hid, now, actor, "reported", reported, _reported_data(row["source"], row["urgent"], row["library_item_id"]))
        for hid, row in zip(ids, rows, strict=True)], json_text=("data",))
    index_new(connection, [(hid, row["search_text"]) for hid, row in zip(ids, rows, strict=True)])
    for (index, _), hid, row in zip(new, ids, rows, strict=True):
        receipts[index] = Receipt(hid, row["ref"], row["tracking_code"], created=True)
    urgent.raise_alarms(session, hazard_ids=[hid for hid, row in zip(ids, rows, strict=True) if row["urgent"]])
    riskpoints.notify_major(session, [(hid, row["ref"], code) for hid, row, code
                                      in zip(ids, rows, majors, strict=True) if code])
    logger.info("hazards reported", extra={"count": len(ids), "first": rows[0]["ref"], "last": rows[-1]["ref"]})
