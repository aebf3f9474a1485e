"""Acks per kiosk per batch: one kiosk-ack/2 for each kiosk whose status lists it, a kiosk-ack/1 per report for
every other kiosk; every ack the intake writes matches its JSON Schema in ``schemas/``."""

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from sqlmodel import Session, select

from safety_service.hazards.models import Hazard
from safety_service.kiosks.models import Kiosk
from safety_service.mqtt import intake
from safety_service.mqtt.models import DeadLetter
from tests.kiosks.builders import make_kiosk
from tests.mqtt.test_intake import SITE, _apply, _message, _report

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"
ACK_SCHEMA_FILES = {"kiosk-ack/1": "kiosk-ack", "kiosk-ack/2": "kiosk-ack-2"}
V2 = ["kiosk-ack/1", "kiosk-ack/2"]


def _status(acks: list[str] | None) -> dict:
    status = {"schema": "kiosk-status/1", "state": "online", "version": "0.2.0", "at": None}
    return status if acks is None else {**status, "acks": acks}


def _sent(applied: list[intake.Applied]) -> list[tuple[int, str, dict]]:
    """Every ack row of the batch as (message index, topic, payload), each checked against its schema file."""
    rows = []
    for index, result in enumerate(applied):
        for row in result.outbox:
            payload = json.loads(row.payload)
            schema = json.loads((SCHEMAS / f"{ACK_SCHEMA_FILES[payload['schema']]}.schema.json").read_text())
            Draft202012Validator(schema, format_checker=FormatChecker()).validate(payload)
            rows.append((index, row.topic, payload))
    return rows


def _v2_kiosk(session: Session) -> Kiosk:
    kiosk, _ = make_kiosk(session)
    _apply(session, [_message(kiosk.kiosk_id, _status(V2), kind="status")])
    assert kiosk.ack_version == 2
    return kiosk


def test_a_batch_of_several_kiosks_gets_one_ack_per_updated_kiosk_and_one_per_report_for_the_rest(
        session: Session) -> None:
    one, two = _v2_kiosk(session), _v2_kiosk(session)
    old, _ = make_kiosk(session)
    order = [one, old, two, one, old, one, two]
    reports = [_report() for _ in order]
    applied = _apply(session, [_message(k.kiosk_id, r) for k, r in zip(order, reports, strict=True)])
    sent = _sent(applied)
    topic = lambda kiosk: f"safety/{SITE}/kiosk/{kiosk.kiosk_id}/ack"
    # each updated kiosk's one ack rides with its last message of the batch, answering its reports in order
    assert [(index, t, p["schema"]) for index, t, p in sent] == [
        (1, topic(old), "kiosk-ack/1"), (4, topic(old), "kiosk-ack/1"),
        (5, topic(one), "kiosk-ack/2"), (6, topic(two), "kiosk-ack/2")]
    answered = {t: [r["report_id"] for r in p["results"]] for _, t, p in sent if p["schema"] == "kiosk-ack/2"}
    assert answered == {topic(one): [reports[i]["report_id"] for i in (0, 3, 5)],
                        topic(two): [reports[i]["report_id"] for i in (2, 6)]}
    assert [p["report_id"] for _, t, p in sent if t == topic(old)] == [reports[1]["report_id"], reports[4]["report_id"]]
    refs = {r["report_id"]: r["hazard_ref"] for _, _, p in sent for r in p.get("results", [p])}
    stored = session.exec(select(Hazard.ref).where(Hazard.ref.in_(refs.values()))).all()  # type: ignore[attr-defined]
    assert len(stored) == len(reports) and all(result.answer.outcome == "accepted" for result in applied)


