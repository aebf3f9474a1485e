"""The embedded broker follows the kiosk table: a disabled, removed or rotated kiosk is refused at once and,
if connected, dropped within about a second."""

import threading
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from safety_service.database import session_scope
from safety_service.kiosks import service as kiosks_service
from tests.mqtt.clients import TestClient, wait_until
from tests.mqtt.test_broker import Running, add_kiosk, running  # noqa: F401  (registers that fixture here)


@pytest.fixture
def embedded(request: pytest.FixtureRequest) -> Running:
    """An embedded broker on a free port (test_broker's `running`)."""
    return request.getfixturevalue("running")


def _lets_in(broker: Running, kiosk_id: str, password: str) -> bool:
    client = TestClient(broker.url(kiosk_id, password), client_id=kiosk_id)
    try:
        return client.ready()
    finally:
        client.close()


def _change_while_connected(engine: Engine, broker: Running, change: Callable[..., Any]) -> tuple[str, str, Any]:
    """Connect a new kiosk, apply ``change(session, kiosk_id=...)`` and commit; the kiosk must be dropped.

    Returns the kiosk's id, its first password and what the change returned."""
    kiosk_id, password = add_kiosk(engine, broker)
    client = TestClient(broker.url(kiosk_id, password), client_id=kiosk_id)
    assert client.ready(), client.refused
    dropped = threading.Event()
    client.client.on_disconnect = lambda *args: dropped.set()
    with session_scope(engine) as session:
        result = change(session, kiosk_id=kiosk_id)
    assert dropped.wait(5), "the connected kiosk was not dropped"
    client.close()
    return kiosk_id, password, result


def test_a_disabled_kiosk_is_dropped_refused_and_let_in_again_once_enabled(engine: Engine, embedded: Running) -> None:
    kiosk_id, password, _ = _change_while_connected(engine, embedded, kiosks_service.disable_kiosk)
    assert not _lets_in(embedded, kiosk_id, password)
    with session_scope(engine) as session:
        kiosks_service.enable_kiosk(session, kiosk_id=kiosk_id)
    assert _lets_in(embedded, kiosk_id, password)


def test_after_rotation_the_old_password_is_refused_and_its_connection_dropped(engine: Engine,
                                                                              embedded: Running) -> None:
    rotate = partial(kiosks_service.rotate_credentials, site=embedded.site)
    kiosk_id, old, (_, credentials) = _change_while_connected(engine, embedded, rotate)
    assert not _lets_in(embedded, kiosk_id, old)
    assert _lets_in(embedded, kiosk_id, credentials.password)


def test_a_removed_kiosk_is_dropped_and_never_let_in(engine: Engine, embedded: Running) -> None:
    kiosk_id, password, _ = _change_while_connected(engine, embedded, kiosks_service.remove_kiosk)
    assert not wait_until(lambda: _lets_in(embedded, kiosk_id, password), timeout=2)


def test_a_kiosk_disabled_right_after_it_left_is_refused_at_once(engine: Engine, embedded: Running) -> None:
    kiosk_id, password = add_kiosk(engine, embedded)
    assert _lets_in(embedded, kiosk_id, password)
    with session_scope(engine) as session:
        kiosks_service.disable_kiosk(session, kiosk_id=kiosk_id)
    assert not _lets_in(embedded, kiosk_id, password)  # no credentials remembered from a moment ago
