"""The kiosk client against the real Mosquitto, with the test playing the service."""

import signal
import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import MQTTErrorCode

from devices.kiosk import Outbox
from devices.kiosk.payloads import InvalidPayload
from tests.devices.service import FakeService, ack_for, read_retained, report_ids, wait_until


def test_a_report_is_acked_with_its_hazard_ref(service: FakeService, make_kiosk) -> None:
    acks: list[Any] = []
    kiosk = make_kiosk(callbacks={"on_ack": acks.append})
    report_id = kiosk.report("3102运输顺槽顶板有裂缝", category="roof", location_code="RW-3102",
                             employee_no="1001", name="张伟")
    assert kiosk.wait_all_acked(20)
    [receipt] = kiosk.receipts()
    assert (receipt.key, receipt.state, receipt.outcome) == (report_id, "acked", "accepted")
    assert receipt.hazard_ref == f"YH-2026-{report_id[:8].upper()}" and receipt.tracking_code
    assert [ack.key for ack in acks] == [report_id]
    assert service.reports[0]["reporter_name"] == "张伟" and service.reports[0]["category"] == "roof"


def test_a_report_made_offline_is_committed_and_pending(down_broker: str, make_kiosk, tmp_path: Path) -> None:
    kiosk = make_kiosk(broker_url=down_broker)
    report_id = kiosk.report("皮带机急停拉线失效")
    assert not kiosk.connected
    [pending] = kiosk.pending()
    assert (pending.key, pending.state, pending.sent_count) == (report_id, "pending", 0)
    other = Outbox(tmp_path / "kiosk.db")
    assert other.get(report_id) is not None
    other.close()


def test_the_kept_messages_read_are_the_newest_oldest_first(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "kiosk.db")
    for number in range(1, 6):
        outbox.store_received("notice", str(number), {"notice_id": number}, at=datetime.now(UTC))
    assert [r.key for r in outbox.received("notice", limit=3)] == ["3", "4", "5"]
    outbox.close()


def test_after_a_reboot_the_new_process_resends_and_gets_the_ack(down_broker: str, service: FakeService, make_kiosk,
                                                                  tmp_path: Path) -> None:
    before = make_kiosk(broker_url=down_broker)
    report_id = before.report("风门关不严")
    before.stop()
    after = make_kiosk(outbox=tmp_path / "kiosk.db")
    assert after.wait_all_acked(20)
    assert after.receipts()[0].key == report_id
    assert service.deliveries[report_id] == 1


def test_a_repeated_ack_is_harmless(service: FakeService, make_kiosk) -> None:
    service.policy = lambda report, delivery: [ack_for(report), ack_for(report, "duplicate")]
    acks: list[Any] = []
    kiosk = make_kiosk(callbacks={"on_ack": acks.append})
    kiosk.report("巷道积水")
    assert kiosk.wait_all_acked(20)
    assert wait_until(lambda: kiosk.receipts()[0].ack_count == 2)
    [receipt] = kiosk.receipts()
    assert (receipt.outcome, len(acks)) == ("accepted", 1)


def test_a_duplicate_outcome_counts_as_stored(service: FakeService, make_kiosk) -> None:
    service.policy = lambda report, delivery: [ack_for(report, "duplicate")]
    kiosk = make_kiosk()
    report_id = kiosk.report("瓦斯超限")
    assert kiosk.wait_all_acked(20)
    assert kiosk.receipts()[0].hazard_ref == f"YH-2026-{report_id[:8].upper()}"


def test_a_rejected_report_keeps_its_error_and_is_not_resent(service: FakeService, make_kiosk) -> None:
    error = {"code": "not_found", "field": "location_code", "message": "unknown location"}
    service.policy = lambda report, delivery: [ack_for(report, "rejected", error)]
    kiosk = make_kiosk(resend_interval=0.2)
    report_id = kiosk.report("顶板离层", location_code="NOPE")
    assert kiosk.wait_all_acked(20)
    [receipt] = kiosk.receipts()
    assert (receipt.state, receipt.error, receipt.hazard_ref) == ("rejected", error, None)
    delivered = service.deliveries[report_id]
    assert not wait_until(lambda: service.deliveries[report_id] > delivered, timeout=0.8)


