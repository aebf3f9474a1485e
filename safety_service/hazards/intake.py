"""The one intake path: every channel's reports become hazards here, many per statement.

``report_hazards`` takes a batch (a QR burst, a kiosk backlog) and writes it with a few
set-based statements: one look-up per kind of reference, one counter bump for all the
references, one insert for the hazards and one for their first events. The client report
id is the idempotency key: a report already applied, or repeated inside the batch, gives
back the first hazard and never a second one.
"""

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select, update

from safety_service.clock import utc_now
from safety_service.errors import DomainError, NotFound
from safety_service.hazards.models import Hazard, HazardEvent, RefCounter
from safety_service.hazards.schemas import HazardReport
from safety_service.hazards.search import index_new, index_text
from safety_service.hazards.states import HazardState
from safety_service.kiosks.models import Kiosk
from safety_service.locations.models import Category, Location
from safety_service.people.models import Person, User

logger = logging.getLogger(__name__)

TRACKING_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
TRACKING_LENGTH = 12
REF_PREFIX = "YH"


@dataclass(frozen=True)
class Receipt:
    """What became of one report: its hazard (new or the earlier one) or the reason it was refused."""

    hazard_id: int | None = None
    ref: str | None = None
    tracking_code: str | None = None
    created: bool = False
    error: DomainError | None = None


def new_tracking_code() -> str:
    """An unguessable tracking code (60 bits), easy to read aloud and type."""
    value = secrets.randbits(5 * TRACKING_LENGTH)
    return "".join(TRACKING_ALPHABET[(value >> (5 * i)) & 31] for i in range(TRACKING_LENGTH))


