"""Field types shared by the request models of every domain."""

import unicodedata
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, AwareDatetime, Field
from pydantic_core import PydanticCustomError
from sqlmodel._compat import SQLModelConfig

from safety_service.errors import DomainError, InvalidInput

# A model's ``model_config``: SQLModel's ConfigDict (with its ``table`` and ``registry`` keys), which is what
# a SQLModel class declares (pydantic's own type does not fit it) and which the package does not export.
ModelConfig = SQLModelConfig


def strip_blank(value: str) -> str:
    """The text without surrounding whitespace; refuses text that is only whitespace."""
    value = value.strip()
    if not value:
        raise ValueError("must not be blank")
    return value


Text = Annotated[str, AfterValidator(strip_blank)]


def one_line(value: str) -> str:
    """The text, if it holds no line break, tab or other control character (a name printed on a label
    or shown in a list is one line; a carriage return made the label sheet's text layout fail)."""
    if any(unicodedata.category(char) == "Cc" for char in value):
        raise ValueError("must be one line, without control characters")
    return value


Line = Annotated[str, AfterValidator(one_line), AfterValidator(strip_blank)]  # a name shown in a list: one line

# The largest id a row can have: every id column is an INTEGER, 32 bits on PostgreSQL (SQLite's holds
# 64). A larger number can name no row; handed to the database it is an error ("integer out of range" on
# PostgreSQL, OverflowError in SQLite's driver past 64 bits), not "not found".
MAX_ROW_ID = 2**31 - 1
RowId = Annotated[int, Field(ge=1, le=MAX_ROW_ID)]

# The days a request may name. Near Python's ends a day has no UTC moments to query by: 0001-01-01 at midnight
# in Beijing is a moment of year 0, and the day after 9999-12-31 does not exist (both were 500s).
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(9998, 12, 31)
Dated = TypeVar("Dated", date, datetime)


def outside_calendar(day: date) -> str | None:
    """What is wrong with a day outside FIRST_DAY..LAST_DAY (None for one inside): the one wording of the bound."""
    return None if FIRST_DAY <= day <= LAST_DAY else f"must be from {FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()}"


def in_calendar(value: Dated) -> Dated:
    """The day or moment, if its day lies from FIRST_DAY to LAST_DAY."""
    day = value.date() if isinstance(value, datetime) else value
    if outside_calendar(day):  # its own error type, so a form can say so (not "required")
        raise PydanticCustomError("calendar", "must be from {first} to {last}",
                                  {"first": FIRST_DAY.isoformat(), "last": LAST_DAY.isoformat()})
    return value


def month_in_calendar(year: int, field: str = "month") -> None:
    """Refuses a month (``YYYY-MM``) of a year outside FIRST_DAY..LAST_DAY, naming ``field``."""
    if not FIRST_DAY.year <= year <= LAST_DAY.year:
        raise InvalidInput(f"{field} must be from {FIRST_DAY:%Y-%m} to {LAST_DAY:%Y-%m}", field=field)


Day = Annotated[date, AfterValidator(in_calendar)]
Moment = Annotated[AwareDatetime, AfterValidator(in_calendar)]


def whole_number(raw: str | None, *, high: int) -> int | None:
    """The number a URL spells in ASCII digits if it is at most ``high``, else None; never an error
    (``"²".isdigit()`` is true yet ``int("²")`` raises, and so does ``int()`` of 4,301 digits)."""
    if not raw or not raw.isascii() or not raw.isdigit() or len(raw.lstrip("0")) > len(str(high)):
        return None
    number = int(raw)
    return number if number <= high else None


def broken_rules(checks: Mapping[str, Callable[[Any], object]], values: Mapping[str, Any]) -> list[DomainError]:
    """What each rule refuses of the value given for its field (each checked alone, blank ones skipped):
    so a form names every error at once, not one a submission."""
    problems = []
    for field, check in checks.items():
        if values.get(field) not in (None, ""):
            try:
                check(values[field])
            except DomainError as exc:
                problems.append(exc)
    return problems
