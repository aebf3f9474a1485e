"""The in-process scheduler runs the jobs in their own committed units of work, with its own clock."""

from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from safety_service.clock import utc_now
from safety_service.config import Settings
from safety_service.database import session_scope
from safety_service.hazards.models import Hazard, HazardEvent
from safety_service.hazards.states import HazardState
from safety_service.notifications.models import Notification
from safety_service.scheduler import Scheduler
from tests.hazards.builders import make_hazard
from tests.history import history_unlocked


def test_run_once_commits_each_step_and_a_second_scheduler_adds_nothing(engine: Engine, settings: Settings) -> None:
    start = utc_now()
    with session_scope(engine) as session:
        hazard = make_hazard(session, state=HazardState.rectifying, now=start, deadline=start + timedelta(hours=1))
        hazard_id = hazard.id
    try:
        later = lambda: start + timedelta(hours=2)
        first, second = Scheduler(engine, settings, clock=later), Scheduler(engine, settings, clock=later)
        assert first.run_once()["escalate_overdue"] >= 1
        assert second.run_once()["escalate_overdue"] == 0
        with Session(engine) as session:
            steps = session.exec(select(HazardEvent).where(
                HazardEvent.hazard_id == hazard_id, HazardEvent.action == "escalated")).all()
            assert len(steps) == 1
    finally:
        with session_scope(engine) as session:
            session.exec(delete(Notification).where(Notification.hazard_id == hazard_id))
            with history_unlocked(session, "hazard_event"):
                session.exec(delete(HazardEvent).where(HazardEvent.hazard_id == hazard_id))
            session.exec(delete(Hazard).where(Hazard.id == hazard_id))


def test_a_failing_job_is_reported_and_does_not_stop_the_scheduler(engine: Engine, settings: Settings) -> None:
    class Broken(Scheduler):
        def jobs(self):
            def boom(session, **_):
                raise RuntimeError("job failed")
            return [("broken", boom), *super().jobs()]

    done = Broken(engine, settings, clock=utc_now).run_once()
    assert done["broken"] == -1 and done["escalate_overdue"] >= 0