def test_a_refused_report_stored_later_takes_the_new_answer(service: FakeService, make_kiosk) -> None:
    # An operator applied the report's dead letter again: the service acks it accepted after all.
    error = {"code": "not_applied", "field": None, "message": "a fault since fixed"}
    service.policy = lambda report, delivery: [ack_for(report, "rejected", error), ack_for(report)]
    acks: list[Any] = []
    kiosk = make_kiosk(callbacks={"on_ack": acks.append})
    report_id = kiosk.report("主井信号失灵")
    assert wait_until(lambda: kiosk.receipts() and kiosk.receipts()[0].state == "acked")
    [receipt] = kiosk.receipts()
    assert (receipt.outcome, receipt.hazard_ref, receipt.error) == ("accepted", f"YH-2026-{report_id[:8].upper()}", None)
    assert wait_until(lambda: len(acks) == 2)  # the refusal, then the stored report; on_ack runs after the store


def test_a_refusal_never_replaces_a_stored_reports_answer(service: FakeService, make_kiosk) -> None:
    refusal = {"code": "refused", "field": None, "message": "late"}
    service.policy = lambda report, delivery: [ack_for(report), ack_for(report, "rejected", refusal)]
    kiosk = make_kiosk()
    kiosk.report("巷道积水")
    assert kiosk.wait_all_acked(20)
    assert wait_until(lambda: kiosk.receipts()[0].ack_count == 2)
    assert (kiosk.receipts()[0].state, kiosk.receipts()[0].outcome) == ("acked", "accepted")


def test_the_report_is_resent_until_the_service_acks(service: FakeService, make_kiosk) -> None:
    service.policy = lambda report, delivery: [ack_for(report)] if delivery >= 2 else []
    kiosk = make_kiosk(resend_interval=0.3)
    report_id = kiosk.report("电缆破皮")
    assert kiosk.wait_all_acked(20)
    assert service.deliveries[report_id] >= 2
    assert kiosk.receipts()[0].sent_count >= 2


def test_the_resend_after_a_connect_skips_what_went_out_on_that_connection(service: FakeService,
                                                                          make_kiosk) -> None:
    """A slow tablet: the resend pass that follows the connect wakes only after a report went out on the new
    connection; it does not send that report a second time."""
    service.policy = lambda report, delivery: []  # unanswered: the report stays pending
    release, passes = threading.Event(), []

    def slow_resender_clock() -> datetime:
        if threading.current_thread().name.startswith("kiosk-resend-") and not release.is_set():
            release.wait(10)
            passes.append(datetime.now(UTC))
        return datetime.now(UTC)

    kiosk = make_kiosk(callbacks={"clock": slow_resender_clock}, resend_interval=60)
    assert kiosk.wait_connected(30)
    report_id = kiosk.report("巷道积水")
    assert wait_until(lambda: service.deliveries[report_id] == 1)
    release.set()
    assert wait_until(lambda: bool(passes))
    assert not wait_until(lambda: service.deliveries[report_id] > 1, timeout=1.0)
    assert [message.key for message in kiosk.pending()] == [report_id]


def test_an_ack_sent_while_the_kiosk_was_away_arrives_on_its_return(service: FakeService, make_kiosk,
                                                                    tmp_path: Path, kiosk_id: str) -> None:
    held: list[dict[str, Any]] = []
    service.policy = lambda report, delivery: held.append(report) or []
    first = make_kiosk()
    first.report("支架歪斜")
    assert wait_until(lambda: len(report_ids(held)) == 1)
    first.stop()
    service.publish(f"kiosk/{kiosk_id}/ack", ack_for(held[0]))
    second = make_kiosk(outbox=tmp_path / "kiosk.db", resend_interval=60)
    assert second.wait_all_acked(20)
    assert second.receipts()[0].ack_count == 1


def test_status_is_online_while_connected_and_offline_after_stop(make_kiosk, site: str, kiosk_id: str) -> None:
    kiosk = make_kiosk(version="9.9.9")
    assert kiosk.wait_connected(5)
    topic = f"safety/{site}/kiosk/{kiosk_id}/status"
    assert wait_until(lambda: (read_retained(topic) or {}).get("state") == "online")
    kiosk.stop()
    status = read_retained(topic)
    assert status is not None and (status["state"], status["version"]) == ("offline", "9.9.9")
    assert status["at"] is not None


