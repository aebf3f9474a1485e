"""Workers' reports of unsafe behaviour (人的不安全行为, incl. 违章指挥; 安委〔2024〕7号) turned into violations.

A behaviour report is a hazard report with ``report_type`` unsafe_act and ``behaviour_at`` set at intake (what,
where, when, the person's name optional). A supervisor or officer records it as a violation (三违) of the
worker they identify, or rejects it with a reason; one decision per report. The violation carries no link to
the report (``hazard_id`` stays empty), so nobody who reads the violation or its case can reach the reporter.
"""

import logging
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import CheckConstraint, Column, String, Text
from sqlmodel import Field, Session, SQLModel, col, func, select

from safety_service.config import Settings
from safety_service.counselling import items, violations
from safety_service.counselling.models import Violation
from safety_service.counselling.states import VIOLATION_RECORDERS, ViolationKind
from safety_service.counselling.violation_schemas import ViolationCreate
from safety_service.database import UTCDateTime, known, saved_id
from safety_service.errors import DomainError, InvalidTransition, NotFound, PermissionDenied
from safety_service.hazards.models import Hazard
from safety_service.hazards.states import ReportType
from safety_service.locations.models import Location
from safety_service.people.models import User
from safety_service.validation import MAX_ROW_ID, broken_rules, whole_number

if TYPE_CHECKING:
    from safety_service.counselling.behaviour_schemas import BehaviourToViolation

logger = logging.getLogger(__name__)


class Outcome(StrEnum):
    pending = "pending"
    violation = "violation"
    rejected = "rejected"


class BehaviourDecision(SQLModel, table=True):
    """What became of one behaviour report: a violation record or a rejection with its reason."""

    __tablename__ = "behaviour_decision"
    __table_args__ = (CheckConstraint("outcome IN ('violation','rejected')", name="outcome"),)

    id: int | None = Field(default=None, primary_key=True)
    hazard_id: int = Field(foreign_key="hazard.id", unique=True)
    outcome: Outcome = Field(sa_type=String(16))
    violation_id: int | None = Field(default=None, foreign_key="violation.id")
    reason: str | None = Field(default=None, sa_column=Column(Text))
    decided_by_id: int = Field(foreign_key="user_account.id")
    decided_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


def _check(user: User) -> None:
    if user.role not in VIOLATION_RECORDERS:
        raise PermissionDenied(f"role '{user.role}' may not decide behaviour reports")


def get_report(session: Session, *, ref: str) -> Hazard:
    """The behaviour report with this reference (404 for any other hazard)."""
    hazard = session.exec(select(Hazard).where(Hazard.ref == ref.strip().upper())).first()
    if hazard is None or hazard.behaviour_at is None:
        raise NotFound(f"no behaviour report {ref!r}", field="ref")
    return hazard


def decision_of(session: Session, *, hazard: Hazard) -> BehaviourDecision | None:
    """The report's decision, if it has one."""
    return session.exec(select(BehaviourDecision).where(BehaviourDecision.hazard_id == hazard.id)).first()


def list_reports(session: Session, *, user: User, outcome: Outcome | None = None, limit: int = 50,
                 offset: int = 0) -> tuple[list[tuple[Hazard, Location, BehaviourDecision | None]], int]:
    """Behaviour reports, newest first, with their place and decision; only for those who record violations."""
    _check(user)
    query = (select(Hazard, Location, BehaviourDecision)
             .join(Location, col(Location.id) == Hazard.location_id)
             .join(BehaviourDecision, col(BehaviourDecision.hazard_id) == Hazard.id, isouter=True)
             .where(col(Hazard.behaviour_at).is_not(None)))
    if outcome == Outcome.pending:
        query = query.where(col(BehaviourDecision.id).is_(None))
    elif outcome is not None:
        query = query.where(BehaviourDecision.outcome == outcome)
    count = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(col(Hazard.reported_at).desc(), col(Hazard.id).desc())
                        .limit(limit).offset(offset)).all()
    return list(rows), count


def violation_input(session: Session, *, hazard: Hazard, data: "BehaviourToViolation") -> ViolationCreate:
    """The violation a decision records: the decider's worker and kind, the report's place, and its time and
    words unless the decider corrected them; never the report itself."""
    location = known(session.get(Location, hazard.location_id))
    return ViolationCreate(employee_no=data.employee_no, kind=data.kind, severity=data.severity,
                           item_id=data.item_id, measures=data.measures, location_code=location.code,
                           occurred_at=data.occurred_at or known(hazard.behaviour_at),
                           description=data.description or hazard.description)


def input_problems(session: Session, *, values: dict[str, Any], now: datetime) -> list[DomainError]:
    """Every rule the typed decision breaks, each checked alone (an unknown worker, a time ahead of now, an entry
    of the standard list not of the chosen kind), so a form names them all at once."""
    problems = violations.input_problems(session, values={k: values.get(k) for k in ("employee_no", "occurred_at")},
                                         now=now)
    kind, item_id = values.get("kind"), whole_number(str(values.get("item_id") or ""), high=MAX_ROW_ID)
    if kind in set(ViolationKind) and item_id is not None:
        problems += broken_rules({"item_id": lambda given: items.item_for(session, item_id=given, kind=kind)},
                                 {"item_id": item_id})
    return problems


def to_violation(session: Session, *, hazard: Hazard, data: "BehaviourToViolation", actor: User,
                 settings: Settings, now: datetime) -> Violation:
    """Record the report as a violation of the worker the decider identified; never linked to the report."""
    _check(actor)
    _undecided(session, hazard)
    record = violation_input(session, hazard=hazard, data=data)
    violation = violations.record_violation(session, data=record, actor=actor, settings=settings, now=now)
    session.add(BehaviourDecision(hazard_id=saved_id(hazard), outcome=Outcome.violation, violation_id=violation.id,
                                  decided_by_id=saved_id(actor), decided_at=now))
    session.flush()
    logger.info("behaviour report recorded as violation", extra={"ref": hazard.ref, "violation_id": violation.id})
    return violation


def reject(session: Session, *, hazard: Hazard, reason: str, actor: User, now: datetime) -> BehaviourDecision:
    """Reject the report with a reason (not the behaviour described, or not enough to identify it)."""
    _check(actor)
    _undecided(session, hazard)
    decision = BehaviourDecision(hazard_id=saved_id(hazard), outcome=Outcome.rejected, reason=reason,
                                 decided_by_id=saved_id(actor), decided_at=now)
    session.add(decision)
    session.flush()
    logger.info("behaviour report rejected", extra={"ref": hazard.ref})
    return decision


def _undecided(session: Session, hazard: Hazard) -> None:
    if decision_of(session, hazard=hazard) is not None:
        raise InvalidTransition("this behaviour report was already decided", field="ref")


def is_behaviour(hazard: Hazard) -> bool:
    """Whether a hazard is a worker's report of unsafe behaviour."""
    return hazard.behaviour_at is not None and hazard.report_type == ReportType.unsafe_act
