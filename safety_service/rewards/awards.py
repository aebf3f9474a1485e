"""Cash rewards per 安委〔2024〕7号 (事故隐患内部报告奖励): a scale, a proposal, a decision, a payment.

The safety office (an officer or the chief) proposes the award of a confirmed report at the scale's amount for its
grade and report type (another amount needs a note); the chief or the union (a counsellor account: the union's
帮教员) approves it or refuses it with a reason, never the one who proposed it; an officer records the payment
(method, who paid, when) to the named reporter, to whoever claimed an anonymous report, or to the bearer of the
report's tracking code, so an anonymous reporter can be paid without giving a name. One award per report: a
duplicate is rejected in the hazard workflow and never confirmed, so the first valid report is the one rewarded.
``_move`` is the only writer of an award's state.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from safety_service.clock import utc_now
from safety_service.database import known, saved_id
from safety_service.errors import InvalidInput, InvalidTransition, NotFound, PermissionDenied
from safety_service.hazards import intake as hazards_intake
from safety_service.hazards.models import Hazard
from safety_service.hazards.states import Grade, HazardState, ReportType
from safety_service.locations.models import Location, Site
from safety_service.outbox import service as outbox
from safety_service.outbox.models import OutboxMessage
from safety_service.people.models import STAFF_ROLES, Role, User
from safety_service.protocol import messages, retained
from safety_service.protocol.topics import awards_topic
from safety_service.rewards import service as points
from safety_service.rewards.models import AwardState, EntryKind, PayMethod, RewardAward, RewardScale
from safety_service.rewards.schemas import BoardAward
from safety_service.units import cuts

logger = logging.getLogger(__name__)
KIOSK_DAYS = 90  # the kiosks' public list covers the awards approved in this many days, as the /awards page
PROPOSERS = frozenset({Role.officer, Role.chief})
# The chief (安全副矿长) or the union; the union acts through its counsellors' accounts.
APPROVERS = frozenset({Role.chief, Role.counsellor})
PAYERS = frozenset({Role.officer, Role.chief, Role.admin})
READERS = PROPOSERS | APPROVERS | {Role.admin}
EDGES = {
    (AwardState.proposed, AwardState.approved): APPROVERS,
    (AwardState.proposed, AwardState.refused): APPROVERS,
    (AwardState.approved, AwardState.paid): PAYERS,
}


@dataclass(frozen=True)
class Payment:
    """How an approved award was paid; ``tracking_code`` when paid to the bearer of an anonymous report's code."""

    method: PayMethod
    note: str | None = None
    tracking_code: str | None = None
    shown_name: bool = False


def scale(session: Session) -> list[RewardScale]:
    """The whole scale, general before major, in the report types' order."""
    order = {kind: i for i, kind in enumerate(ReportType)}
    rows = session.exec(select(RewardScale)).all()
    return sorted(rows, key=lambda r: (r.grade != Grade.general, order.get(r.report_type, 99)))


def scale_amount(session: Session, *, grade: str, report_type: str) -> Decimal | None:
    """The scale's amount for a grade and report type."""
    return session.exec(select(col(RewardScale.amount)).where(RewardScale.grade == grade,
                                                          RewardScale.report_type == report_type)).first()


def set_scale(session: Session, *, grade: Grade, report_type: ReportType, amount: Decimal, actor: User,
              now: datetime) -> RewardScale:
    """Change one amount of the scale (admins); awards already proposed keep theirs."""
    row = session.exec(select(RewardScale).where(RewardScale.grade == grade,
                                                 RewardScale.report_type == report_type)).first()
    row = row or RewardScale(grade=grade, report_type=report_type, amount=amount)
    row.amount, row.updated_at, row.updated_by_id = amount, now, actor.id
    session.add(row)
    session.flush()
    logger.info("reward scale changed", extra={"grade": str(grade), "report_type": str(report_type),
                                               "amount": str(amount), "by": actor.username})
    return row


def _eligible(session: Session, hazard: Hazard) -> None:
    if hazard.confirmed_at is None or hazard.state == HazardState.rejected:
        raise InvalidTransition("only a confirmed report earns a reward (a duplicate never does)", field="ref")
    recorder = session.get(User, hazard.recorded_by_id) if hazard.recorded_by_id else None
    if recorder is not None and recorder.role in STAFF_ROLES:
        raise InvalidTransition("the safety office's own findings earn no reward", field="ref")
    if any(e.kind == EntryKind.reversal for e in points.entries_for(session, hazard=hazard)):
        raise InvalidTransition("this report's reward was withdrawn", field="ref")


def eligible(session: Session, hazard: Hazard) -> bool:
    """Whether a report may be given an award now (confirmed, a worker's, not withdrawn, none yet)."""
    try:
        _eligible(session, hazard)
    except InvalidTransition:
        return False
    return award_of(session, hazard=hazard) is None


