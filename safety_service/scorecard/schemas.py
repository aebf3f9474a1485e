"""Outputs of the scorecard API."""

from typing import Any

from sqlmodel import SQLModel

from safety_service.validation import ModelConfig

_FIGURES: dict[str, Any] = {
    "found": 14, "about": 11, "closed_on_time": 9, "closed_late": 1, "overdue": 2, "extensions": 2,
    "extensions_approved": 1, "major": 0, "violations": 3, "repeat_violations": 1, "supervisors": 2,
    "supervisor_reports": 6, "satisfied": 5, "basic": 2, "dissatisfied": 1, "ratings": 8,
    "satisfaction_rate": 87.5, "repeat_rate": 33.3}


class ScorecardFigures(SQLModel):
    """One unit's counts for one month; the unit's row covers the units under it."""

    model_config = ModelConfig(json_schema_extra={"examples": [_FIGURES]})

    found: int  # reported by the unit's people (or recorded by its accounts)
    about: int  # reported in the month about the unit: its 责任单位, before the five fixes its place's unit
    closed_on_time: int
    closed_late: int
    overdue: int  # past the deadline at some moment of the month
    extensions: int  # 延期申请 made in the month
    extensions_approved: int
    major: int  # 重大隐患 confirmed in the month
    violations: int  # 三违 by the unit's people
    repeat_violations: int
    repeat_rate: float | None  # percent of violations that were repeats; None without violations
    supervisors: int  # 群众安全监督员 serving in the month
    supervisor_reports: int
    satisfied: int
    basic: int
    dissatisfied: int
    ratings: int
    satisfaction_rate: float | None  # percent 满意 + 基本满意 of the ratings; None without ratings


_ROW: dict[str, Any] = {
    "unit_code": "ZC1", "unit_name": "综采一队", "kind": "team", "parent_code": "MINE", "figures": _FIGURES,
    "previous": {**_FIGURES, "found": 10, "satisfaction_rate": 75.0}}


class ScorecardRowPublic(SQLModel):
    """One unit's month beside the month before."""

    model_config = ModelConfig(json_schema_extra={"examples": [_ROW]})

    unit_code: str
    unit_name: str
    kind: str
    parent_code: str | None
    figures: ScorecardFigures
    previous: ScorecardFigures


class ScorecardPublic(SQLModel):
    """Every active unit's figures for the month beside the month before."""

    model_config = ModelConfig(json_schema_extra={"examples": [{
        "month": "2026-11", "previous_month": "2026-10",
        "data": [_ROW], "count": 1}]})

    month: str
    previous_month: str
    data: list[ScorecardRowPublic]
    count: int
