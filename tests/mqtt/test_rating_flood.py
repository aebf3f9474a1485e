"""A flood on one kiosk's rating topic (kiosk-rating/1), through a real Mosquitto into the service's intake, is held
to what holds a flood of reports on its report topic: the broker lets the kiosk write only its own topics, the
intake answers every message once after its commit, a repeated id or a second rating of a hazard stores nothing
more (one rating per hazard, the first), nothing is dead-lettered, and another kiosk's report is taken meanwhile.
No rate limit per kiosk exists on either topic (docs/kiosk-protocol.md). Bounded in count and time."""

import json
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from safety_service.config import Settings
from safety_service.database import session_scope
from safety_service.feedback.models import HazardRating
from safety_service.hazards.models import Hazard
from safety_service.hazards.states import HazardState
from safety_service.kiosks import service as kiosks_service
from safety_service.mqtt.client import MqttService
from safety_service.mqtt.models import DeadLetter
from tests.conftest import make_settings
from tests.hazards.builders import make_hazard
from tests.kiosks.builders import make_kiosk
from tests.mqtt.clients import TestClient, wait_until
from tests.mqtt.mosquitto import Mosquitto
from tests.mqtt.test_client import _acks, report

HAZARDS, ROUNDS = 40, 5  # 200 ratings, each sent twice: 400 messages
SECONDS = 60  # the flood published and answered, at most
RATINGS = ("satisfied", "basic", "dissatisfied")


SERVICE_USER, SERVICE_PASSWORD = "safety-service", "service-password-for-flood-tests"


@contextmanager
def site_with_acl(engine: Engine, folder: Path) -> Iterator[tuple[str, Mosquitto, list, list[str]]]:
    """A site of its own: two kiosks, the first's closed reports, and a Mosquitto with the files the service writes
    (per-kiosk accounts and ACL)."""
    code = f"site{uuid.uuid4().hex[:8]}"
    with session_scope(engine) as session:
        kiosks = [make_kiosk(session, site=code) for _ in range(2)]
        refs = [make_hazard(session, state=HazardState.closed, kiosk=kiosks[0][0].kiosk_id).ref
                for _ in range(HAZARDS)]
        kiosks_service.write_broker_files(session, site=code, service_username=SERVICE_USER,
                                          service_password=SERVICE_PASSWORD, password_file=folder / "passwords",
                                          acl_file=folder / "acl")
    broker = Mosquitto(folder, password_file=folder / "passwords", acl_file=folder / "acl").start()
    try:
        yield code, broker, [credentials for _, credentials in kiosks], refs
    finally:
        broker.stop()


def _kiosk(broker: Mosquitto, site: str, credentials) -> TestClient:
    client = TestClient(broker.url(credentials.username, credentials.password), client_id=credentials.username)
    assert client.ready(), client.refused
    client.subscribe(f"safety/{site}/kiosk/{credentials.username}/ack")
    return client


def _rating(hazard_ref: str, rating_id: str, rating: str) -> str:
    return json.dumps({"schema": "kiosk-rating/1", "rating_id": rating_id, "hazard_ref": hazard_ref,
                       "rating": rating, "at": "2026-12-03T08:40:00+08:00"})


def test_a_flood_of_ratings_from_one_kiosk_is_held_as_reports_are(engine: Engine, settings: Settings,
                                                                   tmp_path: Path) -> None:
    with site_with_acl(engine, tmp_path) as (code, broker, (flooding, other), refs):
        flooder_id, other_id = flooding.username, other.username
        sent = [(ref, str(uuid.uuid4()), RATINGS[n % 3]) for n in range(ROUNDS) for ref in refs]
        service = MqttService(make_settings(settings.database_url, site=code, mqtt_client_id=f"safety-intake-{code}",
                                            mqtt_url=broker.service_url(SERVICE_USER, SERVICE_PASSWORD)), engine)
        service.start()
        try:
            assert service.connected.wait(10)
            kiosk, bystander = _kiosk(broker, code, flooding), _kiosk(broker, code, other)
            started, topic = time.monotonic(), f"safety/{code}/kiosk/{flooder_id}/rating"
            for ref, rating_id, rating in sent + sent:  # every message twice, as a kiosk resending after a reconnect
                kiosk.client.publish(topic, _rating(ref, rating_id, rating), qos=1)
            bystander.publish(f"safety/{code}/kiosk/{other_id}/report", report())
            assert wait_until(lambda: len(_acks(bystander, code, other_id)) >= 1, timeout=SECONDS)
            assert wait_until(lambda: len(_acks(kiosk, code, flooder_id)) >= 2 * len(sent), timeout=SECONDS)
            elapsed = time.monotonic() - started
            assert wait_until(lambda: service.pending_outbox() == 0, timeout=SECONDS)
            # Its own topics only: the broker drops a rating on another kiosk's topic (the ACL, as for reports).
            kiosk.client.publish(f"safety/{code}/kiosk/{other_id}/rating",
                                 _rating(refs[0], str(uuid.uuid4()), "basic"), qos=1)
            time.sleep(1.0)  # room for an answer too many to arrive
            acks, others = _acks(kiosk, code, flooder_id), _acks(bystander, code, other_id)
        finally:
            service.stop()
    assert elapsed < SECONDS and len(acks) == 2 * len(sent)
    assert [a["outcome"] for a in others] == ["accepted"]  # its report; the forged rating never reached the service
    answered = Counter(str(a["report_id"]) for a in acks)
    assert set(answered.values()) == {2} and len(answered) == len(sent)  # each message answered once
    accepted = {str(a["report_id"]) for a in acks if a["outcome"] == "accepted"}
    assert accepted == {rating_id for _, rating_id, _ in sent[:HAZARDS]}  # the first rating of each hazard
    assert {a["outcome"] for a in acks} == {"accepted", "duplicate"}
    with Session(engine) as session:
        stored = session.exec(select(Hazard.ref, HazardRating.rating).join(Hazard, col(Hazard.id) == HazardRating.hazard_id)
                              .where(col(Hazard.ref).in_(refs))).all()
        assert sorted(stored) == sorted((ref, rating) for ref, _, rating in sent[:HAZARDS])
        letters = session.exec(select(func.count()).select_from(DeadLetter)
                               .where(col(DeadLetter.kiosk_id).in_([flooder_id, other_id]))).one()
        assert letters == 0
