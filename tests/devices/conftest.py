"""Fixtures for the kiosk tests: a unique site, the stand-in service, and kiosks that are always stopped."""

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from devices.kiosk import KioskClient, KioskConfig
from tests.devices.service import BROKER_URL, FakeService, clear_retained, new_site
from tests.mqtt.mosquitto import refused_port


@pytest.fixture
def site() -> str:
    return new_site()


@pytest.fixture
def down_broker() -> Iterator[str]:
    """The URL of a broker that is down for the whole test (``refused_port``)."""
    with refused_port() as port:
        yield f"mqtt://127.0.0.1:{port}"


@pytest.fixture
def kiosk_id(site: str) -> str:
    """A kiosk id (= MQTT client id) no other test or concurrent run uses, so sessions never collide."""
    return f"k1-{site}"


@pytest.fixture
def service(site: str) -> Iterator[FakeService]:
    fake = FakeService(site).start()
    yield fake
    fake.stop()


@pytest.fixture
def make_kiosk(site: str, kiosk_id: str, tmp_path: Path) -> Iterator[Callable[..., KioskClient]]:
    """Build and start a kiosk (the test's ``kiosk_id``, outbox kiosk.db in tmp_path); stopped after the test."""
    started: list[KioskClient] = []

    def make(*, broker_url: str = BROKER_URL, outbox: Path | None = None,
             start: bool = True, callbacks: dict[str, Any] | None = None, **options: Any) -> KioskClient:
        config = KioskConfig(broker_url=broker_url, site=site, kiosk_id=kiosk_id,
                             outbox_path=outbox or tmp_path / "kiosk.db", **options)
        kiosk = KioskClient(config, **(callbacks or {}))
        started.append(kiosk)
        return kiosk.start() if start else kiosk

    yield make
    for kiosk in started:
        if not kiosk.stopped:
            kiosk.stop(timeout=2)
    clear_retained([f"safety/{site}/kiosk/{kiosk.config.kiosk_id}/status" for kiosk in started])
