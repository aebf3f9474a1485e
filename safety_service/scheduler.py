"""The in-process scheduler: runs the idempotent jobs at an interval on a background thread, and delivers
the notification outbox on a second one every ``notify_poll_seconds`` (urgent reports cannot wait a minute)."""

import logging
import threading
import time
from collections.abc import Callable

from sqlalchemy.engine import Engine

from safety_service import reactions
from safety_service.board import scheduled as board_scheduled
from safety_service.bulletins import scheduled as bulletins_scheduled
from safety_service.clock import Clock, utc_now
from safety_service.config import Settings
from safety_service.counselling import scheduled as counselling_scheduled
from safety_service.database import session_scope
from safety_service.feedback import scheduled as feedback_scheduled
from safety_service.hazards import digest as hazards_digest
from safety_service.hazards import scheduled as hazards_scheduled
from safety_service.hazards import urgent as hazards_urgent
from safety_service.inspections import scheduled as inspections_scheduled
from safety_service.metrics import Metrics
from safety_service.notifications import outbox
from safety_service.scorecard import scheduled as scorecard_scheduled

logger = logging.getLogger(__name__)


class Scheduler:
    """Runs each job in its own unit of work; a failing job is logged and retried next tick."""

    def __init__(self, engine: Engine, settings: Settings, clock: Clock = utc_now,
                 metrics: Metrics | None = None) -> None:
        self.engine, self.settings, self.clock, self.metrics = engine, settings, clock, metrics
        reactions.wire(settings)  # the escalation sweep tells the areas' kiosks through them
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def jobs(self) -> list[tuple[str, Callable[..., int]]]:
        return [("warn_before_deadline", hazards_scheduled.warn_before_deadline),
                ("escalate_overdue", hazards_scheduled.escalate_overdue),
                ("escalate_unacknowledged_urgent", hazards_urgent.escalate_unacknowledged),
                ("daily_digest", hazards_digest.send_daily),
                ("flag_overdue_steps", feedback_scheduled.flag_overdue_steps),
                ("retire_expired_bulletins", bulletins_scheduled.retire_expired),
                ("mark_cases_for_review", counselling_scheduled.mark_review_due),
                ("remind_counselling_sessions", counselling_scheduled.remind_sessions_due),
                ("schedule_rounds", inspections_scheduled.schedule_rounds),
                ("ten_day_summary", scorecard_scheduled.send_ten_day_summary),
                ("refresh_boards", board_scheduled.refresh_boards)]

    def run_once(self) -> dict[str, int]:
        """Run every job once now; returns what each did."""
        done: dict[str, int] = {}
        for name, job in self.jobs():
            started = time.perf_counter()
            try:
                with session_scope(self.engine) as session:
                    done[name] = job(session, now=self.clock(), settings=self.settings)
            except Exception:
                logger.exception("scheduled job failed", extra={"job": name})
                done[name] = -1
            if self.metrics is not None:
                self.metrics.job_ran(name, seconds=time.perf_counter() - started, failed=done[name] == -1)
        return done

    def deliver_once(self) -> int:
        """Send the notifications due now; returns the messages sent (-1 when the run failed)."""
        try:
            return outbox.deliver_due(self.engine, settings=self.settings, now=self.clock(), stop=self._stop)
        except Exception:
            logger.exception("notification delivery failed")
            return -1

    def start(self) -> None:
        self._threads = [threading.Thread(target=self._loop, name="scheduler", daemon=True),
                         threading.Thread(target=self._deliver_loop, name="notify-delivery", daemon=True)]
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=10)

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.run_once()
            self._stop.wait(self.settings.scheduler_interval_seconds)

    def _deliver_loop(self) -> None:
        while not self._stop.is_set():
            self.deliver_once()
            self._stop.wait(self.settings.notify_poll_seconds)
