"""Inputs and outputs of the supervisors API."""

from datetime import date, datetime

from pydantic import model_validator
from sqlmodel import Field, SQLModel


class SupervisorCreate(SQLModel):
    """An appointment: who, their team and area, the term of office."""

    employee_no: str = Field(min_length=1, max_length=32)
    team: str | None = Field(default=None, max_length=64, description="the person's own team when empty")
    area_code: str | None = Field(default=None, max_length=32)
    term_from: date
    term_to: date | None = None

    @model_validator(mode="after")
    def _term(self) -> "SupervisorCreate":
        if self.term_to is not None and self.term_to < self.term_from:
            raise ValueError("term_to must not be before term_from")
        return self


class SupervisorEnd(SQLModel):
    term_to: date


class SupervisorPublic(SQLModel):
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
    month: str
    by_supervisor: list[Figures]
    by_area: list[Figures]
    refs: list[str] = Field(description="the month's hazards reported by a supervisor on duty")
