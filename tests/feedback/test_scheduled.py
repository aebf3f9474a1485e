"""Step time limits: triage and verification breaches are overdue events, once per breach, by an injected clock."""

from datetime import timedelta

from sqlmodel import Session, select

from safety_service.clock import utc_now
from safety_service.config import Settings
from safety_service.feedback import scheduled as feedback_scheduled
from safety_service.feedback.models import StepBreach
from safety_service.hazards import service as hazards_service
from safety_service.hazards.models import Hazard, HazardEvent
from safety_service.hazards.schemas import HazardRectified, HazardVerify
from safety_service.hazards.states import HazardState
from safety_service.people.models import Role, User
from tests.hazards.builders import make_hazard
from tests.people.builders import make_user


def _events(session: Session, hazard: Hazard) -> list[dict]:
    return [e.data for e in session.exec(select(HazardEvent).where(
        HazardEvent.hazard_id == hazard.id, HazardEvent.action == "step_overdue")).all()]


def _mine(session: Session, hazard: Hazard) -> int:
    return len(session.exec(select(StepBreach).where(StepBreach.hazard_id == hazard.id)).all())


def test_an_untriaged_report_is_overdue_once_after_the_triage_limit(session: Session, settings: Settings) -> None:
    start = utc_now() - timedelta(days=400)  # older than anything else in the test database
    hazard = make_hazard(session, now=start)
    just_before = start + timedelta(hours=settings.triage_hours) - timedelta(minutes=1)
    feedback_scheduled.flag_overdue_steps(session, now=just_before, settings=settings)
    assert _mine(session, hazard) == 0
    later = start + timedelta(hours=settings.triage_hours, minutes=1)
    feedback_scheduled.flag_overdue_steps(session, now=later, settings=settings)
    feedback_scheduled.flag_overdue_steps(session, now=later + timedelta(days=3), settings=settings)
    assert _mine(session, hazard) == 1
    assert [e["step"] for e in _events(session, hazard)] == ["triage"]


def test_each_unverified_fix_is_its_own_breach(session: Session, settings: Settings) -> None:
    start = utc_now() - timedelta(days=300)
    officer = make_user(session, role=Role.officer)
    hazard = make_hazard(session, state=HazardState.awaiting_verification, now=start, officer=officer,
                         deadline=start + timedelta(days=30))
    late = start + timedelta(hours=settings.verification_hours + 1)
    feedback_scheduled.flag_overdue_steps(session, now=late, settings=settings)
    hazards_service.verify(session, hazard=hazard, data=HazardVerify(passed=False, note="锚杆仍松动"),
                           actor=officer, now=late)
    owner = session.get(User, hazard.owner_id)
    hazards_service.mark_rectified(session, hazard=hazard, data=HazardRectified(note="再次整改"), actor=owner,
                                   now=late + timedelta(hours=1))
    feedback_scheduled.flag_overdue_steps(session, now=late + timedelta(hours=2), settings=settings)
    assert _mine(session, hazard) == 1
    feedback_scheduled.flag_overdue_steps(session, now=late + timedelta(hours=settings.verification_hours + 2),
                                          settings=settings)
    assert [e["step"] for e in _events(session, hazard)] == ["verification", "verification"]


def test_the_database_refuses_a_second_record_of_one_breach(session: Session) -> None:
    import pytest

    hazard, now = make_hazard(session), utc_now()
    session.add(StepBreach(hazard_id=hazard.id, step="triage", started_at=now, due_at=now))
    session.flush()
    with pytest.raises(Exception, match=r"(?i)unique"), session.begin_nested():
        session.add(StepBreach(hazard_id=hazard.id, step="triage", started_at=now, due_at=now))
        session.flush()


def test_the_tracking_page_says_when_a_step_ran_late(pages, session: Session, settings: Settings) -> None:
    start = utc_now() - timedelta(days=200)
    hazard = make_hazard(session, now=start)
    assert 'id="overdue"' not in pages.get(f"/t/{hazard.tracking_code}").text
    feedback_scheduled.flag_overdue_steps(session, now=utc_now(), settings=settings)
    assert "超过了规定时限" in pages.get(f"/t/{hazard.tracking_code}").text


def test_a_rejected_or_closed_report_explains_itself_in_plain_words(pages, session: Session) -> None:
    rejected, closed = make_hazard(session, state=HazardState.rejected), make_hazard(session, state=HazardState.closed)
    page = pages.get(f"/t/{rejected.tracking_code}").text
    assert 'id="explanation"' in page and "没有立案" in page and "不属实" in page
    page = pages.get(f"/t/{closed.tracking_code}", params={"lang": "en"}).text
    assert "closed after an on-site verification" in page and "验收合格" in page
