"""The proof a ten-day summary went out: one row per 旬, so reruns and a second instance send it once."""

from datetime import date, datetime

from sqlalchemy import Column
from sqlmodel import Field, SQLModel

from safety_service.clock import utc_now
from safety_service.database import UTCDateTime


class TenDayRun(SQLModel, table=True):
    """The first day (the mine's local date) of a 旬 whose summary was sent."""

    __tablename__ = "scorecard_ten_day_run"

    period_start: date = Field(primary_key=True)
    at: datetime = Field(default_factory=utc_now, sa_column=Column(UTCDateTime, nullable=False))
