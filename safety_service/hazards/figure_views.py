"""The register's figures API: the statistics page's figures, of the whole mine or about one unit."""

from collections.abc import Iterable
from typing import Annotated

from fastapi import APIRouter, Query

from safety_service.api.answers import answers
from safety_service.api.deps import SessionDep, SettingsDep, StaffUser
from safety_service.clock import utc_now
from safety_service.hazards import figures
from safety_service.hazards.figure_schemas import HazardFigures, NamedCount, UnitCount
from safety_service.units import cuts

router = APIRouter(prefix="/hazards", tags=["hazards"])


def public(found: figures.Figures) -> HazardFigures:
    """The figures as the API answers them."""
    def named(rows: Iterable[tuple[str, int]]) -> list[NamedCount]:
        return [NamedCount(name=name, count=count) for name, count in rows]

    return HazardFigures(
        at=found.at, unit=found.unit, open_total=found.open_total, overdue_now=found.overdue_now,
        closure_rate=found.closure_rate, median_close_hours=found.median_close_hours,
        open_by_category=named(found.open_by_category), open_by_grade=named(found.open_by_grade),
        top_locations=named(found.top_locations), weeks=found.weeks, reports_by_channel=found.reports_by_channel,
        overdue_by_week=found.overdue_by_week,
        open_by_unit=[UnitCount(name=name, open=n, overdue=late) for name, n, late in found.open_by_unit],
        open_by_report_type=named(found.open_by_report_type), top_library_items=named(found.top_library_items))


@router.get("/figures", response_model=HazardFigures, responses=answers(403, 422))
def hazard_figures(session: SessionDep, settings: SettingsDep, _user: StaffUser,
                   unit: Annotated[str | None, Query(max_length=32, examples=["ZC1"])] = None) -> HazardFigures:
    """Open hazards by category, grade, report type, location and unit, the standard library items matched most,
    weekly reports by channel, the overdue trend, the
    closure rate and time; with ``unit``, only the hazards about that unit and the units under it (422 naming
    ``unit`` when there is no such unit)."""
    unit = cuts.check_unit(session, unit)
    return public(figures.gather(session.connection(), utc_now(), settings.timezone, unit))
