"""Violations (三违), counselling cases with their history, families, sessions, agreements, access log."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Column, Index, Integer, LargeBinary, String, Text
from sqlmodel import Field, SQLModel

from safety_service.clock import utc_now
from safety_service.counselling.states import (
    CaseState,
    FamilyVisitKind,
    MeasureKind,
    MentorRole,
    MessageState,
    Relation,
    SessionKind,
    ViolationKind,
    ViolationSeverity,
)
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
    # 一帮一: a mentor from the worker's own unit beside the union counsellor.
    mentor_person_id: int | None = Field(default=None, foreign_key="person.id")
    mentor_role: MentorRole | None = Field(default=None, sa_type=String(16))
    # A referral to the mine's counselling station (心理疏导站): only the date, never clinical content.
    referred_on: date | None = None
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


class CounsellorUnit(SQLModel, table=True):
    """A counsellor who leads the counsellors of a unit (team) sees that unit's cases besides their own."""

    __tablename__ = "counsellor_unit"
    __table_args__ = (Index("ix_counsellor_unit_user_team", "user_id", "team", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id")
    team: str = Field(max_length=64)


class ViolationItem(SQLModel, table=True):
    """One entry of the mine's standard list of violations (三违界定标准) with its default severity and measures."""

    __tablename__ = "violation_item"
    __table_args__ = (
        CheckConstraint("kind IN ('illegal_command','illegal_operation','labour_discipline')", name="kind"),
        CheckConstraint("severity IN ('general','serious','irregular')", name="severity"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: ViolationKind = Field(sa_type=String(32))
    title: str = Field(max_length=200, unique=True)
    severity: ViolationSeverity = Field(sa_type=String(16))
    fine_yuan: int = 0
    study_days: int = 0
    talk: bool = False
    suspension_days: int = 0
    active: bool = True


class Violation(SQLModel, table=True):
    """One safety violation (三违) of a worker, as recorded by a supervisor or officer."""

    __tablename__ = "violation"
    __table_args__ = (
        CheckConstraint("kind IN ('illegal_command','illegal_operation','labour_discipline')", name="kind"),
        CheckConstraint("severity IN ('general','serious','irregular')", name="severity"),
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
    severity: ViolationSeverity = Field(default=ViolationSeverity.general, sa_type=String(16))
    item_id: int | None = Field(default=None, foreign_key="violation_item.id")
    repeat: bool = False


class ViolationMeasure(SQLModel, table=True):
    """One measure taken on a violation (fine, study class, talk, suspension) and when it was completed."""

    __tablename__ = "violation_measure"
    __table_args__ = (
        CheckConstraint("kind IN ('fine','study_class','talk','suspension')", name="kind"),
        CheckConstraint("amount >= 0", name="amount"),
        Index("ix_violation_measure_violation", "violation_id", "kind", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    violation_id: int = Field(foreign_key="violation.id")
    kind: MeasureKind = Field(sa_type=String(16))
    # Yuan for a fine, days for a study class or a suspension, 0 for a talk.
    amount: int = 0
    completed_at: datetime | None = _at()
    completed_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    note: str | None = Field(default=None, max_length=500)


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
    # When the worker agreed to this family member's registration (None: before consent was recorded).
    worker_consent_at: datetime | None = _at()


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


class SignedDocument(SQLModel):
    """A document the family signs for a case, with an optional scan: the fields both kinds share."""

    case_id: int = Field(foreign_key="counselling_case.id", unique=True)
    signed_on: date
    family_contact_id: int = Field(foreign_key="family_contact.id")
    note: str | None = Field(default=None, sa_type=Text)
    recorded_by_id: int = Field(foreign_key="user_account.id")
    recorded_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime, nullable=False)
    scan: bytes | None = Field(default=None, sa_type=LargeBinary)
    scan_thumbnail: bytes | None = Field(default=None, sa_type=LargeBinary)
    scan_width: int | None = None
    scan_height: int | None = None


class FamilyAgreement(SignedDocument, table=True):
    """The signed family help-education agreement (家庭安全帮教责任书) of a case, with an optional scan."""

    __tablename__ = "family_agreement"

    id: int | None = Field(default=None, primary_key=True)


class FamilyGuarantee(SignedDocument, table=True):
    """The family co-guarantee (家属联保书): the family undertakes to help supervise the worker's safe conduct."""

    __tablename__ = "family_guarantee"

    id: int | None = Field(default=None, primary_key=True)


class FamilyLink(SQLModel, table=True):
    """A family co-supervisor's (家属协管员) phone link to a case: signed, expiring, revocable, no password.

    The link carries the row id, the expiry and an HMAC over them and the row's secret nonce; what the
    family sees of the case is only what the worker agreed to share (the ``share_*`` flags).
    """

    __tablename__ = "family_link"
    __table_args__ = (Index("ix_family_link_case", "case_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="counselling_case.id")
    family_contact_id: int = Field(foreign_key="family_contact.id")
    nonce: str = Field(max_length=64)
    share_stage: bool = True
    share_plan: bool = False
    share_sessions: bool = False
    issued_by_id: int = Field(foreign_key="user_account.id")
    issued_at: datetime = _now()
    expires_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    revoked_at: datetime | None = _at()
    revoked_by_id: int | None = Field(default=None, foreign_key="user_account.id")


class FamilyVisit(SQLModel, table=True):
    """A family visit or talk with the worker, recorded by the family co-supervisor through their link."""

    __tablename__ = "family_visit"
    __table_args__ = (
        CheckConstraint("kind IN ('visit','talk')", name="kind"),
        Index("ix_family_visit_case_held", "case_id", "held_on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="counselling_case.id")
    link_id: int = Field(foreign_key="family_link.id")
    family_contact_id: int = Field(foreign_key="family_contact.id")
    kind: FamilyVisitKind = Field(sa_type=String(8))
    held_on: date
    note: str = Field(max_length=500)
    created_at: datetime = _now()


class FamilyMessage(SQLModel, table=True):
    """A family message (亲情寄语) with an optional photo; on the kiosks only with the family's consent.

    ``state``: ``pending`` until a counsellor lets it show, ``shown`` on the kiosks' idle rotation,
    ``withdrawn`` by the family or a counsellor (off the kiosks at the next publish).
    """

    __tablename__ = "family_message"
    __table_args__ = (
        CheckConstraint("state IN ('pending','shown','withdrawn')", name="state"),
        Index("ix_family_message_state", "state", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="counselling_case.id", index=True)
    family_contact_id: int = Field(foreign_key="family_contact.id")
    link_id: int | None = Field(default=None, foreign_key="family_link.id")
    text: str = Field(max_length=140)
    signature: str = Field(max_length=32)
    kiosk_consent: bool = False
    state: MessageState = Field(default=MessageState.pending, sa_type=String(16))
    photo: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    photo_thumbnail: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    created_at: datetime = _now()
    reviewed_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    reviewed_at: datetime | None = _at()


class CaseAccess(SQLModel, table=True):
    """Who read which case when: every read of a case leaves a row."""

    __tablename__ = "counselling_access_log"
    __table_args__ = (Index("ix_counselling_access_log_case_at", "case_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="counselling_case.id")
    user_id: int = Field(foreign_key="user_account.id", index=True)
    at: datetime = _now()
    what: str = Field(max_length=16)
