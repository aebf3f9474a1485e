"""The hazard ledger (隐患台账): the hazards found in a date range (and area), as CSV or XLSX rows."""

import csv
import io
from datetime import datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import select
from sqlalchemy.engine import Connection

from safety_service.console.rendering import local
from safety_service.hazards.models import Hazard
from safety_service.i18n import Translator
from safety_service.locations.models import Area, Category, Location
from safety_service.people.models import User

MAX_ROWS = 100_000
COLUMNS = ("ref", "reported_at", "location", "category", "grade", "description", "owner", "measures", "funds",
           "contingency_plan", "deadline", "state", "verified_by", "closed_at")
H = Hazard.__table__.c
_L, _C, _A = Location.__table__, Category.__table__, Area.__table__
_OWNER, _VERIFIER = User.__table__.alias("owner"), User.__table__.alias("verifier")


def _query(start: datetime, end: datetime, area: str | None) -> Any:
    joined = (Hazard.__table__.join(_L, _L.c.id == H.location_id).outerjoin(_C, _C.c.id == H.category_id)
              .outerjoin(_A, _A.c.id == _L.c.area_id).outerjoin(_OWNER, _OWNER.c.id == H.owner_id)
              .outerjoin(_VERIFIER, _VERIFIER.c.id == H.verified_by_id))
    query = select(H.ref, H.reported_at, _L.c.name_zh, _C.c.name_zh, H.grade, H.description, _OWNER.c.username,
                   H.measures, H.funds, H.contingency_plan, H.deadline, H.state, _VERIFIER.c.username, H.closed_at)
    query = query.select_from(joined).where(H.reported_at >= start, H.reported_at < end)
    if area:
        query = query.where(_A.c.code == area)
    return query.order_by(H.reported_at, H.id).limit(MAX_ROWS)


def rows(connection: Connection, *, start: datetime, end: datetime, area: str | None, t: Translator,
         timezone: str) -> list[list[Any]]:
    """The ledger's rows in the order of COLUMNS, dates in local time, states and grades in words."""
    found = []
    for row in connection.execute(_query(start, end, area)):
        values = list(row)
        values[1], values[10], values[13] = (local(values[i], timezone) for i in (1, 10, 13))
        values[4] = t(f"console.grade.{values[4]}") if values[4] else ""
        values[11] = t(f"console.state.{values[11]}")
        values[8] = float(values[8]) if values[8] is not None else None
        found.append(["" if v is None else v for v in values])
    return found


def headers(t: Translator) -> list[str]:
    """The column titles in the page language."""
    return [t(f"console.ledger.col.{name}") for name in COLUMNS]


def to_csv(titles: list[str], data: list[list[Any]]) -> bytes:
    """UTF-8 CSV with a byte-order mark, so spreadsheet programs read the Chinese right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(titles)
    writer.writerows(data)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(titles: list[str], data: list[list[Any]], sheet: str) -> bytes:
    """An XLSX workbook of one sheet, bold titles, frozen header row (openpyxl, write-only)."""
    book = Workbook(write_only=True)
    page = book.create_sheet(sheet[:31])
    page.freeze_panes = "A2"
    page.append([_bold(book, page, title) for title in titles])
    for row in data:
        page.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _bold(book: Workbook, page: Any, title: str) -> Any:
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(page, value=title)
    cell.font = Font(bold=True)
    return cell