def test_the_last_will_says_offline_when_the_kiosk_dies(site: str, tmp_path: Path, kiosk_id: str) -> None:
    topic = f"safety/{site}/kiosk/{kiosk_id}/status"
    process = subprocess.Popen([sys.executable, "-m", "tests.devices.kiosk_process", site, kiosk_id, str(tmp_path / "kiosk.db")],
                               stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parents[2])
    try:
        assert process.stdout is not None and process.stdout.readline().strip() == "connected"
        assert (read_retained(topic) or {}).get("state") == "online"
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(5)
    assert wait_until(lambda: (read_retained(topic) or {}).get("state") == "offline")
    status = read_retained(topic)
    assert status is not None and status["at"] is None and status["acks"] == ["kiosk-ack/1", "kiosk-ack/2"]
    leftover = Outbox(tmp_path / "kiosk.db")
    assert len(leftover.pending()) + len(leftover.receipts()) == 1
    leftover.close()


def test_notices_and_the_retained_bulletin_are_received_and_kept(service: FakeService, make_kiosk, kiosk_id: str) -> None:
    bulletin = {"schema": "bulletin/1", "site": service.site, "published_at": "2026-11-24T00:00:00Z",
                "bulletins": [{"id": 7, "title": {"zh": "冬季防火", "en": "Winter fire safety"},
                               "body": {"zh": "井口房严禁烟火。"}, "areas": []}]}
    service.publish("bulletin", bulletin, retain=True)
    notices: list[dict[str, Any]] = []
    shown = threading.Event()
    kiosk = make_kiosk(callbacks={"on_notice": notices.append, "on_bulletin": lambda b: shown.set()})
    assert shown.wait(20)
    notice = {"schema": "kiosk-notice/1", "notice_id": 42, "kind": "report_feedback", "hazard_ref": "YH-1",
              "title": {"zh": "您的隐患举报已确认"}, "body": {"zh": "已安排整改。"}, "at": "2026-11-24T02:00:00Z"}
    service.publish(f"kiosk/{kiosk_id}/notice", notice)
    service.publish(f"kiosk/{kiosk_id}/notice", notice)
    service.publish(f"kiosk/{kiosk_id}/notice", {"schema": "kiosk-notice/1", "notice_id": "bad"})
    assert wait_until(lambda: len(kiosk.notices()) == 1)
    assert not wait_until(lambda: len(notices) > 1, timeout=0.3)
    assert kiosk.notices()[0].payload == notice and notices == [notice]
    assert [b.payload for b in kiosk.bulletins()] == [bulletin]
    service.client.publish(f"safety/{service.site}/bulletin", b"", qos=1, retain=True)


def test_a_bulletin_read_is_done_when_the_broker_has_it(service: FakeService, make_kiosk) -> None:
    kiosk = make_kiosk()
    assert kiosk.wait_connected(5)
    read_id = kiosk.confirm_bulletin(7, "1001")
    assert kiosk.wait_all_acked(20)
    message = kiosk.outbox.get(read_id)
    assert message is not None and (message.state, message.outcome) == ("acked", "delivered")
    assert wait_until(lambda: [r["read_id"] for r in service.reads] == [read_id])


def test_mqtt_3_1_1_works_too(service: FakeService, make_kiosk) -> None:
    kiosk = make_kiosk(protocol="3.1.1")
    kiosk.report("局部通风机停转")
    assert kiosk.wait_all_acked(20)


def test_an_invalid_report_is_refused_before_it_is_stored(make_kiosk) -> None:
    kiosk = make_kiosk(start=False)
    with pytest.raises(InvalidPayload) as caught:
        kiosk.report("", category="has space")
    assert caught.value.field in ("description", "category")
    assert kiosk.pending() == []


def test_a_refused_publish_leaves_the_report_pending_until_a_later_resend(service: FakeService, make_kiosk) -> None:
    kiosk = make_kiosk(resend_interval=0.2)
    assert kiosk.wait_connected(5)
    real_publish = kiosk._mqtt.publish

    def queue_full(*args: Any, **kwargs: Any) -> mqtt.MQTTMessageInfo:
        info = mqtt.MQTTMessageInfo(0)
        info.rc = MQTTErrorCode.MQTT_ERR_QUEUE_SIZE
        return info

    kiosk._mqtt.publish = queue_full
    report_id = kiosk.report("paho 的发送队列已满")
    [pending] = kiosk.pending()
    assert (pending.key, pending.sent_count) == (report_id, 0)
    kiosk._mqtt.publish = real_publish
    assert kiosk.wait_all_acked(20)
    assert service.deliveries[report_id] == 1
