"""Inputs and outputs of the supervisors API."""

from datetime import date, datetime

from pydantic import model_validator
from sqlmodel import Field, SQLModel

from safety_service.validation import Day, ModelConfig


class SupervisorCreate(SQLModel):
    """An appointment: who, their team and area, the term of office."""

    model_config = ModelConfig(json_schema_extra={"examples": [{
        "employee_no": "E000123",
        "team": "综采一队",
        "area_code": "N1",
        "term_from": "2026-01-01",
        "term_to": "2026-12-31",
    }]})

    employee_no: str = Field(min_length=1, max_length=32)
    team: str | None = Field(default=None, max_length=64, description="the person's own team when empty")
    area_code: str | None = Field(default=None, max_length=32)
    term_from: Day
    term_to: Day | None = None

    @model_validator(mode="after")
    def _term(self) -> "SupervisorCreate":
        if self.term_to is not None and self.term_to < self.term_from:
            raise ValueError("term_to must not be before term_from")
        return self


class SupervisorEnd(SQLModel):
    model_config = ModelConfig(json_schema_extra={"examples": [{"term_to": "2026-06-30"}]})

    term_to: Day


class SupervisorPublic(SQLModel):
    model_config = ModelConfig(json_schema_extra={"examples": [{"id": 2, "employee_no": "1002", "name": "王磊",
        "team": "掘进二队", "area_code": "south", "term_from": "2026-01-01", "term_to": None,
        "created_at": "2025-12-28T07:53:53Z"}]})

    id: int
    employee_no: str
    name: str
    team: str | None
    area_code: str | None
    term_from: date
    term_to: date | None
    created_at: datetime


class SupervisorsPublic(SQLModel):
    data: list[SupervisorPublic]
    count: int


class Figures(SQLModel):
    """A month's figures of supervisors' reports."""

    key: str | None = None
    name: str | None = None
    reports: int = 0
    confirmed: int = 0
    major: int = 0
    closed_in_time: int = 0


class MonthlyFigures(SQLModel):
    model_config = ModelConfig(json_schema_extra={"examples": [{"month": "2026-11", "by_supervisor": [{"key": "1002",
        "name": "王磊", "reports": 6, "confirmed": 5, "major": 1, "closed_in_time": 4}], "by_area": [{"key": "south",
        "name": "南翼采区", "reports": 14, "confirmed": 11, "major": 2, "closed_in_time": 9}], "refs": ["YH-2026-000007",
        "YH-2026-000012"]}]})

    month: str
    by_supervisor: list[Figures]
    by_area: list[Figures]
    refs: list[str] = Field(description="the month's hazards reported by a supervisor on duty")
