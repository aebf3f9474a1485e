"""The reward register (举报奖励台账, 安委〔2024〕7号): every award of a period with its report, decision and payment,
in the page language: the sheet the API and the console export as XLSX (their routes write the workbook)."""

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from safety_service.hazards.models import Hazard
from safety_service.i18n import Translator
from safety_service.locations.models import Location
from safety_service.people import service as people_service
from safety_service.rewards import awards
from safety_service.units import service as units_service

COLUMNS = ("seq", "ref", "reported_at", "location", "report_type", "grade", "reporter", "amount", "proposed_by",
           "proposed_at", "state", "decided_by", "decided_at", "decision_reason", "pay_method", "paid_by", "paid_at",
           "paid_to", "pay_note")


def _places(session: Session, hazards: Iterable[Hazard]) -> dict[int | None, str]:
    wanted = {h.location_id for h in hazards}
    return dict(session.exec(select(Location.id, Location.name_zh).where(col(Location.id).in_(wanted))).all()) \
        if wanted else {}


def _unit_name(session: Session, code: str, language: str) -> str:
    unit = units_service.get_unit(session, code=code)
    return unit.name_en if language == "en" and unit.name_en else unit.name_zh


def local(value: datetime, timezone: str) -> str:
    """A stored UTC time in the mine's local time, to the minute."""
    return value.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M")


def rows(session: Session, *, start: datetime, end: datetime, t: Translator, timezone: str,
         unit: str | None = None) -> list[list[Any]]:
    """One line per award proposed in [start, end) (to a person of the unit, when one is given); an anonymous
    reporter is named 匿名 here too."""
    found = awards.register(session, start=start, end=end, unit=unit)
    names = people_service.people_of(session, [i for a, _ in found for i in (a.proposed_by_id, a.decided_by_id, a.paid_by_id)])
    places = _places(session, [h for _, h in found])

    def when(value: datetime | None) -> str:
        return local(value, timezone) if value else ""

    return [[seq, h.ref, when(h.reported_at), places.get(h.location_id, ""),
             t(f"console.report_type.{a.report_type}"), t(f"console.grade.{a.grade}"),
             h.reporter_name if h.reporter_employee_no else t("console.awards.anonymous"), Decimal(a.amount),
             names.get(a.proposed_by_id, ""), when(a.proposed_at), t(f"console.awards.state.{a.state}"),
             names.get(a.decided_by_id, ""), when(a.decided_at), a.decision_reason or "",
             t(f"console.awards.method.{a.pay_method}") if a.pay_method else "", names.get(a.paid_by_id, ""),
             when(a.paid_at), a.paid_to or (t("console.awards.bearer") if a.paid_at else ""), a.pay_note or ""]
            for seq, (a, h) in enumerate(found, start=1)]


def sheet(session: Session, *, start: datetime, end: datetime, t: Translator, timezone: str,
          unit: str | None = None) -> tuple[list[str], list[list[Any]], str, str]:
    """The register's column titles, rows, sheet name and title row naming the period and the unit, if any
    (``web.sheets.to_xlsx``'s arguments)."""
    data = rows(session, start=start, end=end, t=t, timezone=timezone, unit=unit)
    titles = [t(f"console.awards.col.{name}") for name in COLUMNS]
    title = t("console.awards.register_title", start=local(start, timezone)[:10], end=local(end, timezone)[:10])
    if unit is not None:
        title = f"{title} · {_unit_name(session, unit, t.language)}"
    return titles, data, t("console.awards.register"), title
