"""The in-process scheduler: runs the idempotent jobs at an interval on a background thread."""

import logging
import threading
from collections.abc import Callable

from sqlalchemy.engine import Engine

from safety_service.bulletins import scheduled as bulletins_scheduled
from safety_service.clock import Clock, utc_now
from safety_service.config import Settings
from safety_service.counselling import scheduled as counselling_scheduled
from safety_service.database import session_scope
from safety_service.feedback import scheduled as feedback_scheduled
from safety_service.hazards import scheduled as hazards_scheduled

logger = logging.getLogger(__name__)


class Scheduler:
    """Runs each job in its own unit of work; a failing job is logged and retried next tick."""

    def __init__(self, engine: Engine, settings: Settings, clock: Clock = utc_now) -> None:
        self.engine, self.settings, self.clock = engine, settings, clock
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def jobs(self) -> list[tuple[str, Callable[..., int]]]:
        return [("escalate_overdue", hazards_scheduled.escalate_overdue),
                ("flag_overdue_steps", feedback_scheduled.flag_overdue_steps),
                ("retire_expired_bulletins", bulletins_scheduled.retire_expired),
                ("mark_cases_for_review", counselling_scheduled.mark_review_due),
                ("remind_counselling_sessions", counselling_scheduled.remind_sessions_due)]

    def run_once(self) -> dict[str, int]:
        """Run every job once now; returns what each did."""
        done: dict[str, int] = {}
        for name, job in self.jobs():
            try:
                with session_scope(self.engine) as session:
                    done[name] = job(session, now=self.clock(), settings=self.settings)
            except Exception:
                logger.exception("scheduled job failed", extra={"job": name})
                done[name] = -1
        return done

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="scheduler", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.run_once()
            self._stop.wait(self.settings.scheduler_interval_seconds)
