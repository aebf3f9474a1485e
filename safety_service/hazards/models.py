"""The hazard register (隐患台账) and the append-only history of each hazard."""

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Column, Index, Integer, Numeric, String, Text, false, text
from sqlmodel import Field, SQLModel

from safety_service.clock import utc_now
from safety_service.database import UTCDateTime
from safety_service.hazards.states import Grade, HazardState, ReportType


def _at(nullable: bool = True, **kwargs: Any) -> Any:
    return Field(sa_column=Column(UTCDateTime, nullable=nullable, **kwargs), default=None)


# Optimistic locking: two officers acting on one hazard at once cannot both win.
_version_column = Column("version", Integer, nullable=False)


def _where_set(name: str, *columns: str) -> Index:
    """An index of only the hazards whose first column is set: columns a new report mostly leaves empty (the
    owner and unit come with assigning; the category, risk point and reporter's number only when the report or
    its place names them; a failed control from an officer), so such a report adds nothing to the index. Every
    query that reads these compares the column (``=``, ``IN``, a join), which implies it is set on both databases.
    The grade's index keeps its NULLs: the open counts per grade read them (``counts.open_by_grade``)."""
    where = text(f"{columns[0]} IS NOT NULL")
    return Index(name, *columns, sqlite_where=where, postgresql_where=where)


_WHERE_SET = (_where_set("ix_hazard_owner_open_deadline", "owner_id", "is_open", "deadline"),
              _where_set("ix_hazard_unit_reported", "unit_id", "reported_at"),
              _where_set("ix_hazard_reporter_reported", "reporter_employee_no", "reported_at"),
              _where_set("ix_hazard_category_reported", "category_id", "reported_at"),
              _where_set("ix_hazard_risk_point_id", "risk_point_id"),
              _where_set("ix_hazard_failed_control_id", "failed_control_id"))


