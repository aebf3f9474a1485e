"""The reward ledger: a confirmed report earns its reporter points by grade, a closed major hazard a bonus.

Entries are only ever added. ``settle`` writes what a report has earned and not yet been given; the
unique key of each entry makes a second award, bonus, reversal or claim impossible even when two
requests race. An anonymous reporter's points are written when they claim them with the tracking code and
their employee number; the claim itself is a ledger entry (0 points) saying who claimed and when.
"""

import logging
from datetime import datetime
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, func, select

from safety_service.config import Settings
from safety_service.database import known
from safety_service.errors import DomainError, InvalidInput, InvalidTransition, NotFound
from safety_service.hazards import intake as hazards_intake
from safety_service.hazards.models import Hazard
from safety_service.hazards.states import Grade, HazardState
from safety_service.people.models import STAFF_ROLES, Person, User
from safety_service.rewards.models import EntryKind, RewardEntry
from safety_service.units import cuts
from safety_service.validation import broken_rules

logger = logging.getLogger(__name__)


def earned(hazard: Hazard, settings: Settings) -> list[tuple[EntryKind, int]]:
    """What a report has earned so far: an award once confirmed, a bonus once a major hazard is closed."""
    if hazard.confirmed_at is None or hazard.state == HazardState.rejected:
        return []
    major = hazard.grade == Grade.major
    items = [(EntryKind.award, settings.reward_major_points if major else settings.reward_general_points)]
    if major and hazard.state == HazardState.closed:
        items.append((EntryKind.bonus, settings.reward_major_bonus_points))
    return items


def entries_for(session: Session, *, hazard: Hazard) -> list[RewardEntry]:
    """The ledger entries of one report, oldest first."""
    return list(session.exec(select(RewardEntry).where(RewardEntry.hazard_id == hazard.id)
                             .order_by(col(RewardEntry.id))).all())


def beneficiary(session: Session, hazard: Hazard) -> str | None:
    """Whose points a report earns: the named reporter, or whoever claimed it; None for staff findings."""
    recorder = session.get(User, hazard.recorded_by_id) if hazard.recorded_by_id else None
    if recorder is not None and recorder.role in STAFF_ROLES:
        return None
    if hazard.reporter_employee_no:
        return hazard.reporter_employee_no
    return next((e.employee_no for e in entries_for(session, hazard=hazard) if e.kind == EntryKind.award), None)


def settle(session: Session, *, hazard: Hazard, settings: Settings, now: datetime,
           employee_no: str | None = None) -> int:
    """Write the points a report has earned and not yet been given; returns how many entries were added."""
    employee_no = employee_no or beneficiary(session, hazard)
    given = {e.kind for e in entries_for(session, hazard=hazard)}
    if employee_no is None or EntryKind.reversal in given:
        return 0
    rows = [{"kind": str(kind), "points": points, "employee_no": employee_no, "hazard_id": hazard.id,
             "unique_key": f"{kind}:{hazard.id}", "reason": None, "actor_id": None, "created_at": now}
            for kind, points in earned(hazard, settings) if kind not in given and points > 0]
    _insert_once(session, rows)
    if rows:
        logger.info("reward points awarded", extra={"ref": hazard.ref, "entries": len(rows)})
    return len(rows)


def _insert_once(session: Session, rows: list[dict[str, Any]]) -> int:
    """Insert the rows whose unique key is new; how many were inserted."""
    if not rows:
        return 0
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    result = session.exec(insert(RewardEntry).values(rows).on_conflict_do_nothing(index_elements=["unique_key"]))
    session.flush()
    return result.rowcount