def propose(session: Session, *, hazard: Hazard, actor: User, now: datetime, amount: Decimal | None = None,
            report_type: ReportType | None = None, note: str | None = None) -> RewardAward:
    """Propose the award of a confirmed report: the scale's amount, or another with a note."""
    if actor.role not in PROPOSERS:
        raise PermissionDenied(f"role '{actor.role}' may not propose rewards")
    _eligible(session, hazard)
    kind = report_type or hazard.report_type
    if kind is None:
        raise InvalidInput("the report has no report type; give one", field="report_type")
    grade = known(hazard.grade)  # a confirmed report has its grade
    standard = scale_amount(session, grade=grade, report_type=kind)
    amount = amount if amount is not None else standard
    if amount is None or amount <= 0:
        raise InvalidInput("the scale has no amount for this grade and report type; give one", field="amount")
    if amount != standard and not note:
        raise InvalidInput("an amount other than the scale's needs a note saying why", field="note")
    award = RewardAward(hazard_id=saved_id(hazard), grade=grade, report_type=kind, amount=amount,
                        proposed_by_id=saved_id(actor), proposed_at=now, proposal_note=note)
    try:
        with session.begin_nested():
            session.add(award)
            session.flush()
    except IntegrityError as exc:
        raise InvalidTransition("this report's reward was already proposed", field="ref") from exc
    logger.info("reward proposed", extra={"ref": hazard.ref, "amount": str(amount), "by": actor.username})
    return award


def _move(award: RewardAward, target: AwardState, *, actor: User, now: datetime) -> None:
    """The only writer of an award's state: checks the edge and the role, stamps who and when."""
    roles = EDGES.get((AwardState(award.state), target))
    if roles is None:
        raise InvalidTransition(f"an award that is {award.state} cannot become {target}", field="state")
    if actor.role not in roles:
        raise PermissionDenied(f"role '{actor.role}' may not make an award {target}")
    if target == AwardState.paid:
        award.paid_by_id, award.paid_at = actor.id, now
    else:
        if actor.id == award.proposed_by_id:
            raise PermissionDenied("whoever proposed an award may not decide it")
        award.decided_by_id, award.decided_at = actor.id, now
    award.state = target


def decide(session: Session, *, award: RewardAward, approved: bool, reason: str | None, actor: User,
           now: datetime) -> RewardAward:
    """Approve an award, or refuse it with a reason."""
    if not approved and not reason:
        raise InvalidInput("a refusal needs a reason", field="reason")
    _move(award, AwardState.approved if approved else AwardState.refused, actor=actor, now=now)
    award.decision_reason = reason
    session.add(award)
    session.flush()
    if approved:
        _publish(session, award, now=now)
    logger.info("reward decided", extra={"award_id": award.id, "approved": approved, "by": actor.username})
    return award


def pay(session: Session, *, award: RewardAward, payment: Payment, actor: User, now: datetime) -> RewardAward:
    """Record an approved award paid: to the reporter (or claimant), or to the bearer of the tracking code."""
    hazard = known(session.get(Hazard, award.hazard_id))
    payee = points.beneficiary(session, hazard)
    if payee is None:
        code = hazards_intake.normalize_tracking_code(payment.tracking_code or "")
        if code != hazard.tracking_code:
            raise InvalidInput("an anonymous report is paid to whoever shows its tracking code", field="tracking_code")
    _move(award, AwardState.paid, actor=actor, now=now)
    award.pay_method, award.pay_note, award.paid_to = payment.method, payment.note, payee
    if payment.shown_name and hazard.reporter_employee_no:  # consent given at the pay desk
        award.shown_name = True
    session.add(award)
    session.flush()
    _publish(session, award, now=now)
    logger.info("reward paid", extra={"award_id": award.id, "method": str(payment.method), "by": actor.username})
    return award


def consent(session: Session, *, hazard: Hazard, employee_no: str, shown: bool) -> RewardAward:
    """The reporter's own say whether the public list shows their name; an anonymous report stays anonymous."""
    award = award_of(session, hazard=hazard)
    if award is None:
        raise NotFound("this report has no reward", field="tracking_code")
    if not hazard.reporter_employee_no:
        raise InvalidTransition("an anonymous report's reward is never shown with a name", field="tracking_code")
    if hazard.reporter_employee_no != employee_no:
        raise NotFound("no report of this employee number has this tracking code", field="employee_no")
    award.shown_name = shown
    session.add(award)
    session.flush()
    _publish(session, award, now=utc_now())
    return award


def award_of(session: Session, *, hazard: Hazard) -> RewardAward | None:
    """The award of a report, if one was proposed."""
    return session.exec(select(RewardAward).where(RewardAward.hazard_id == hazard.id)).first()


def get_award(session: Session, *, award_id: int) -> RewardAward:
    """An award by id (404 when there is none)."""
    award = session.get(RewardAward, award_id)
    if award is None:
        raise NotFound(f"no award {award_id}", field="award_id")
    return award


