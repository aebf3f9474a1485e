"""Timezone-aware UTC time from one place, with a clock tests can replace."""

from datetime import UTC, date, datetime
from typing import Protocol
from zoneinfo import ZoneInfo


def utc_now() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """A datetime as aware UTC; naive values (as SQLite returns them) are taken as UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def local_today(timezone: str) -> date:
    """Today's date at the mine (in its timezone)."""
    return utc_now().astimezone(ZoneInfo(timezone)).date()


class Clock(Protocol):
    def __call__(self) -> datetime: ...