def claim(session: Session, *, hazard: Hazard, employee_no: str, settings: Settings, now: datetime) -> Hazard:
    """An anonymous reporter takes their report's points: a ``claim`` entry names who, then the award follows."""
    if session.exec(select(Person.id).where(Person.employee_no == employee_no)).first() is None:
        raise InvalidInput("no employee with this number", field="employee_no")
    if hazard.reporter_employee_no or beneficiary(session, hazard):
        raise InvalidTransition("the points of this report already belong to someone", field="tracking_code")
    if not earned(hazard, settings):
        raise InvalidTransition("this report has not earned points (yet)", field="tracking_code")
    if settle(session, hazard=hazard, settings=settings, now=now, employee_no=employee_no) == 0:
        raise InvalidTransition("the points of this report were withdrawn", field="tracking_code")
    claimed = {"kind": str(EntryKind.claim), "points": 0, "employee_no": employee_no, "hazard_id": hazard.id,
               "unique_key": f"claim:{hazard.id}", "reason": None, "actor_id": None, "created_at": now}
    if _insert_once(session, [claimed]) == 0:  # a claim at the same moment came first
        raise InvalidTransition("the points of this report already belong to someone", field="tracking_code")
    return hazard


def reversal_problems(session: Session, *, values: dict[str, str]) -> list[DomainError]:
    """What refuses withdrawing the points of the typed report (none such, never confirmed, withdrawn already),
    beside the form's other errors."""
    return broken_rules({"ref": lambda ref: _reversible(session, _report(session, ref))}, values)


def payout_problems(session: Session, *, values: dict[str, Any]) -> list[DomainError]:
    """Every rule of a payout the given values break (an unknown employee, more points than the balance),
    each checked alone, so a form names them all at once."""
    no = values.get("employee_no")
    known = no if no and session.exec(select(Person.id).where(Person.employee_no == no)).first() else None
    return broken_rules({"employee_no": lambda no: _person(session, no),
                         "points": lambda points: _affordable(session, known, points)}, values)


def _report(session: Session, ref: str) -> Hazard:
    hazard = session.exec(select(Hazard).where(Hazard.ref == ref)).first()
    if hazard is None:
        raise NotFound(f"no hazard {ref!r}", field="ref")
    return hazard


def _reversible(session: Session, hazard: Hazard) -> list[RewardEntry]:
    if hazard.confirmed_at is None:
        raise InvalidTransition("this report was never confirmed and earned no points", field="ref")
    entries = entries_for(session, hazard=hazard)
    if any(e.kind == EntryKind.reversal for e in entries):
        raise InvalidTransition("this report's points were already withdrawn", field="ref")
    return entries


def _person(session: Session, employee_no: str, *, lock: bool = False) -> Person:
    query = select(Person).where(Person.employee_no == employee_no)
    person = session.exec(query.with_for_update() if lock else query).first()
    if person is None:
        raise InvalidInput(f"no employee {employee_no!r}", field="employee_no")
    return person


def _affordable(session: Session, employee_no: str | None, points: int) -> None:
    available = balance(session, employee_no=employee_no) if employee_no else points  # no one: nothing to weigh
    if points > available:
        raise InvalidInput(f"only {available} points are available", field="points")


def reverse(session: Session, *, hazard: Hazard, reason: str, actor: User, now: datetime) -> RewardEntry:
    """Withdraw a report's points with a reason: one entry taking back what was given (or blocking a claim)."""
    entries = _reversible(session, hazard)
    given = sum(e.points for e in entries)
    owner = next((e.employee_no for e in entries if e.employee_no), None)
    entry = RewardEntry(kind=EntryKind.reversal, points=-given, employee_no=owner, hazard_id=hazard.id,
                        unique_key=f"reversal:{hazard.id}", reason=reason, actor_id=actor.id, created_at=now)
    session.add(entry)
    session.flush()
    return entry


def payout(session: Session, *, employee_no: str, points: int, reason: str, actor: User,
           now: datetime) -> RewardEntry:
    """Pay points out (cash, goods); never more than the balance, even when two officers pay at once."""
    _person(session, employee_no, lock=True)
    _affordable(session, employee_no, points)
    entry = RewardEntry(kind=EntryKind.payout, points=-points, employee_no=employee_no, reason=reason,
                        actor_id=actor.id, created_at=now)
    session.add(entry)
    session.flush()
    return entry


