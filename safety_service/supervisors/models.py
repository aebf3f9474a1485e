"""The roster of mass safety supervisors (群众安全监督员) and their terms of office."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Column, Index
from sqlmodel import Field, SQLModel

from safety_service.clock import utc_now
from safety_service.database import UTCDateTime


class Supervisor(SQLModel, table=True):
    """One term of office of one person; a report made within it counts as a supervisor's report."""

    __tablename__ = "supervisor"
    __table_args__ = (
        CheckConstraint("term_to IS NULL OR term_to >= term_from", name="term"),
        Index("ix_supervisor_employee_term", "employee_no", "term_from"),
    )

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    employee_no: str = Field(max_length=32)
    team: str | None = Field(default=None, max_length=64)
    area_id: int | None = Field(default=None, foreign_key="area.id", index=True)
    term_from: date
    term_to: date | None = None
    appointed_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utc_now, sa_column=Column(UTCDateTime, nullable=False))
