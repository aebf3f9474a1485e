"""The reporter's rating from the kiosk, end to end on a real Mosquitto and the service's intake: the kiosk
learns its report was closed, the rating waits in the durable outbox while offline and goes out once."""

import sqlite3
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from devices.kiosk import ratings
from devices.kiosk.cli import cli
from devices.kiosk.client import KioskClient, KioskConfig
from devices.kiosk.outbox import PENDING, RATING, NewMessage, Outbox
from devices.kiosk.payloads import InvalidPayload, utc_now
from safety_service.config import Settings
from safety_service.database import session_scope
from safety_service.feedback.models import HazardRating
from safety_service.hazards import service as hazards_service
from safety_service.hazards.states import HazardState
from safety_service.locations import service as locations_service
from safety_service.locations.schemas import LocationCreate
from safety_service.mqtt.client import MqttService
from tests.conftest import make_settings
from tests.feedback.builders import advance
from tests.kiosks.builders import make_kiosk
from tests.mqtt.clients import wait_until
from tests.mqtt.mosquitto import Mosquitto


@dataclass
class Plant:
    site: str
    kiosk_id: str
    broker: Mosquitto
    engine: Engine


@pytest.fixture
def plant(settings: Settings, engine: Engine, tmp_path: Path) -> Iterator[Plant]:
    """A site of its own with one kiosk, a Mosquitto and the service's intake on it."""
    broker = Mosquitto(tmp_path / "mosquitto").start()
    site = f"rt{uuid.uuid4().hex[:8]}"
    with session_scope(engine) as session:  # the kiosk's location in the site, so the notices are this site's
        site_row = locations_service.ensure_site(session, code=site, name_zh="测试矿")
        location = locations_service.add_location(session, site=site_row, data=LocationCreate(
            code=f"L-{site}", name_zh="副井井口"))
        kiosk_id = make_kiosk(session, location=location, site=site)[0].kiosk_id
    service = MqttService(make_settings(settings.database_url, site=site, mqtt_url=broker.url(),
                                        mqtt_client_id=f"safety-{site}"), engine, relay_grace=0.2)
    service.start()
    try:
        assert service.connected.wait(10)
        yield Plant(site, kiosk_id, broker, engine)
    finally:
        service.stop()
        broker.stop()


def _kiosk(plant: Plant, tmp_path: Path) -> KioskClient:
    return KioskClient(KioskConfig(broker_url=plant.broker.url(), site=plant.site, kiosk_id=plant.kiosk_id,
                                   outbox_path=tmp_path / "kiosk.db", resend_interval=30, reconnect_max_delay=1)).start()


def _closed_report(plant: Plant, kiosk: KioskClient, description: str) -> str:
    """A report made at the kiosk, taken by the officers to closed; its hazard reference."""
    answer = kiosk.wait_done(kiosk.report(description, category="roof"), 20)
    assert answer is not None and answer.outcome == "accepted", answer
    with session_scope(plant.engine) as session:
        advance(session, hazards_service.get_hazard(session, ref=answer.hazard_ref), HazardState.closed)
    return answer.hazard_ref


def _ratings(plant: Plant, ref: str) -> list[tuple[str, str]]:
    with Session(plant.engine) as session:
        hazard = hazards_service.get_hazard(session, ref=ref)
        rows = session.exec(select(HazardRating).where(HazardRating.hazard_id == hazard.id)).all()
        return [(row.rating, row.channel) for row in rows]


def test_a_rating_made_offline_waits_in_the_outbox_and_goes_out_once_when_back(plant: Plant, tmp_path: Path) -> None:
    kiosk = _kiosk(plant, tmp_path)
    try:
        assert kiosk.wait_connected(10)
        ref = _closed_report(plant, kiosk, "副井井口防坠器锈蚀")
        assert wait_until(lambda: [r.hazard_ref for r in ratings.ratable(kiosk.outbox, now=utc_now())] == [ref],
                          timeout=20)
        [offered] = ratings.ratable(kiosk.outbox, now=utc_now())
        assert offered.description == "副井井口防坠器锈蚀" and offered.title["zh"] == "您举报的隐患已验收销号"
        plant.broker.stop()
        assert wait_until(lambda: not kiosk.connected, timeout=10)
        rating_id = kiosk.rate(ref, "basic")
        waiting = kiosk.outbox.get(rating_id)
        assert (waiting.kind, waiting.state, waiting.sent_count) == (RATING, PENDING, 0)
        assert ratings.ratable(kiosk.outbox, now=utc_now()) == []  # offered once, even before it is sent
        plant.broker.start()
        done = kiosk.wait_done(rating_id, 60)
        assert done is not None and (done.outcome, done.hazard_ref) == ("accepted", ref)
        assert done.sent_count >= 1  # resent on every reconnect until the ack (at least once) ...
        assert _ratings(plant, ref) == [("basic", "kiosk")]  # ... and counted once
        again = kiosk.wait_done(kiosk.rate(ref, "dissatisfied"), 20)  # a second worker at the same kiosk
        assert again is not None and again.outcome == "duplicate"
        assert _ratings(plant, ref) == [("basic", "kiosk")]
    finally:
        kiosk.stop()