def balance(session: Session, *, employee_no: str) -> int:
    """The sum of an employee's entries."""
    total = session.exec(select(func.sum(RewardEntry.points)).where(RewardEntry.employee_no == employee_no)).one()
    return int(total or 0)


def statement(session: Session, *, employee_no: str) -> list[tuple[RewardEntry, str | None]]:
    """An employee's entries, newest first, with the hazard reference of each."""
    query = (select(RewardEntry, Hazard.ref).join(Hazard, isouter=True)
             .where(RewardEntry.employee_no == employee_no).order_by(col(RewardEntry.id).desc()))
    return list(session.exec(query).all())


def owns_report(session: Session, *, employee_no: str, hazard: Hazard) -> bool:
    """Whether a report's points are this employee's (the proof a worker gives with a tracking code)."""
    return beneficiary(session, hazard) == employee_no or hazard.reporter_employee_no == employee_no


def reports_of(session: Session, *, tracking_codes: list[str]) -> list[Hazard]:
    """The reports these tracking codes name, oldest first (unknown codes are left out)."""
    codes = {hazards_intake.normalize_tracking_code(code) for code in tracking_codes}
    return list(session.exec(select(Hazard).where(col(Hazard.tracking_code).in_(codes)).order_by(col(Hazard.id))).all())


def proves_owner(session: Session, *, employee_no: str, tracking_codes: list[str]) -> bool:
    """Whether one of these tracking codes names a report whose points are this employee's."""
    return any(owns_report(session, employee_no=employee_no, hazard=hazard)
               for hazard in reports_of(session, tracking_codes=tracking_codes))


def balances(session: Session, *, unit: str | None = None, limit: int = 200) -> list[tuple[str, str | None, int]]:
    """Every employee with ledger entries (of the unit and the units under it, when asked): number, name and
    balance, highest balance first."""
    total = func.sum(RewardEntry.points)
    query = (select(RewardEntry.employee_no, Person.name, total)
             .join(Person, col(Person.employee_no) == RewardEntry.employee_no, isouter=True)
             .where(col(RewardEntry.employee_no).is_not(None))
             .group_by(col(RewardEntry.employee_no), col(Person.name))
             .order_by(total.desc(), col(RewardEntry.employee_no)).limit(limit))
    if unit is not None:
        query = query.where(col(RewardEntry.employee_no).in_(cuts.employee_numbers(cuts.coded(unit))))
    return [(known(number), name, int(points or 0)) for number, name, points in session.exec(query).all()]


def ledger(session: Session, *, employee_no: str | None = None, kind: EntryKind | None = None,
           unit: str | None = None, limit: int = 100,
           offset: int = 0) -> tuple[list[tuple[RewardEntry, str | None]], int]:
    """Ledger entries, newest first, with hazard references, and how many match; with ``unit`` (a checked code),
    only the entries of people of that unit and the units under it."""
    query = select(RewardEntry, Hazard.ref).join(Hazard, isouter=True)
    if employee_no is not None:
        query = query.where(RewardEntry.employee_no == employee_no)
    if unit is not None:
        query = query.where(col(RewardEntry.employee_no).in_(cuts.employee_numbers(cuts.coded(unit))))
    if kind is not None:
        query = query.where(RewardEntry.kind == kind)
    count = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(col(RewardEntry.id).desc()).limit(limit).offset(offset)).all()
    return list(rows), count


def claimable(session: Session, *, hazard: Hazard) -> bool:
    """Whether an anonymous reporter could claim this report's points now."""
    if hazard.confirmed_at is None or hazard.state == HazardState.rejected or hazard.reporter_employee_no:
        return False
    recorder = session.get(User, hazard.recorded_by_id) if hazard.recorded_by_id else None
    return (recorder is None or recorder.role not in STAFF_ROLES) and not entries_for(session, hazard=hazard)


def on_transition(session: Session, *, hazard: Hazard, settings: Settings) -> None:
    """Award what a confirmation or a closing has earned the reporter."""
    if hazard.state in (HazardState.confirmed, HazardState.closed):
        settle(session, hazard=hazard, settings=settings, now=hazard.updated_at)