def test_one_kiosk_ack_2_carries_accepted_duplicate_and_rejected_reports(session: Session) -> None:
    kiosk = _v2_kiosk(session)
    earlier = _report()
    _apply(session, [_message(kiosk.kiosk_id, earlier)])
    good, nowhere, empty = _report(), _report(location_code="NOWHERE"), _report(description="")
    items = [_message(kiosk.kiosk_id, payload) for payload in (good, earlier, nowhere, empty, b"\xff not json")]
    [(index, _, ack)] = _sent(_apply(session, items))
    assert index == 4 and ack["schema"] == "kiosk-ack/2"
    answers = [(r["report_id"], r["outcome"], (r["error"] or {}).get("code")) for r in ack["results"]]
    assert answers == [(good["report_id"], "accepted", None), (earlier["report_id"], "duplicate", None),
                       (nowhere["report_id"], "rejected", "not_found"), (empty["report_id"], "rejected",
                                                                         "invalid_payload"),
                       (None, "rejected", "invalid_json")]
    assert ack["results"][2]["error"]["field"] == "location_code" and ack["results"][1]["hazard_ref"]
    letters = session.exec(select(DeadLetter.reason).where(DeadLetter.kiosk_id == kiosk.kiosk_id)).all()
    assert sorted(reason.split(":")[0] for reason in letters) == ["invalid_json", "invalid_payload", "not_found"]


def test_a_redelivered_batch_is_answered_again_as_duplicates_with_the_same_hazards(session: Session) -> None:
    kiosk = _v2_kiosk(session)
    reports = [_report() for _ in range(3)]
    first = _sent(_apply(session, [_message(kiosk.kiosk_id, r) for r in reports]))[0][2]["results"]
    again = _sent(_apply(session, [_message(kiosk.kiosk_id, r) for r in reports]))[0][2]["results"]
    assert [r["outcome"] for r in first] == ["accepted"] * 3 and [r["outcome"] for r in again] == ["duplicate"] * 3
    assert [(r["hazard_ref"], r["tracking_code"]) for r in again] == [(r["hazard_ref"], r["tracking_code"])
                                                                      for r in first]
    kept = session.exec(select(Hazard).where(Hazard.kiosk_id == kiosk.id)).all()
    assert len(kept) == 3


@pytest.mark.parametrize(("acks", "version"), [(None, 1), (["kiosk-ack/1"], 1), (V2, 2), (["kiosk-ack/2"], 2),
                                               ([], 1), (["kiosk-ack/9"], 1)])
def test_the_kiosks_status_says_which_ack_it_reads(session: Session, acks: list[str] | None, version: int) -> None:
    kiosk = _v2_kiosk(session)
    report = _report()
    applied = _apply(session, [_message(kiosk.kiosk_id, _status(acks), kind="status"),
                               _message(kiosk.kiosk_id, report)])
    assert session.get(Kiosk, kiosk.id).ack_version == version
    [(_, _, ack)] = _sent(applied)  # the status of the same batch already counts
    assert ack["schema"] == f"kiosk-ack/{version}"


def test_a_kiosk_that_never_said_gets_version_1_and_a_foreign_topic_still_gets_its_refusal(session: Session) -> None:
    kiosk, _ = make_kiosk(session)
    assert kiosk.ack_version == 1
    sent = _sent(_apply(session, [_message(kiosk.kiosk_id, _report()), _message("ghost-kiosk", _report()),
                                  _message(kiosk.kiosk_id, _report())]))
    assert [(index, p["schema"], p["outcome"]) for index, _, p in sent] == [
        (0, "kiosk-ack/1", "accepted"), (1, "kiosk-ack/1", "rejected"), (2, "kiosk-ack/1", "accepted")]


def test_a_status_naming_an_overlong_version_is_refused_and_changes_nothing(session: Session) -> None:
    kiosk = _v2_kiosk(session)
    applied = _apply(session, [_message(kiosk.kiosk_id, _status(["x" * 40]), kind="status")])
    assert applied[0].refused and applied[0].refused.startswith("invalid_payload") and _sent(applied) == []
    assert session.get(Kiosk, kiosk.id).ack_version == 2