def test_a_rating_of_an_open_report_is_refused_naming_the_field(plant: Plant, tmp_path: Path) -> None:
    kiosk = _kiosk(plant, tmp_path)
    try:
        answer = kiosk.wait_done(kiosk.report("皮带机尾护罩缺失"), 20)
        assert answer is not None
        refused = kiosk.wait_done(kiosk.rate(answer.hazard_ref, "satisfied"), 20)
        assert refused is not None and refused.state == "rejected"
        assert (refused.error["code"], refused.error["field"]) == ("invalid_state", "hazard_ref")
        assert _ratings(plant, answer.hazard_ref) == []
        with pytest.raises(InvalidPayload, match="rating"):
            kiosk.rate(answer.hazard_ref, "very_good")
    finally:
        kiosk.stop()


def _run(plant: Plant, outbox: Path, *args: str, broker: str | None = None) -> Result:
    base = ["--broker", broker or plant.broker.url(), "--site", plant.site, "--kiosk", plant.kiosk_id,
            "--outbox", str(outbox)]
    return CliRunner().invoke(cli, [*base, *args], catch_exceptions=False)


def test_the_command_lists_rates_and_says_when_a_hazard_was_rated_before(down_broker: str, plant: Plant, tmp_path: Path) -> None:
    outbox = tmp_path / "kiosk.db"
    kiosk = _kiosk(plant, tmp_path)
    try:
        ref = _closed_report(plant, kiosk, "主井井口信号灯不亮")
        assert wait_until(lambda: ratings.ratable(kiosk.outbox, now=utc_now()), timeout=20)
    finally:
        kiosk.stop()
    listed = _run(plant, outbox, "ratable")
    assert listed.exit_code == 0 and ref in listed.output and "已验收销号" in listed.output
    offline = _run(plant, outbox, "rate", ref, "满意", "--wait", "0.3", broker=down_broker)
    assert offline.exit_code == 2 and "will be resent when online" in offline.output, offline.output
    assert ref in _run(plant, outbox, "pending").output
    rated = _run(plant, outbox, "listen", "--seconds", "3")  # the next run sends what waited
    assert f"已评价隐患 {ref}：满意" in rated.output and "satisfied" in rated.output, rated.output
    twice = _run(plant, outbox, "rate", ref, "dissatisfied", "--wait", "20")
    assert twice.exit_code == 0 and "was rated before" in twice.output, twice.output
    assert _ratings(plant, ref) == [("satisfied", "kiosk")]
    assert "No closed hazards" in _run(plant, outbox, "ratable").output


@pytest.mark.parametrize(("args", "code", "said"), [
    (["YH-1", "very_good"], 2, "very_good"),  # click names the argument and its choices
    (["", "basic"], 1, "hazard_ref"),
    (["YH-" + "9" * 40, "basic"], 1, "hazard_ref"),
])
def test_bad_input_to_the_command_is_one_line_and_a_non_zero_exit(down_broker: str, tmp_path: Path, args: list[str], code: int,
                                                                   said: str) -> None:
    base = ["--broker", down_broker, "--site", "s", "--kiosk", "k", "--outbox",
            str(tmp_path / "o.db")]
    result = CliRunner().invoke(cli, [*base, "rate", *args, "--wait", "0"], catch_exceptions=False)
    assert result.exit_code == code and said in result.output, result.output


def test_an_outbox_file_from_before_ratings_keeps_its_rows_and_takes_ratings(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = sqlite3.connect(path)
    old.executescript("""
        CREATE TABLE outgoing (id INTEGER PRIMARY KEY AUTOINCREMENT,
            kind TEXT NOT NULL CHECK (kind IN ('report', 'bulletin_read')), key TEXT NOT NULL UNIQUE,
            topic TEXT NOT NULL, payload TEXT NOT NULL, created_at TEXT NOT NULL, sent_count INTEGER NOT NULL DEFAULT 0,
            last_sent_at TEXT, state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'acked', 'rejected')),
            outcome TEXT, hazard_ref TEXT, tracking_code TEXT, error TEXT, done_at TEXT,
            ack_count INTEGER NOT NULL DEFAULT 0);
        CREATE INDEX outgoing_state ON outgoing (state, id);
        INSERT INTO outgoing (kind, key, topic, payload, created_at, sent_count)
            VALUES ('report', 'r-1', 'safety/s/kiosk/k/report', '{"description": "风门损坏"}', '2026-12-01T00:00:00+00:00', 2);
    """)
    old.close()
    outbox = Outbox(path)
    try:
        [kept] = outbox.pending()
        assert (kept.key, kept.sent_count, kept.payload) == ("r-1", 2, {"description": "风门损坏"})
        outbox.add_many([NewMessage(RATING, "g-1", "safety/s/kiosk/k/rating", {"hazard_ref": "YH-1"})], at=utc_now())
        assert [m.kind for m in outbox.pending()] == ["report", RATING]
    finally:
        outbox.close()
    again = Outbox(path)  # opened again: nothing to change
    assert [m.key for m in again.pending()] == ["r-1", "g-1"]
    again.close()
