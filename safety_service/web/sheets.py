"""The spreadsheets the service hands out (the console's ledgers, the API's CSV exports): ``to_csv`` and
``to_xlsx`` are their only writers. Text that a spreadsheet program would run as a formula (OWASP "CSV
injection": ``=``, ``+``, ``-``, ``@``, tab, carriage return first) goes out as text, while numbers stay
numbers. Dates are dates (local days), money is a two-decimal number in both.
"""

import csv
import io
from copy import copy
from datetime import date
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

MAX_ROWS = 100_000  # the most rows one export holds
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT, MONEY_FORMAT = "yyyy-mm-dd", "0.00"
# Long text wraps in a column this wide (in characters of a Latin font; a Chinese character takes two).
WIDEST, NARROWEST = 40, 6


def to_csv(titles: list[str], data: list[list[Any]]) -> bytes:
    """UTF-8 CSV with a byte-order mark, so spreadsheet programs read the Chinese right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_inert(title) for title in titles])
    writer.writerows([_inert(value) for value in row] for row in data)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(titles: list[str], data: list[list[Any]], sheet: str, title: str | None = None) -> bytes:
    """An XLSX workbook of one sheet (openpyxl, write-only): an optional title row across the columns,
    bold column titles frozen with it, widths fitting the content, printable landscape on one page wide."""
    book = Workbook(write_only=True)
    page = book.create_sheet(sheet[:31])
    widths = _widths(titles, data)
    for index, width in enumerate(widths, start=1):
        page.column_dimensions[get_column_letter(index)].width = width
    header_row = 2 if title else 1
    page.freeze_panes = f"A{header_row + 1}"
    page.print_title_rows = f"1:{header_row}"
    page.page_setup.orientation = "landscape"
    page.page_setup.fitToWidth, page.page_setup.fitToHeight = 1, 0
    page.sheet_properties.pageSetUpPr.fitToPage = True
    if title:
        page.merged_cells.add(f"A1:{get_column_letter(len(titles))}1")
        page.append([_styled(page, title, font=Font(bold=True, size=14))])
    page.append([_styled(page, name, font=Font(bold=True)) for name in titles])
    wraps = {i for i, width in enumerate(widths) if width >= WIDEST}
    looks = {"date": _styled(page, None, number_format=DATE_FORMAT),
             "money": _styled(page, None, number_format=MONEY_FORMAT),
             "wrap": _styled(page, None, alignment=Alignment(wrap_text=True, vertical="top"))}
    for row in data:
        page.append([_cell(page, value, looks, wrap=i in wraps) for i, value in enumerate(row)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def sheet_text(value: Any) -> Any:
    """The value, text without the control characters a worksheet cannot hold (XML 1.0 forbids them;
    openpyxl refuses the cell): stored text may carry them, the sheet is still written."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def _cell(page: Any, value: Any, looks: dict[str, Cell], *, wrap: bool) -> Any:
    value = sheet_text(value)
    if _risky(value):
        return _text(page, value)
    look = ("date" if isinstance(value, date) else "money" if isinstance(value, Decimal)
            else "wrap" if wrap and isinstance(value, str) and value else None)
    if look is None:
        return value
    cell = WriteOnlyCell(page, value=value)
    # The style registered once per sheet and copied: styling each cell afresh doubled the export's time
    # (openpyxl's own way of copying a style; its type stubs leave the attribute out).
    cell._style = copy(looks[look]._style)  # type: ignore[attr-defined]
    return cell


def _display_width(value: Any) -> int:
    if isinstance(value, date):
        return 10
    text = f"{value:.2f}" if isinstance(value, Decimal) else str(value)
    # A Chinese character is about two columns wide and three bytes in UTF-8, a Latin one one and one:
    # counted in C, which matters for 100,000 rows.
    return len(text) + (len(text.encode()) - len(text)) // 2


def _widths(titles: list[str], data: list[list[Any]]) -> list[float]:
    """Each column as wide as its widest value (and title), between NARROWEST and WIDEST."""
    widest = [_display_width(title) for title in titles]
    for row in data:
        for index, value in enumerate(row):
            widest[index] = max(widest[index], _display_width(value))
    return [min(max(w + 2, NARROWEST), WIDEST) for w in widest]


def _risky(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def _inert(value: Any) -> Any:
    """A CSV value; text a spreadsheet would run as a formula gets a leading quote."""
    return "'" + value if _risky(value) else value


def _text(page: Any, value: str) -> Cell:
    """An XLSX cell that holds ``value`` as a string (openpyxl would make "=..." a formula)."""
    cell = WriteOnlyCell(page, value=value)
    cell.data_type = "s"
    cell.quotePrefix = True  # stays text when someone edits the cell in Excel
    return cell


def _styled(page: Any, value: Any, **style: Any) -> Cell:
    cell = WriteOnlyCell(page, value=value)
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell
