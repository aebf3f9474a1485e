"""The help-education jobs: observation periods that ended are marked for review; sessions due are reminded.

Both are idempotent: the stamp they leave on the case (``review_due_at``, ``session_reminded_for``)
makes each mark and each reminder happen once, however often and on however many instances
the job runs.
"""

import logging
from datetime import datetime

from sqlmodel import Session, col, or_, select

from safety_service.clock import as_utc
from safety_service.config import Settings
from safety_service.counselling import effects
from safety_service.counselling.events import append_event
from safety_service.counselling.models import CounsellingCase
from safety_service.counselling.states import CaseState
from safety_service.database import known

logger = logging.getLogger(__name__)
BATCH = 500


def mark_review_due(session: Session, *, now: datetime, settings: Settings) -> int:
    """Mark every case whose observation ended without a repeat violation for review; returns how many."""
    query = (select(CounsellingCase)
             .where(CounsellingCase.state == CaseState.observation, col(CounsellingCase.review_due_at).is_(None),
                    col(CounsellingCase.observation_ends_at) <= now)
             .order_by(col(CounsellingCase.observation_ends_at)).limit(BATCH).with_for_update(skip_locked=True))
    cases = session.exec(query).all()
    for case in cases:
        ends = as_utc(known(case.observation_ends_at)).isoformat()
        case.review_due_at = now
        session.add(case)
        append_event(session, case, action="review_due", actor=None, now=now, data={"observation_ended": ends})
        effects.notify(session, case, "case_review_due", actor=None, observation_ended=ends)
        logger.info("counselling case due for review", extra={"case_id": case.id, "observation_ended": ends})
    session.flush()
    return len(cases)


def remind_sessions_due(session: Session, *, now: datetime, settings: Settings) -> int:
    """Remind the counsellor once of each session that has fallen due; returns how many reminders."""
    query = (select(CounsellingCase)
             .where(col(CounsellingCase.state).in_([CaseState.planned, CaseState.counselling]),
                    col(CounsellingCase.next_session_due_at) <= now,
                    or_(col(CounsellingCase.session_reminded_for).is_(None),
                        col(CounsellingCase.session_reminded_for) < CounsellingCase.next_session_due_at))
             .order_by(col(CounsellingCase.next_session_due_at)).limit(BATCH).with_for_update(skip_locked=True))
    cases = session.exec(query).all()
    for case in cases:
        due = as_utc(known(case.next_session_due_at)).isoformat()
        case.session_reminded_for = case.next_session_due_at
        session.add(case)
        append_event(session, case, action="session_due", actor=None, now=now, data={"due": due})
        effects.notify(session, case, "case_session_due", actor=None, due=due)
    session.flush()
    return len(cases)
