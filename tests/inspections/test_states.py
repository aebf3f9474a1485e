"""The windows of each frequency, in local (Asia/Shanghai) time."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from safety_service.inspections.states import Frequency, window

TZ = "Asia/Shanghai"
LOCAL = ZoneInfo(TZ)


@pytest.mark.parametrize(("frequency", "at", "start", "end"), [
    (Frequency.monthly, datetime(2026, 12, 31, 23, 0), datetime(2026, 12, 1), datetime(2027, 1, 1)),
    (Frequency.dekad, datetime(2026, 2, 10, 23, 59), datetime(2026, 2, 1), datetime(2026, 2, 11)),
    (Frequency.dekad, datetime(2026, 2, 11, 0, 0), datetime(2026, 2, 11), datetime(2026, 2, 21)),
    (Frequency.dekad, datetime(2026, 2, 28, 12, 0), datetime(2026, 2, 21), datetime(2026, 3, 1)),
    (Frequency.weekly, datetime(2026, 12, 3, 9, 0), datetime(2026, 11, 30), datetime(2026, 12, 7)),
    (Frequency.shift, datetime(2026, 12, 3, 7, 59), datetime(2026, 12, 3, 0), datetime(2026, 12, 3, 8)),
    (Frequency.shift, datetime(2026, 12, 3, 23, 0), datetime(2026, 12, 3, 16), datetime(2026, 12, 4, 0)),
])
def test_windows(frequency: Frequency, at: datetime, start: datetime, end: datetime) -> None:
    found = window(frequency, at.replace(tzinfo=LOCAL).astimezone(UTC), TZ)
    assert found == (start.replace(tzinfo=LOCAL), end.replace(tzinfo=LOCAL))
