"""The register's open and overdue hazards by grade, counted for monitoring (``GET /metrics``)."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, literal_column, select, true
from sqlalchemy.engine import Connection

from safety_service.database import table_of
from safety_service.hazards.models import Hazard
from safety_service.hazards.states import Grade

H = table_of(Hazard).c
UNGRADED = "none"  # a report not yet confirmed has no grade
GRADES = (str(Grade.general), str(Grade.major), UNGRADED)


@dataclass(frozen=True)
class GradeCounts:
    """Open hazards, and those of them past their deadline, per grade (every grade named, zeros included)."""

    open: dict[str, int]
    overdue: dict[str, int]


def open_by_grade(connection: Connection, *, now: datetime) -> GradeCounts:
    """Two grouped counts: the open ones from the (grade, is_open) index alone; the overdue ones through
    the (is_open, deadline) index, reading only the overdue rows for their grade."""
    is_open = H.is_open == true()
    # Grouped on an expression, so SQLite does not walk the grade index in order for the GROUP BY (a
    # scan of the whole register) instead of seeking the overdue rows.
    ungraded = func.coalesce(H.grade, literal_column(f"'{UNGRADED}'"))
    return GradeCounts(open=_by_grade(connection, H.grade, is_open),
                       overdue=_by_grade(connection, ungraded, is_open, H.deadline < now))


def _by_grade(connection: Connection, grade: ColumnElement[str | None], *where: ColumnElement[bool]) -> dict[str, int]:
    counts = dict.fromkeys(GRADES, 0)
    for key, count in connection.execute(select(grade, func.count()).where(*where).group_by(grade)).all():
        counts[key or UNGRADED] = count
    return counts
