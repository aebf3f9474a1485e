"""The ten-day summary (旬报): when a 旬 (days 1–10, 11–20, 21 to the month's end) has passed, at
``ten_day_summary_time`` (the mine's local time) on the next day or later, each unit's figures for it go
to the unit's leader, and every unit's to the officers and chiefs, through the console inbox and every
notification channel that takes the event (a group robot gets one message listing each unit). Once per
旬 however often the job runs: the 旬's ``scorecard_ten_day_run`` row is the proof it went out.
"""

import logging
from datetime import datetime, time
from zoneinfo import ZoneInfo

from sqlmodel import Session

from safety_service.config import Settings
from safety_service.database import saved_id
from safety_service.notifications import service as notifications_service
from safety_service.notifications.service import Notice
from safety_service.people import service as people_service
from safety_service.people.models import Role, User
from safety_service.scorecard import periods
from safety_service.scorecard import service as scorecard_service
from safety_service.scorecard.models import TenDayRun
from safety_service.units import service as units_service
from safety_service.units.models import OrgUnit

logger = logging.getLogger(__name__)
KIND = "ten_day_summary"


def _due(settings: Settings, now: datetime) -> periods.Period | None:
    """The 旬 just passed, once the summary's local time has come in the next one."""
    if not settings.ten_day_summary_time:
        return None
    local = now.astimezone(ZoneInfo(settings.timezone))
    hour, minute = (int(part) for part in settings.ten_day_summary_time.split(":"))
    opens = datetime.combine(periods.ten_day_start(local.date()), time(hour, minute), tzinfo=local.tzinfo)
    return periods.previous_ten_days(local.date(), settings.timezone) if local >= opens else None


def notice(unit: OrgUnit, figures: scorecard_service.UnitFigures, period: periods.Period) -> Notice:
    """One unit's summary as a notification (about no hazard; channels list it by unit)."""
    rate = figures.satisfaction_rate
    return Notice(kind=KIND, data={
        "unit": unit.code, "unit_name": unit.name_zh, "period": period.label,
        **{key: figures[key] for key in ("found", "about", "closed_on_time", "overdue", "extensions", "violations")},
        "satisfaction": None if rate is None else f"{rate:.1f}%"})


def send_ten_day_summary(session: Session, *, now: datetime, settings: Settings) -> int:
    """Send the last 旬's summary if its time has come and it has not gone out; returns the people told."""
    period = _due(settings, now)
    if period is None or session.get(TenDayRun, period.first) is not None:
        return 0
    session.add(TenDayRun(period_start=period.first, at=now))
    session.flush()  # a second instance's insert fails here and its run rolls back
    found = scorecard_service.figures(session, period=period)
    units = units_service.in_tree_order(session)
    summaries = {unit.id: notice(unit, found[saved_id(unit)], period) for unit in units}
    everyone = people_service.active_users_with_roles(session, roles=[Role.officer, Role.chief])
    recipients = {user.id: (user, list(summaries.values())) for user in everyone}
    for unit in units:  # a leader who is not an officer or chief hears of their own units
        leader = session.get(User, unit.leader_id) if unit.leader_id else None
        if leader is not None and leader.is_active and leader.role not in (Role.officer, Role.chief):
            recipients.setdefault(leader.id, (leader, []))[1].append(summaries[unit.id])
    notifications_service.send(session, list(recipients.values()))
    logger.info("ten-day summary sent", extra={"period": period.label, "units": len(units),
                                                "people": len(recipients)})
    return len(recipients)
