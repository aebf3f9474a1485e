"""Per-kiosk credentials and ACL, enforced by a real Mosquitto started with the files the service writes."""

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session

from safety_service.kiosks import service as kiosks_service
from tests.kiosks.builders import make_kiosk
from tests.mqtt.clients import TestClient, wait_until
from tests.mqtt.mosquitto import Mosquitto

SITE = "tianchen"
SERVICE_PASSWORD = "service-password-for-tests"


@pytest.fixture
def broker(session: Session, tmp_path: Path) -> Iterator[tuple[Mosquitto, dict]]:
    (_, one_credentials), (_, two_credentials) = make_kiosk(session), make_kiosk(session)
    passwords, acl = tmp_path / "passwords", tmp_path / "acl"
    kiosks_service.write_broker_files(session, site=SITE, service_username="safety-service",
                                      service_password=SERVICE_PASSWORD, password_file=passwords, acl_file=acl)
    mosquitto = Mosquitto(tmp_path, password_file=passwords, acl_file=acl).start()
    yield mosquitto, {"one": one_credentials, "two": two_credentials}
    mosquitto.stop()


def _kiosk(mosquitto: Mosquitto, credentials) -> TestClient:
    client = TestClient(mosquitto.url(credentials.username, credentials.password), client_id=credentials.username)
    assert client.ready(), client.refused
    return client


def test_only_registered_kiosks_with_their_password_get_in(broker) -> None:
    mosquitto, kiosks = broker
    assert _kiosk(mosquitto, kiosks["one"]).ready()
    wrong = TestClient(mosquitto.url(kiosks["one"].username, "not-the-password"))
    assert not wrong.ready() and wrong.refused
    anonymous = TestClient(mosquitto.url())
    assert not anonymous.ready()


def test_a_kiosk_publishes_only_under_its_own_topics(broker) -> None:
    mosquitto, kiosks = broker
    service = TestClient(mosquitto.service_url("safety-service", SERVICE_PASSWORD))
    assert service.ready()
    service.subscribe(f"safety/{SITE}/kiosk/+/report")
    one = _kiosk(mosquitto, kiosks["one"])
    one.publish(kiosks["one"].report_topic, '{"own": true}')
    assert wait_until(lambda: service.on(kiosks["one"].report_topic))
    # Mosquitto may drop a 3.1.1 client after a refused publish, so send the forged one last, without waiting.
    one.client.publish(kiosks["two"].report_topic, '{"forged": true}', qos=1)
    time.sleep(0.5)  # give a forged message the time it would need to arrive
    assert service.on(kiosks["two"].report_topic) == []


def test_a_kiosk_reads_only_its_own_acks_and_the_bulletin(broker) -> None:
    mosquitto, kiosks = broker
    one, two = _kiosk(mosquitto, kiosks["one"]), _kiosk(mosquitto, kiosks["two"])
    one.subscribe(kiosks["one"].ack_topic)
    two.subscribe(kiosks["one"].ack_topic)
    two.subscribe(f"safety/{SITE}/bulletin")
    service = TestClient(mosquitto.service_url("safety-service", SERVICE_PASSWORD))
    assert service.ready()
    service.publish(kiosks["one"].ack_topic, '{"ack": 1}')
    service.publish(f"safety/{SITE}/bulletin", '{"bulletin": 1}', retain=True)
    assert wait_until(lambda: one.on(kiosks["one"].ack_topic) and two.on(f"safety/{SITE}/bulletin"))
    time.sleep(0.3)
    assert two.on(kiosks["one"].ack_topic) == []


def test_a_new_kiosk_gets_in_after_the_files_are_rewritten_and_the_broker_reloads(broker, session: Session,
                                                                                     tmp_path: Path) -> None:
    mosquitto, _ = broker
    _, credentials = make_kiosk(session)
    assert not TestClient(mosquitto.url(credentials.username, credentials.password)).ready()
    kiosks_service.write_broker_files(session, site=SITE, service_username="safety-service",
                                      service_password=SERVICE_PASSWORD, password_file=tmp_path / "passwords",
                                      acl_file=tmp_path / "acl")
    mosquitto.reload()
    assert _kiosk(mosquitto, credentials).ready()


def test_a_kiosk_sends_a_rating_only_on_its_own_rating_topic(broker) -> None:
    mosquitto, kiosks = broker
    service = TestClient(mosquitto.service_url("safety-service", SERVICE_PASSWORD))
    assert service.ready()
    service.subscribe(f"safety/{SITE}/kiosk/+/rating")
    own, forged = (f"safety/{SITE}/kiosk/{kiosks[name].username}/rating" for name in ("one", "two"))
    one = _kiosk(mosquitto, kiosks["one"])
    one.publish(own, '{"own": true}')
    assert wait_until(lambda: service.on(own))
    one.client.publish(forged, '{"forged": true}', qos=1)  # last, as above: Mosquitto may drop the client
    time.sleep(0.5)
    assert service.on(forged) == []


def test_the_acl_lets_kiosks_write_their_rating_topic() -> None:
    acl = kiosks_service.broker_acl(SITE, "safety-service")
    assert f"pattern write safety/{SITE}/kiosk/%u/rating" in acl.splitlines()
    assert f"pattern read safety/{SITE}/kiosk/%u/rating" not in acl
