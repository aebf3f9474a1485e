"""Overdue (超期未整改): a hazard still open after its rectification deadline (DESIGN.md "Overdue"; the
deadline is the one the five fixes set, 五落实, 安监总局令第16号 §15).

The one statement of the rule, in SQL (``condition``) and for a hazard in hand (``holds``), so that
the list and its filter, a hazard's detail, the late counts, the area board and the escalation sweep
agree on which hazards are overdue.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import and_, true
from sqlalchemy.sql.elements import ColumnElement

from safety_service.database import table_of
from safety_service.hazards.models import Hazard

_H = table_of(Hazard).c


def condition(now: Any) -> ColumnElement[bool]:
    """Open and past the deadline at ``now`` (a datetime, or a bind parameter of a cached statement)."""
    return and_(_H.is_open == true(), _H.deadline < now)


def holds(*, is_open: bool, deadline: datetime | None, now: datetime) -> bool:
    """The same for a hazard in hand (``deadline`` timezone-aware, as ``utc_value`` gives it)."""
    return bool(is_open and deadline is not None and deadline < now)
