"""Outputs of the register's figures API (the statistics page's figures)."""

from datetime import datetime

from pydantic.config import JsonDict
from sqlmodel import SQLModel

from safety_service.validation import ModelConfig

_EXAMPLE: JsonDict = {
    "at": "2026-11-20T08:00:00Z", "unit": "ZC1", "open_total": 12, "overdue_now": 2, "closure_rate": 0.83,
    "median_close_hours": 52.5,
    "open_by_category": [{"name": "顶板", "count": 5}, {"name": "机电", "count": 4}, {"name": "", "count": 3}],
    "open_by_grade": [{"name": "general", "count": 9}, {"name": "major", "count": 1}, {"name": "none", "count": 2}],
    "top_locations": [{"name": "3102综采工作面", "count": 6}],
    "weeks": ["2026-09-01T00:00:00+08:00", "2026-09-08T00:00:00+08:00"],
    "reports_by_channel": {"qr": [3, 4], "kiosk": [1, 0], "console": [0, 2]}, "overdue_by_week": [0, 1],
    "open_by_unit": [{"name": "综采一队", "open": 12, "overdue": 2}],
    "open_by_report_type": [{"name": "unsafe_condition", "count": 8}, {"name": "none", "count": 2}],
    "top_library_items": [{"name": "工作面顶板离层、片帮", "count": 4}],
}


class NamedCount(SQLModel):
    name: str  # "" for hazards not yet given a category; grades by their code
    count: int


class UnitCount(SQLModel):
    name: str  # a crew's hazards are counted with its team or section
    open: int
    overdue: int


class HazardFigures(SQLModel):
    """The register's figures, of the whole mine or about one unit and the units under it."""

    model_config = ModelConfig(json_schema_extra={"examples": [_EXAMPLE]})

    at: datetime
    unit: str | None  # the unit's code the figures are cut by; null for the whole mine
    open_total: int
    overdue_now: int
    closure_rate: float | None  # of the hazards reported in the weeks shown, the share closed
    median_close_hours: float | None
    open_by_category: list[NamedCount]
    open_by_grade: list[NamedCount]
    top_locations: list[NamedCount]
    weeks: list[datetime]  # the local Mondays the weekly series start on
    reports_by_channel: dict[str, list[int]]
    overdue_by_week: list[int]
    open_by_unit: list[UnitCount]
    open_by_report_type: list[NamedCount]  # by the report type's code (安委〔2024〕7号); "none" before one is named
    top_library_items: list[NamedCount]  # the 隐患标准库 items the hazards of the weeks shown matched, most first
