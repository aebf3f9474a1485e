"""The periods a scorecard covers, in the mine's local time: a month (``YYYY-MM``) and a 旬 (days 1–10,
11–20, 21 to the month's end), each as a UTC range ``[start, end)`` for the queries."""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from safety_service.errors import InvalidInput
from safety_service.validation import month_in_calendar

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class Period:
    """Local days ``first`` to ``last`` (both included) and their UTC range."""

    first: date
    last: date
    start: datetime
    end: datetime

    @property
    def label(self) -> str:
        return f"{self.first.isoformat()}~{self.last.isoformat()}"


def days(first: date, last: date, timezone: str) -> Period:
    """The local days first..last as a period."""
    zone = ZoneInfo(timezone)
    return Period(first, last, datetime.combine(first, time(0), tzinfo=zone),
                  datetime.combine(last + timedelta(days=1), time(0), tzinfo=zone))


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def month(text: str, timezone: str) -> Period:
    """The month ``YYYY-MM`` (InvalidInput naming ``month`` otherwise)."""
    found = MONTH.match(text or "")
    if found is None:
        raise InvalidInput("month must be YYYY-MM", field="month")
    month_in_calendar(int(found.group(1)))
    first = date(int(found.group(1)), int(found.group(2)), 1)
    return days(first, _next_month(first) - timedelta(days=1), timezone)


def month_of(now: datetime, timezone: str) -> str:
    """``YYYY-MM`` of the local month holding this moment."""
    return now.astimezone(ZoneInfo(timezone)).strftime("%Y-%m")


def last_whole_month(now: datetime, timezone: str) -> str:
    """``YYYY-MM`` of the local month before the one holding this moment (the month to assess)."""
    return previous_month(month_of(now, timezone))


def previous_month(text: str) -> str:
    """The month before ``YYYY-MM``."""
    year, number = (int(part) for part in text.split("-"))
    return f"{year - 1}-12" if number == 1 else f"{year}-{number - 1:02d}"


def ten_day_start(day: date) -> date:
    """The first day of the 旬 holding this local day."""
    return day.replace(day=1 if day.day <= 10 else 11 if day.day <= 20 else 21)


def previous_ten_days(day: date, timezone: str) -> Period:
    """The whole 旬 before the one holding this local day."""
    last = ten_day_start(day) - timedelta(days=1)
    return days(ten_day_start(last), last, timezone)