def rewarded_in(unit: str) -> ColumnElement[bool]:
    """Whether an award (joined to its report) went to a person of this unit or of a unit under it: the named
    reporter, or whoever it was paid to (an anonymous reporter who claimed it)."""
    numbers = cuts.employee_numbers(cuts.coded(unit))
    return or_(col(Hazard.reporter_employee_no).in_(numbers), col(RewardAward.paid_to).in_(numbers))


def list_awards(session: Session, *, state: AwardState | None = None, unit: str | None = None, limit: int = 50,
                offset: int = 0) -> tuple[list[tuple[RewardAward, Hazard]], int]:
    """Awards, newest proposal first, with their reports, and how many match (of one unit's people when asked)."""
    query = select(RewardAward, Hazard).join(Hazard, col(Hazard.id) == RewardAward.hazard_id)
    if state is not None:
        query = query.where(RewardAward.state == state)
    if unit is not None:
        query = query.where(rewarded_in(unit))
    count = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(col(RewardAward.proposed_at).desc(), col(RewardAward.id).desc())
                        .limit(limit).offset(offset)).all()
    return list(rows), count


def register(session: Session, *, start: datetime, end: datetime,
             unit: str | None = None) -> list[tuple[RewardAward, Hazard]]:
    """The reward register (奖励台账): every award proposed in [start, end), oldest first (of one unit's people when
    asked)."""
    query = (select(RewardAward, Hazard).join(Hazard, col(Hazard.id) == RewardAward.hazard_id)
             .where(RewardAward.proposed_at >= start, RewardAward.proposed_at < end)
             .order_by(col(RewardAward.proposed_at), col(RewardAward.id)))
    if unit is not None:
        query = query.where(rewarded_in(unit))
    return list(session.exec(query).all())


def board(session: Session, *, since: datetime, limit: int = 20) -> list[tuple[RewardAward, Hazard]]:
    """The public list (奖励公示): approved and paid awards decided since ``since``, newest first."""
    query = (select(RewardAward, Hazard).join(Hazard, col(Hazard.id) == RewardAward.hazard_id)
             .where(col(RewardAward.state).in_([AwardState.approved, AwardState.paid]),
                    col(RewardAward.decided_at) >= since)
             .order_by(col(RewardAward.decided_at).desc(), col(RewardAward.id).desc()).limit(limit))
    return list(session.exec(query).all())


def shown_name(award: RewardAward, hazard: Hazard) -> str | None:
    """The name the public list may show: only a named reporter who agreed; never for an anonymous report."""
    return hazard.reporter_name if award.shown_name and hazard.reporter_employee_no else None


def board_lines(session: Session, *, days: int, timezone: str) -> list[BoardAward]:
    """The public list's lines: approved and paid awards of the last ``days`` days, no reference or code."""
    found = board(session, since=utc_now() - timedelta(days=days))
    places = dict(session.exec(select(Location.id, Location.name_zh)).all()) if found else {}
    zone = ZoneInfo(timezone)
    return [BoardAward(decided_on=known(a.decided_at).astimezone(zone).date(), location=places.get(h.location_id, ""),
                       grade=a.grade, report_type=a.report_type, amount=a.amount, name=shown_name(a, h))
            for a, h in found]


def kiosk_payload(session: Session, *, site: str, now: datetime) -> retained.Awards:
    """The ``awards/1`` message: the site's public list as the /awards page shows it (no reference or code, a name
    only with consent), for the kiosks' idle rotation."""
    site_id = session.exec(select(Site.id).where(Site.code == site)).first()
    found = [(a, h) for a, h in board(session, since=now - timedelta(days=KIOSK_DAYS)) if h.site_id == site_id]
    places = dict(session.exec(select(Location.id, Location.name_zh)).all()) if found else {}
    lines = [retained.AwardLine(decided_at=a.decided_at, location=places.get(h.location_id, ""), grade=a.grade,
                                report_type=a.report_type, amount=f"{a.amount:.2f}", name=shown_name(a, h))
             for a, h in found]
    return messages.awards(site=site, now=now, days=KIOSK_DAYS, lines=lines)


def _publish(session: Session, award: RewardAward, *, now: datetime) -> None:
    """Queue the public list of the award's site as the retained message on ``safety/{site}/awards``."""
    hazard = known(session.get(Hazard, award.hazard_id))
    site = known(session.get(Site, hazard.site_id))
    outbox.enqueue(session, awards_topic(site.code), kiosk_payload(session, site=site.code, now=now), now=now)


def ensure_published(session: Session, *, site: str, now: datetime,
                     broker_empty: bool = False) -> OutboxMessage | None:
    """At start: queue the public list when the kiosks never had the current one."""
    return outbox.ensure_retained(session, awards_topic(site), kiosk_payload(session, site=site, now=now),
                                  content="awards", now=now, broker_empty=broker_empty)
