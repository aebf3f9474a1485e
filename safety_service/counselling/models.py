"""Violations (三违), counselling cases with their history, families, sessions, agreements, access log."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Column, Index, Integer, LargeBinary, String, Text
from sqlmodel import Field, SQLModel

from safety_service.clock import utc_now
from safety_service.counselling.states import CaseState, Relation, SessionKind, ViolationKind
from safety_service.database import UTCDateTime


def _at(nullable: bool = True) -> Any:
    return Field(sa_column=Column(UTCDateTime, nullable=nullable), default=None)


def _now() -> Any:
    return Field(default_factory=utc_now, sa_column=Column(UTCDateTime, nullable=False))


# Optimistic locking: two counsellors acting on one case at once cannot both win.
_version_column = Column("version", Integer, nullable=False)


class CounsellingCase(SQLModel, table=True):
    """One worker's help-education case and where it stands."""

    __tablename__ = "counselling_case"
    __table_args__ = (
        CheckConstraint("state IN ('opened','planned','counselling','observation','closed')", name="state"),
        Index("ix_counselling_case_state_opened", "state", "opened_at"),
    )
    __mapper_args__ = {"version_id_col": _version_column}

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    # Equals person_id while the case is not closed: one open case per worker, enforced by the database.
    active_person_id: int | None = Field(default=None, unique=True)
    state: CaseState = Field(default=CaseState.opened, sa_type=String(16))
    level: int = 1
    counsellor_id: int | None = Field(default=None, foreign_key="user_account.id")
    plan: str | None = Field(default=None, sa_column=Column(Text))
    opened_at: datetime = _now()
    updated_at: datetime = _now()
    counselling_since: datetime | None = _at()
    first_observation_at: datetime | None = _at()
    observation_started_at: datetime | None = _at()
    observation_ends_at: datetime | None = _at()
    review_due_at: datetime | None = _at()
    next_session_due_at: datetime | None = _at()
    session_reminded_for: datetime | None = _at()
    closed_at: datetime | None = _at()
    review_note: str | None = Field(default=None, sa_column=Column(Text))
    version: int | None = Field(default=None, sa_column=_version_column)


class Violation(SQLModel, table=True):
    """One safety violation (三违) of a worker, as recorded by a supervisor or officer."""

    __tablename__ = "violation"
    __table_args__ = (
        CheckConstraint("kind IN ('illegal_command','illegal_operation','labour_discipline')", name="kind"),
        Index("ix_violation_person_occurred", "person_id", "occurred_at"),
        Index("ix_violation_occurred", "occurred_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id")
    kind: ViolationKind = Field(sa_type=String(32))
    occurred_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    location_id: int = Field(foreign_key="location.id")
    description: str = Field(sa_column=Column(Text, nullable=False))
    hazard_id: int | None = Field(default=None, foreign_key="hazard.id")
    recorded_by_id: int = Field(foreign_key="user_account.id", index=True)
    recorded_at: datetime = _now()
    case_id: int | None = Field(default=None, foreign_key="counselling_case.id", index=True)


class CaseEvent(SQLModel, table=True):
    """One entry of a case's history; rows are only ever added."""

    __tablename__ = "counselling_case_event"
    __table_args__ = (Index("ix_counselling_case_event_case", "case_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="counselling_case.id")
    at: datetime = _now()
    actor_id: int | None = Field(default=None, foreign_key="user_account.id")
    action: str = Field(max_length=32)
    from_state: str | None = Field(default=None, max_length=16)
    to_state: str | None = Field(default=None, max_length=16)
    note: str | None = Field(default=None, sa_column=Column(Text))
    data: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))


class FamilyContact(SQLModel, table=True):
    """A family member of a worker whom counsellors involve."""

    __tablename__ = "family_contact"
    __table_args__ = (CheckConstraint("relation IN ('spouse','parent','child','sibling','other')", name="relation"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    relation: Relation = Field(sa_type=String(16))
    name: str = Field(max_length=64)
    phone: str = Field(max_length=32)
    note: str | None = Field(default=None, max_length=500)
    created_by_id: int = Field(foreign_key="user_account.id")
    created_at: datetime = _now()


class CounsellingSession(SQLModel, table=True):
    """One counselling session of a case: a talk, family visit, letter, meeting or study class."""

    __tablename__ = "counselling_session"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('talk','family_visit','family_letter','family_meeting','study_class')", name="kind"
        ),
        Index("ix_counselling_session_case_held", "case_id", "held_on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="counselling_case.id")
    kind: SessionKind = Field(sa_type=String(16))
    held_on: date
    participants: list[str] = Field(sa_column=Column(JSON, nullable=False))
    counsellor_id: int = Field(foreign_key="user_account.id")
    note: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = _now()


class FamilyAgreement(SQLModel, table=True):
    """The signed family help-education agreement (家庭安全帮教责任书) of a case, with an optional scan."""

    __tablename__ = "family_agreement"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="counselling_case.id", unique=True)
    signed_on: date
    family_contact_id: int = Field(foreign_key="family_contact.id")
    note: str | None = Field(default=None, sa_column=Column(Text))
    recorded_by_id: int = Field(foreign_key="user_account.id")
    recorded_at: datetime = _now()
    scan: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    scan_thumbnail: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    scan_width: int | None = None
    scan_height: int | None = None


class CaseAccess(SQLModel, table=True):
    """Who read which case when: every read of a case leaves a row."""

    __tablename__ = "counselling_access_log"
    __table_args__ = (Index("ix_counselling_access_log_case_at", "case_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="counselling_case.id")
    user_id: int = Field(foreign_key="user_account.id", index=True)
    at: datetime = _now()
    what: str = Field(max_length=16)
