"""Kiosk payloads against the shared schemas, and broker URLs."""

import json
from datetime import UTC, datetime

import pytest

from devices.kiosk.broker import BrokerAddress, protocol_of
from devices.kiosk.payloads import (
    SCHEMA_NAMES,
    InvalidPayload,
    Schemas,
    Topics,
    bulletin_read_payload,
    report_payload,
    status_payload,
)


@pytest.fixture(scope="module")
def schemas() -> Schemas:
    return Schemas.load()


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_every_schema_example_validates(schemas: Schemas, name: str) -> None:
    document = json.loads((schemas.directory / f"{name}.schema.json").read_text(encoding="utf-8"))
    for example in document["examples"]:
        schemas.validate(name, example)


def test_what_the_kiosk_sends_matches_the_schemas(schemas: Schemas) -> None:
    schemas.validate("kiosk-report", report_payload("顶板有裂缝", category="roof", employee_no="1001"))
    schemas.validate("kiosk-report", report_payload("只写描述"))
    schemas.validate("bulletin-read", bulletin_read_payload(7, "1001"))
    schemas.validate("kiosk-status", status_payload("offline", "1.0.0"))


def test_a_report_of_unsafe_behaviour_carries_when_and_who(schemas: Schemas) -> None:
    payload = report_payload("班长安排在未支护顶板下作业", behaviour_at=datetime(2026, 11, 24, 0, 40, tzinfo=UTC),
                             behaviour_person="王班长")
    schemas.validate("kiosk-report", payload)
    assert payload["behaviour_person"] == "王班长" and payload["behaviour_at"].startswith("2026-11-24")
    assert "behaviour_at" not in report_payload("顶板有裂缝")
    with pytest.raises(InvalidPayload):
        schemas.validate("kiosk-report", {**payload, "behaviour_person": ""})


def test_a_bad_field_is_named(schemas: Schemas) -> None:
    with pytest.raises(InvalidPayload) as caught:
        schemas.validate("kiosk-report", report_payload("x", category="不是代码"))
    assert caught.value.field == "category"
    with pytest.raises(InvalidPayload):
        schemas.parse("kiosk-ack", b"not json")


def test_a_schema_directory_can_be_given(tmp_path) -> None:
    with pytest.raises(FileNotFoundError):
        Schemas.load(tmp_path)


def test_broker_urls_are_read() -> None:
    assert BrokerAddress.parse("mqtt://k1:s%40cret@127.0.0.1:1884") == BrokerAddress("127.0.0.1", 1884, "k1", "s@cret")
    assert BrokerAddress.parse("mqtt://localhost") == BrokerAddress("localhost", 1883)
    assert BrokerAddress.parse("mqtts://k1:pw@broker.mine") == BrokerAddress("broker.mine", 8883, "k1", "pw", tls=True)
    assert "s@cret" not in str(BrokerAddress.parse("mqtt://k1:s%40cret@127.0.0.1"))
    for bad in ("http://x", "mqtt://", "mqtt://h:1/path", "embedded"):
        with pytest.raises(ValueError):
            BrokerAddress.parse(bad)
    with pytest.raises(ValueError):
        protocol_of("4")


def test_topics_follow_the_design() -> None:
    topics = Topics("tianchen", "k1")
    assert topics.report == "safety/tianchen/kiosk/k1/report"
    assert topics.bulletin == "safety/tianchen/bulletin"
    assert topics.bulletin_read == "safety/tianchen/kiosk/k1/bulletin-read"
    with pytest.raises(ValueError):
        Topics("tianchen", "k/1")
