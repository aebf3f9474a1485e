"""The outbox queues a kiosk message in the caller's transaction, retained where the topic layout says."""

import json
from datetime import timedelta

import pytest
from sqlmodel import Session, col, select

from safety_service.clock import utc_now
from safety_service.outbox import service as outbox
from safety_service.outbox.models import OutboxMessage
from safety_service.protocol import messages, topics

SITE = "outbox-test"


@pytest.mark.parametrize(("topic", "retained"), [
    (topics.bulletin_topic(SITE), True), (topics.categories_topic(SITE), True), (topics.board_topic(SITE, "A3"), True),
    (topics.kiosk_topic(SITE, "K1", "notice"), False), (topics.kiosk_topic(SITE, "K1", "ack"), False),
    ("safety/elsewhere", False), ("other/x/bulletin", False), (f"safety/{SITE}/board/A3/extra", False),
])
def test_the_topic_layout_says_which_messages_are_retained(topic: str, retained: bool) -> None:
    assert topics.is_retained(topic) is retained


def test_enqueue_writes_the_payload_as_the_schemas_spell_it_in_the_same_transaction(session: Session) -> None:
    now = utc_now()
    notice = messages.notice(notice_id=7, kind="report_feedback", at=now, hazard_ref="YH-2026-000001",
                             title=messages.localized("标题", ""), body=messages.localized("正文", "Body"))
    row = outbox.enqueue(session, topics.kiosk_topic(SITE, "K1", "notice"), notice, now=now)
    board = outbox.enqueue(session, topics.board_topic(SITE, "A3"), messages.board(
        site=SITE, area=_Area(), month="2026-12", now=now, major=[], reported=1, closed=0, overdue=0,
        top_reporters=[], risk_points=[]), now=now)
    assert row.id is not None and (row.qos, row.retain, board.retain) == (1, False, True)
    sent = json.loads(row.payload)
    assert sent["schema"] == "kiosk-notice/1" and "schema_" not in sent
    assert sent["title"] == {"zh": "标题", "en": None} and sent["body"] == {"zh": "正文", "en": "Body"}
    assert json.loads(board.payload)["area_name"] == {"zh": "三采区", "en": None}
    assert json.loads(board.payload)["schema"] == "board/2"


def test_store_queues_a_batch_in_one_insert_each_row_at_its_own_qos(session: Session) -> None:
    at = utc_now() - timedelta(seconds=1)
    ack = messages.ack(report_id=None, at=at, outcome="rejected")
    batch = [outbox.outgoing(topics.kiosk_topic(SITE, f"K{i}", "ack"), ack, qos=i % 2) for i in range(3)]
    bulletin = outbox.outgoing(topics.bulletin_topic(SITE), ack)
    outbox.store(session, [*batch, bulletin], at=at)
    outbox.store(session, [], at=at)
    rows = session.exec(select(OutboxMessage).where(col(OutboxMessage.key).in_([m.key for m in batch]))
                        .order_by(col(OutboxMessage.topic))).all()
    assert [(r.topic, r.qos) for r in rows] == [(m.topic, m.qos) for m in batch] and [m.qos for m in batch] == [0, 1, 0]
    assert all(r.published_at is None and not r.retain and json.loads(r.payload)["outcome"] == "rejected" for r in rows)
    assert all(r.created_at == at for r in rows)
    retained = session.exec(select(OutboxMessage).where(OutboxMessage.key == bulletin.key)).one()
    assert (retained.retain, retained.qos) == (True, 1)


class _Area:
    code, name_zh, name_en = "A3", "三采区", ""
