"""Frequencies of inspection plans and their windows; the states of a round.

Cadence after the 煤矿安全生产标准化管理体系 (事故隐患排查治理): the 矿长 monthly, the 分管负责人
every 旬 (ten days), unit leaders weekly, teams every shift. Windows are local calendar periods:
a month; the 旬 1–10, 11–20, 21–end; an ISO week from Monday; three eight-hour shifts (0, 8, 16 h).
"""

from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from safety_service.errors import InvalidInput
from safety_service.validation import outside_calendar


class Frequency(StrEnum):
    monthly = "monthly"
    dekad = "dekad"  # 旬
    weekly = "weekly"
    shift = "shift"  # 每班


class RoundState(StrEnum):
    due = "due"
    done = "done"
    missed = "missed"


SHIFT_HOURS = 8
MAX_PERIOD_DAYS = 366


def window(frequency: Frequency, at: datetime, timezone: str) -> tuple[datetime, datetime]:
    """The local period of this frequency holding the moment ``at``, as aware datetimes."""
    local = at.astimezone(ZoneInfo(timezone))
    day = local.date()
    if frequency == Frequency.shift:
        start = local.replace(hour=local.hour - local.hour % SHIFT_HOURS, minute=0, second=0, microsecond=0)
        return start, _local(start.date(), timezone, start.hour + SHIFT_HOURS)
    first, after = _days(frequency, day)
    return _local(first, timezone), _local(after, timezone)


def _days(frequency: Frequency, day: date) -> tuple[date, date]:
    if frequency == Frequency.weekly:
        monday = day - timedelta(days=day.weekday())
        return monday, monday + timedelta(days=7)
    month_start = day.replace(day=1)
    next_month = (month_start + timedelta(days=32)).replace(day=1)
    if frequency == Frequency.monthly:
        return month_start, next_month
    if day.day <= 10:
        return month_start, month_start.replace(day=11)
    if day.day <= 20:
        return month_start.replace(day=11), month_start.replace(day=21)
    return month_start.replace(day=21), next_month


def _local(day: date, timezone: str, hour: int = 0) -> datetime:
    midnight = datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(timezone))
    return midnight + timedelta(hours=hour) if hour < 24 else midnight + timedelta(days=1)


def period(start: date, end: date, timezone: str) -> tuple[datetime, datetime]:
    """The UTC bounds of the local days [start, end], a year at most."""
    for name, day in (("start", start), ("end", end)):  # near Python's ends a local day has no UTC bounds
        if problem := outside_calendar(day):
            raise InvalidInput(f"{name} {problem}", field=name)
    if end < start:
        raise InvalidInput("end must not be before start", field="end")
    if (end - start).days > MAX_PERIOD_DAYS:
        raise InvalidInput(f"a period is at most {MAX_PERIOD_DAYS} days", field="end")
    zone = ZoneInfo(timezone)
    first = datetime(start.year, start.month, start.day, tzinfo=zone)
    last = datetime(end.year, end.month, end.day, tzinfo=zone) + timedelta(days=1)
    return first.astimezone(UTC), last.astimezone(UTC)