class Hazard(SQLModel, table=True):
    """One reported hazard and where it stands in the closed loop."""

    __tablename__ = "hazard"
    __table_args__ = (
        CheckConstraint(
            "state IN ('reported','confirmed','rectifying','awaiting_verification','closed','rejected')",
            name="state",
        ),
        CheckConstraint("grade IS NULL OR grade IN ('general','major')", name="grade"),
        CheckConstraint("source IN ('qr','kiosk','console','inspection')", name="source"),
        Index("ix_hazard_location_open_reported", "location_id", "is_open", "reported_at"),
        # With the deadline and the id, the late list's steps are read from the index alone (see list_statements).
        Index("ix_hazard_state_reported", "state", "reported_at", "deadline", "id"),
        Index("ix_hazard_kiosk_reported", "kiosk_id", "reported_at"),  # a kiosk's last report
        Index("ix_hazard_open_deadline", "is_open", "deadline", "id"),
        Index("ix_hazard_reported_at", "reported_at"),
        Index("ix_hazard_open_reported", "is_open", "reported_at"),
        Index("ix_hazard_grade_open_reported", "grade", "is_open", "reported_at"),
        Index("ix_hazard_source_reported", "source", "reported_at"),
        *_WHERE_SET,
        # Partial indexes: they hold the few rows in their step, and a new report adds nothing to them unless
        # the reporter marked it urgent (立即危险). The predicates are written as each dialect renders the queries' conditions.
        # The urgent box on every console queue, in its order (the order lets SQLite choose the index while it
        # is empty, as it mostly is, and so has no statistics).
        Index("ix_hazard_urgent_open", text("(urgent_acknowledged_at IS NOT NULL)"), "urgent_at",
              sqlite_where=text("urgent = 1 AND is_open = 1"), postgresql_where=text("urgent AND is_open")),
        # The scheduler's: urgent alarms nobody has acknowledged yet (each tick), and the hazards closed at each
        # place (the area boards' closed-this-month, each tick).
        Index("ix_hazard_urgent_unacknowledged", "urgent_at",
              sqlite_where=text("urgent = 1 AND urgent_acknowledged_at IS NULL AND urgent_escalated_at IS NULL"),
              postgresql_where=text("urgent AND urgent_acknowledged_at IS NULL AND urgent_escalated_at IS NULL")),
        Index("ix_hazard_location_closed", "location_id", "closed_at", sqlite_where=text("closed_at IS NOT NULL"),
              postgresql_where=text("closed_at IS NOT NULL")),
        Index("ix_hazard_verification_due", "state", "rectified_at", "deadline", "id",  # fixes waiting for verification
              sqlite_where=text("state = 'awaiting_verification'"),
              postgresql_where=text("state = 'awaiting_verification'")),
    )
    __mapper_args__ = {"version_id_col": _version_column}

    id: int | None = Field(default=None, primary_key=True)
    ref: str = Field(max_length=20, unique=True)
    tracking_code: str = Field(max_length=16, unique=True)
    client_report_id: str | None = Field(default=None, max_length=128, unique=True)
    site_id: int = Field(foreign_key="site.id")
    location_id: int = Field(foreign_key="location.id")
    category_id: int | None = Field(default=None, foreign_key="category.id")
    description: str = Field(sa_column=Column(Text, nullable=False))
    source: str = Field(sa_type=String(16))
    reporter_person_id: int | None = Field(default=None, foreign_key="person.id")
    reporter_name: str | None = Field(default=None, max_length=64)
    reporter_employee_no: str | None = Field(default=None, max_length=32)
    recorded_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    kiosk_id: int | None = Field(default=None, foreign_key="kiosk.id")
    state: HazardState = Field(default=HazardState.reported, sa_type=String(32))
    is_open: bool = True
    grade: Grade | None = Field(default=None, sa_type=String(16))
    level_id: int | None = Field(default=None, foreign_key="hazard_level.id")  # A/B/C, set on confirming
    # The standard library item (隐患标准库) the reporter chose (kiosk) until an officer confirms, then the officer's
    # match, and the report type (安委〔2024〕7号).
    library_item_id: int | None = Field(default=None, foreign_key="hazard_library_item.id")
    report_type: ReportType | None = Field(default=None, sa_type=String(32))
    # The situation of 煤矿重大事故隐患判定标准 a major hazard meets (hazards.criteria), set when graded 重大.
    major_criterion_id: int | None = Field(default=None, foreign_key="major_hazard_criterion.id")
    # A report of unsafe behaviour (人的不安全行为, incl. 违章指挥): the person's name as the reporter gave it
    # (optional) and when it happened. Shown to officers and supervisors only, never with the reporter.
    behaviour_person: str | None = Field(default=None, max_length=64)
    behaviour_at: datetime | None = _at()
    reported_at: datetime = Field(default_factory=utc_now, sa_column=Column(UTCDateTime, nullable=False))
    updated_at: datetime = Field(default_factory=utc_now, sa_column=Column(UTCDateTime, nullable=False))
    confirmed_at: datetime | None = _at()
    closed_at: datetime | None = _at()
    rejection_reason: str | None = Field(default=None, sa_column=Column(Text))
    duplicate_of_id: int | None = Field(default=None, foreign_key="hazard.id")
    owner_id: int | None = Field(default=None, foreign_key="user_account.id")
    unit_id: int | None = Field(default=None, foreign_key="org_unit.id")  # 责任单位, one of the five fixes
    measures: str | None = Field(default=None, sa_column=Column(Text))
    funds: Decimal | None = Field(default=None, sa_column=Column(Numeric(14, 2)))
    deadline: datetime | None = _at()
    contingency_plan: str | None = Field(default=None, sa_column=Column(Text))
    assigned_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    rectification_note: str | None = Field(default=None, sa_column=Column(Text))
    rectified_at: datetime | None = _at()
    verification_note: str | None = Field(default=None, sa_column=Column(Text))
    verified_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    # When the responsible unit recorded its self-check (自检合格) of the fix now waiting, where the level asks for one.
    self_checked_at: datetime | None = _at()
    overdue_since: datetime | None = _at()
    # 双重预防: the risk point the hazard is at and the control that failed there (risks domain).
    risk_point_id: int | None = Field(default=None, foreign_key="risk_point.id")
    failed_control_id: int | None = Field(default=None, foreign_key="risk_control.id")
    extension_until: datetime | None = _at()  # the date an extension request (延期申请) asks for, until decided
    extension_reason: str | None = Field(default=None, sa_column=Column(Text))
    escalation_level: int = 0
    # The urgent path (紧急/立即危险): reported or marked urgent, acknowledged by the dispatch room, and
    # when the acknowledgement did not come in time, the moment the chief was told (once).
    urgent: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    urgent_at: datetime | None = _at()
    urgent_acknowledged_at: datetime | None = _at()
    urgent_escalated_at: datetime | None = _at()
    # When the warning before the deadline was given, so it is given once per deadline.
    warned_at: datetime | None = _at()
    search_text: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    version: int | None = Field(default=None, sa_column=_version_column)


class HazardEvent(SQLModel, table=True):
    """One entry of a hazard's history; rows are only ever added."""

    __tablename__ = "hazard_event"
    __table_args__ = (Index("ix_hazard_event_hazard_at", "hazard_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    hazard_id: int = Field(foreign_key="hazard.id")
    at: datetime = Field(default_factory=utc_now, sa_column=Column(UTCDateTime, nullable=False))
    actor_id: int | None = Field(default=None, foreign_key="user_account.id")
    action: str = Field(max_length=32)
    from_state: str | None = Field(default=None, max_length=32)
    to_state: str | None = Field(default=None, max_length=32)
    note: str | None = Field(default=None, sa_column=Column(Text))
    data: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))


class RefCounter(SQLModel, table=True):
    """The last hazard number given out in each year, for references like YH-2026-000123."""

    __tablename__ = "ref_counter"

    year: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    value: int = 0
