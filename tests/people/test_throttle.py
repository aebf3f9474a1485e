"""Sign-in throttling: failures for one account or from one address slow sign-in, then stop it a while;
a success starts afresh; a flood of wrong passwords holds no report up."""

import statistics
import threading
import time
import uuid
from pathlib import Path

import httpx2 as httpx
import pytest
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from safety_service.config import Settings
from safety_service.hazards.models import Hazard
from safety_service.people.models import Role
from safety_service.people.throttle import FREE_FAILURES, SignInThrottle, SignInThrottled
from safety_service.qr import tokens
from tests.conftest import client_with
from tests.live import live_app
from tests.locations.builders import make_location
from tests.people.builders import PASSWORD, make_user


def test_failures_slow_then_refuse_until_the_lockout_passes_and_a_success_clears_them() -> None:
    now = [0.0]
    throttle = SignInThrottle(per_account=6, per_address=100, lockout_seconds=300, clock=lambda: now[0])
    keys = throttle.keys("Wang", "10.0.0.7")
    waits = [throttle.attempt(keys) for _ in range(6)]
    assert waits[:FREE_FAILURES] == [0.0] * FREE_FAILURES and 0 < waits[FREE_FAILURES] < waits[-1]
    with pytest.raises(SignInThrottled) as refused:
        throttle.attempt(throttle.keys("wang ", "10.0.0.8"))  # the same account from elsewhere
    assert refused.value.retry_after == 301
    now[0] = 300.0
    assert throttle.attempt(keys) == 0.0, "the lockout passed"
    throttle.attempt(keys)
    throttle.succeeded(keys)
    assert [throttle.attempt(keys) for _ in range(FREE_FAILURES)] == [0.0] * FREE_FAILURES


def test_one_address_trying_many_accounts_is_refused() -> None:
    throttle = SignInThrottle(per_account=100, per_address=5, lockout_seconds=60)
    for n in range(5):
        throttle.attempt(throttle.keys(f"user{n}", "10.0.0.9"))
    with pytest.raises(SignInThrottled):
        throttle.attempt(throttle.keys("user-new", "10.0.0.9"))
    assert throttle.attempt(throttle.keys("user-new", "10.0.0.10")) == 0.0


def test_the_api_answers_429_with_retry_after_and_a_success_resets(settings: Settings, engine: Engine,
                                                                    session: Session) -> None:
    user = make_user(session)
    with client_with(settings, engine, session, login_max_failures=FREE_FAILURES + 1) as client:
        def sign_in(password: str) -> httpx.Response:
            return client.post("/api/v1/auth/token", data={"username": user.username, "password": password})

        assert [sign_in("wrong").status_code for _ in range(FREE_FAILURES)] == [401] * FREE_FAILURES
        assert sign_in(PASSWORD).status_code == 200, "a success resets the count"
        assert [sign_in("wrong").status_code for _ in range(FREE_FAILURES + 1)] == [401] * (FREE_FAILURES + 1)
        refused = sign_in(PASSWORD)
        assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
        assert "too many failed sign-ins" in refused.json()["detail"]


FLOODERS = 16
REPORTS = 30


def _world(engine: Engine) -> None:
    with Session(engine) as session:
        make_location(session, code="PH-1")
        make_user(session, role=Role.officer, username="officer9")
        session.commit()


def test_a_flood_of_wrong_passwords_holds_no_report_up(settings: Settings, tmp_path: Path) -> None:
    """As measured on SQLite: 16 parallel wrong sign-ins (unthrottled here, as from many addresses) while
    QR reports come in; every report is stored and none waits past a second."""
    with live_app(settings, tmp_path, _world, login_max_failures=0, login_max_failures_per_address=0,
                  report_rate_per_minute=0, public_rate_per_minute=0) as (live, engine):
        base, path = live.public_url, "/r/" + tokens.sign(tokens.keyring(live), "PH-1")
        stop, attempts = threading.Event(), []
        _report(base, path)  # the first request of a process warms it up

        def flood() -> None:
            with httpx.Client(base_url=base, timeout=30) as client:
                while not stop.is_set() and len(attempts) < 5000:
                    answer = client.post("/api/v1/auth/token", data={"username": "officer9", "password": "wrong"})
                    attempts.append(answer.status_code)

        flooders = [threading.Thread(target=flood) for _ in range(FLOODERS)]
        for thread in flooders:
            thread.start()
        time.sleep(1.0)  # the flood is under way
        try:
            answers = [_report(base, path) for _ in range(REPORTS)]
        finally:
            stop.set()
            for thread in flooders:
                thread.join(60)
        with Session(engine) as session:
            stored = session.exec(select(func.count()).select_from(Hazard)).one()
    assert set(attempts) == {401} and len(attempts) > FLOODERS, "the flood ran"
    waits = [wait for _, wait in answers]
    assert [status for status, _ in answers] == [201] * REPORTS and stored == REPORTS + 1
    assert max(waits) < 1.0, f"median {statistics.median(waits):.3f} s, slowest {max(waits):.3f} s"


def _report(base: str, path: str) -> tuple[int, float]:
    """A QR report on a connection of its own, as from a phone: its status and how long it took."""
    with httpx.Client(base_url=base, timeout=30) as client:
        started = time.perf_counter()
        answer = client.post(path, data={"description": "皮带跑偏", "category": "transport",
                                         "client_report_id": str(uuid.uuid4())})
        return answer.status_code, time.perf_counter() - started
