"""A test's app does not outlive it: a worker of the suite builds thousands, and the ones kept alive made
its heap grow to gigabytes and each full garbage collection take tens of seconds (tests/conftest.py)."""

import gc
import weakref

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from safety_service.config import Settings
from safety_service.main import create_app
from tests.conftest import let_apps_go


def _served_once(settings: Settings, engine: Engine) -> weakref.ref:
    app = create_app(settings, engine, run_scheduler=False, run_mqtt=False)
    with TestClient(app, base_url="https://testserver") as client:
        assert client.get("/console/login").status_code == 200
        assert client.get("/healthz").status_code == 200
    return weakref.ref(app)


def test_an_app_is_collected_once_its_test_lets_it_go(settings: Settings, engine: Engine) -> None:
    apps = [_served_once(settings, engine) for _ in range(3)]
    let_apps_go()
    gc.collect()
    assert [app() for app in apps] == [None, None, None]
