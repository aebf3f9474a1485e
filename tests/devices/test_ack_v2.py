"""The kiosk reads kiosk-ack/2 (one ack for a batch of its reports) as well as kiosk-ack/1, and says so in its
status; each report of a kiosk-ack/2 is settled exactly as its own kiosk-ack/1 would settle it."""

from typing import Any

from devices.kiosk.payloads import ACKS_READ, Schemas, status_payload
from tests.devices.service import FakeService, ack_for, now_iso, read_retained, report_ids, wait_until


def batch_ack(*acks: dict[str, Any]) -> dict[str, Any]:
    """The kiosk-ack/2 that carries these kiosk-ack/1 answers."""
    results = [{key: ack[key] for key in ("report_id", "outcome", "hazard_ref", "tracking_code", "error")}
               for ack in acks]
    return {"schema": "kiosk-ack/2", "at": now_iso(), "results": results}


def held_reports(service: FakeService) -> list[dict[str, Any]]:
    """Make the stand-in service keep the reports unanswered; the test answers them itself."""
    held: list[dict[str, Any]] = []
    service.policy = lambda report, delivery: held.append(report) or []
    return held


def test_one_batch_ack_settles_each_report_as_its_own_ack_would(service: FakeService, make_kiosk,
                                                                 kiosk_id: str) -> None:
    held = held_reports(service)
    answered: list[Any] = []
    kiosk = make_kiosk(callbacks={"on_ack": answered.append})
    assert kiosk.wait_connected(30)
    ids = kiosk.report_many([{"description": f"皮带跑偏 {n}"} for n in range(3)])
    assert wait_until(lambda: len(report_ids(held)) == 3)
    error = {"code": "not_found", "field": "location_code", "message": "unknown location"}
    by_id = {report["report_id"]: report for report in held}
    ack = batch_ack(ack_for(by_id[ids[0]]), ack_for(by_id[ids[1]], "duplicate"),
                    ack_for(by_id[ids[2]], "rejected", error))
    Schemas.load().validate("kiosk-ack-2", ack)
    service.publish(f"kiosk/{kiosk_id}/ack", ack)
    assert kiosk.wait_all_acked(30)
    receipts = {r.key: r for r in kiosk.receipts()}
    assert [(receipts[i].state, receipts[i].outcome) for i in ids] == [
        ("acked", "accepted"), ("acked", "duplicate"), ("rejected", "rejected")]
    assert receipts[ids[0]].hazard_ref == f"YH-2026-{ids[0][:8].upper()}" and receipts[ids[2]].error == error
    assert wait_until(lambda: len(answered) == 3) and sorted(message.key for message in answered) == sorted(ids)


def test_a_refusal_in_a_batch_ack_never_replaces_a_stored_reports_answer(service: FakeService, make_kiosk,
                                                                         kiosk_id: str) -> None:
    held = held_reports(service)
    kiosk = make_kiosk()
    assert kiosk.wait_connected(30)
    stored, refused_first = kiosk.report_many([{"description": "顶板淋水"}, {"description": "风筒破损"}])
    assert wait_until(lambda: len(report_ids(held)) == 2)
    by_id = {report["report_id"]: report for report in held}
    late = {"code": "refused", "field": None, "message": "late"}
    service.publish(f"kiosk/{kiosk_id}/ack", batch_ack(ack_for(by_id[stored]),
                                                       ack_for(by_id[refused_first], "rejected", late)))
    assert kiosk.wait_all_acked(30)
    # redelivered: the stored report refused now (it must stay accepted), the refused one stored after all
    service.publish(f"kiosk/{kiosk_id}/ack", batch_ack(ack_for(by_id[stored], "rejected", late),
                                                       ack_for(by_id[refused_first])))
    assert wait_until(lambda: all(r.ack_count == 2 for r in kiosk.receipts()))
    receipts = {r.key: r for r in kiosk.receipts()}
    assert (receipts[stored].state, receipts[stored].outcome) == ("acked", "accepted")
    assert (receipts[refused_first].state, receipts[refused_first].outcome) == ("acked", "accepted")


def test_a_batch_ack_that_fails_its_schema_settles_nothing(service: FakeService, make_kiosk, kiosk_id: str) -> None:
    held = held_reports(service)
    kiosk = make_kiosk()
    assert kiosk.wait_connected(30)
    report_id = kiosk.report("电缆吊挂不规范")
    assert wait_until(lambda: len(report_ids(held)) == 1)
    service.publish(f"kiosk/{kiosk_id}/ack", {"schema": "kiosk-ack/2", "at": now_iso(), "results": []})
    service.publish(f"kiosk/{kiosk_id}/ack", {**batch_ack(ack_for(held[0])), "extra": 1})
    assert not wait_until(lambda: not kiosk.pending(), timeout=0.8)
    service.publish(f"kiosk/{kiosk_id}/ack", batch_ack(ack_for(held[0])))
    assert kiosk.wait_all_acked(30) and kiosk.receipts()[0].key == report_id


def test_the_online_and_offline_statuses_say_which_acks_the_kiosk_reads(make_kiosk, site: str, kiosk_id: str) -> None:
    kiosk = make_kiosk()
    topic = f"safety/{site}/kiosk/{kiosk_id}/status"
    assert wait_until(lambda: (read_retained(topic) or {}).get("acks") == ["kiosk-ack/1", "kiosk-ack/2"])
    kiosk.stop()
    assert (read_retained(topic) or {}).get("acks") == list(ACKS_READ)
    schemas = Schemas.load()
    schemas.validate("kiosk-status", status_payload("offline", "1.0.0"))
    schemas.validate("kiosk-status", status_payload("online", "1.0.0", acks=("kiosk-ack/1",)))


def test_a_kiosk_may_announce_only_version_1(make_kiosk, site: str, kiosk_id: str) -> None:
    make_kiosk(acks=("kiosk-ack/1",))
    topic = f"safety/{site}/kiosk/{kiosk_id}/status"
    assert wait_until(lambda: (read_retained(topic) or {}).get("acks") == ["kiosk-ack/1"])