def normalize_tracking_code(code: str) -> str:
    """A tracking code as stored, whatever case and separators the person typed."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def reserve_refs(session: Session, *, year: int, count: int) -> list[str]:
    """The next ``count`` hazard references of the year (YH-2026-000123), safe under concurrency."""
    dialect = session.get_bind().dialect.name
    upsert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.exec(upsert(RefCounter).values(year=year, value=0).on_conflict_do_nothing())
    bump = (
        update(RefCounter).where(col(RefCounter.year) == year)
        .values(value=RefCounter.value + count).returning(RefCounter.value)
    )
    last = session.exec(bump).scalar_one()
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
                   now: datetime | None = None, timezone: str = "Asia/Shanghai") -> list[Receipt]:
    """Register a batch of reports from any channel; one receipt per report, in order."""
    now = now or utc_now()
    for attempt in range(2):
        try:
            with session.begin_nested():
                return _apply(session, reports, recorded_by=recorded_by, now=now, timezone=timezone)
        except IntegrityError:
            # Another instance applied one of these report ids between our look-up and insert:
            # the second look-up finds it.
            if attempt:
                raise
    raise AssertionError("unreachable")


def _apply(session: Session, reports: list[HazardReport], *, recorded_by: User | None, now: datetime,
           timezone: str) -> list[Receipt]:
    known = _earlier(session, reports)
    refs = _References(session, reports)
    receipts: list[Receipt | None] = [None] * len(reports)
    first_in_batch: dict[str, int] = {}
    new: list[tuple[int, dict]] = []
    for index, report in enumerate(reports):
        key = report.client_report_id
        if key and key in known:
            receipts[index] = known[key]
        elif key and key in first_in_batch:
            continue  # filled from the first one below
        else:
            row_or_error = refs.row(report, recorded_by=recorded_by, now=now)
            if isinstance(row_or_error, DomainError):
                receipts[index] = Receipt(error=row_or_error)
            else:
                new.append((index, row_or_error))
                if key:
                    first_in_batch[key] = index
    _insert(session, new, receipts, now=now, timezone=timezone, recorded_by=recorded_by)
    for index, report in enumerate(reports):
        if receipts[index] is None:
            first = receipts[first_in_batch[report.client_report_id]]
            receipts[index] = Receipt(first.hazard_id, first.ref, first.tracking_code, created=False,
                                      error=first.error)
    return receipts  # type: ignore[return-value]


def _earlier(session: Session, reports: list[HazardReport]) -> dict[str, Receipt]:
    keys = {r.client_report_id for r in reports if r.client_report_id}
    if not keys:
        return {}
    query = select(Hazard.client_report_id, Hazard.id, Hazard.ref, Hazard.tracking_code).where(
        col(Hazard.client_report_id).in_(keys))
    return {key: Receipt(hid, ref, code, created=False) for key, hid, ref, code in session.exec(query).all()}


class _References:
    """The locations, categories and people a batch names, looked up once each."""

    def __init__(self, session: Session, reports: list[HazardReport]) -> None:
        def by(model, column, values):
            values = {v for v in values if v}
            return {getattr(m, column): m for m in session.exec(
                select(model).where(col(getattr(model, column)).in_(values))).all()} if values else {}

        self.locations = by(Location, "code", (r.location_code for r in reports))
        self.categories = by(Category, "code", (r.category_code for r in reports))
        self.people = by(Person, "employee_no", (r.reporter_employee_no for r in reports))
        self.kiosks = by(Kiosk, "kiosk_id", (r.kiosk for r in reports))

    def row(self, report: HazardReport, *, recorded_by: User | None, now: datetime) -> dict | DomainError:
        location = self.locations.get(report.location_code)
        if location is None or not location.active:
            return NotFound(f"no active location with code {report.location_code!r}", field="location_code")
        category = self.categories.get(report.category_code) if report.category_code else None
        if report.category_code and (category is None or not category.active):
            return NotFound(f"no active category with code {report.category_code!r}", field="category_code")
        person = self.people.get(report.reporter_employee_no)
        kiosk = self.kiosks.get(report.kiosk) if report.kiosk else None
        if report.kiosk and kiosk is None:
            return NotFound(f"no kiosk {report.kiosk!r}", field="kiosk")
        return {
            "kiosk_id": kiosk.id if kiosk else None,
            "tracking_code": new_tracking_code(), "client_report_id": report.client_report_id,
            "site_id": location.site_id, "location_id": location.id,
            "category_id": category.id if category else None, "description": report.description,
            "source": str(report.source), "reporter_person_id": person.id if person else None,
            "reporter_name": report.reporter_name or (person.name if person else None),
            "reporter_employee_no": report.reporter_employee_no,
            "recorded_by_id": recorded_by.id if recorded_by else None,
            "state": str(HazardState.reported), "is_open": True, "reported_at": now, "updated_at": now,
            "escalation_level": 0, "version": 1,
            "search_text": index_text(report.description, location.name_zh, location.name_en),
        }


def _insert(session: Session, new: list[tuple[int, dict]], receipts: list[Receipt | None], *, now: datetime,
            timezone: str, recorded_by: User | None) -> None:
    if not new:
        return
    refs = reserve_refs(session, year=now.astimezone(ZoneInfo(timezone)).year, count=len(new))
    rows = [dict(row, ref=ref, search_text=f"{row['search_text']} {index_text(ref)}")
            for (_, row), ref in zip(new, refs, strict=True)]
    # Core executemany on the tables (not the ORM bulk path): one round trip for the batch.
    hazards = Hazard.__table__
    session.execute(hazards.insert(), rows)
    by_ref = dict(session.execute(select(hazards.c.ref, hazards.c.id).where(hazards.c.ref.in_(refs))).all())
    ids = [by_ref[row["ref"]] for row in rows]
    events = [
        {"hazard_id": hid, "at": now, "actor_id": recorded_by.id if recorded_by else None, "action": "reported",
         "from_state": None, "to_state": str(HazardState.reported), "note": None, "data": {"source": row["source"]}}
        for hid, row in zip(ids, rows, strict=True)
    ]
    session.execute(HazardEvent.__table__.insert(), events)
    index_new(session, [{"id": hid, "search_text": row["search_text"]} for hid, row in zip(ids, rows, strict=True)])
    for (index, _), hid, row in zip(new, ids, rows, strict=True):
        receipts[index] = Receipt(hid, row["ref"], row["tracking_code"], created=True)
    logger.info("hazards reported", extra={"count": len(ids), "first": rows[0]["ref"], "last": rows[-1]["ref"]})
