"""A reporter's rating (满意/基本满意/不满意) from the kiosk a closed report came from, applied without a broker."""

import json
import uuid

import pytest
from sqlmodel import Session, select

from safety_service.clock import utc_now
from safety_service.feedback import ratings
from safety_service.feedback.models import HazardRating
from safety_service.hazards.models import Hazard
from safety_service.hazards.states import HazardState
from safety_service.mqtt import intake
from safety_service.mqtt.models import DeadLetter
from safety_service.protocol.kiosk_reads import KioskAck
from tests.hazards.builders import make_hazard
from tests.kiosks.builders import make_kiosk

SITE = "tianchen"


def _rating(hazard_ref: str, rating: str = "satisfied", **extra: object) -> dict:
    return {"schema": "kiosk-rating/1", "rating_id": str(uuid.uuid4()), "hazard_ref": hazard_ref, "rating": rating,
            "at": "2026-12-03T08:40:00+08:00", **extra}


def _send(session: Session, kiosk_id: str, *payloads: object) -> list[tuple[str, KioskAck]]:
    items = [intake.Incoming(topic=f"safety/{SITE}/kiosk/{kiosk_id}/rating", received_at=utc_now(),
                             payload=p if isinstance(p, bytes) else json.dumps(p, ensure_ascii=False).encode())
             for p in payloads]
    applied = intake.apply_batch(session, items, site=SITE, timezone="Asia/Shanghai")
    return [(row.topic, KioskAck.model_validate_json(row.payload)) for result in applied for row in result.outbox]


def _stored(session: Session, hazard: Hazard) -> list[HazardRating]:
    return list(session.exec(select(HazardRating).where(HazardRating.hazard_id == hazard.id)).all())


def _letters(session: Session, kiosk_id: str) -> list[DeadLetter]:
    return list(session.exec(select(DeadLetter).where(DeadLetter.kiosk_id == kiosk_id)).all())


@pytest.fixture
def kiosk(session: Session):
    return make_kiosk(session)[0]


def test_a_rating_of_a_closed_report_from_this_kiosk_is_stored_and_acked(session: Session, kiosk) -> None:
    hazard = make_hazard(session, state=HazardState.closed, kiosk=kiosk.kiosk_id)
    given = _rating(hazard.ref, "basic")
    [(topic, ack)] = _send(session, kiosk.kiosk_id, given)
    assert topic == f"safety/{SITE}/kiosk/{kiosk.kiosk_id}/ack"
    assert (str(ack.report_id), ack.outcome, ack.hazard_ref, ack.error) == (given["rating_id"], "accepted",
                                                                            hazard.ref, None)
    [stored] = _stored(session, hazard)
    assert (stored.rating, stored.channel, stored.changed_at) == ("basic", "kiosk", None)


def test_a_redelivered_rating_is_answered_again_and_stored_once(session: Session, kiosk) -> None:
    hazard = make_hazard(session, state=HazardState.closed, kiosk=kiosk.kiosk_id)
    given = _rating(hazard.ref, "dissatisfied")
    _send(session, kiosk.kiosk_id, given)
    again = _send(session, kiosk.kiosk_id, given, given)
    assert [(str(a.report_id), a.outcome, a.hazard_ref) for _, a in again] == [
        (given["rating_id"], "duplicate", hazard.ref)] * 2
    assert [r.rating for r in _stored(session, hazard)] == ["dissatisfied"]


def test_a_second_rating_of_the_same_hazard_changes_nothing(session: Session, kiosk) -> None:
    hazard = make_hazard(session, state=HazardState.closed, kiosk=kiosk.kiosk_id)
    first, second = _rating(hazard.ref, "satisfied"), _rating(hazard.ref, "dissatisfied")
    acks = _send(session, kiosk.kiosk_id, first, second)  # two workers tapping in one batch
    assert [a.outcome for _, a in acks] == ["accepted", "duplicate"]
    later = _send(session, kiosk.kiosk_id, _rating(hazard.ref, "basic"))
    assert [a.outcome for _, a in later] == ["duplicate"]
    [stored] = _stored(session, hazard)
    assert (stored.rating, stored.changed_at) == ("satisfied", None)


def test_a_hazard_rated_on_the_tracking_page_keeps_that_rating(session: Session, kiosk) -> None:
    hazard = make_hazard(session, state=HazardState.closed, kiosk=kiosk.kiosk_id)
    ratings.rate(session, hazard=hazard, rating="basic", channel=ratings.RatingChannel.web, now=utc_now(),
                 change_days=3)
    [(_, ack)] = _send(session, kiosk.kiosk_id, _rating(hazard.ref, "dissatisfied"))
    assert ack.outcome == "duplicate"
    assert [(r.rating, r.channel) for r in _stored(session, hazard)] == [("basic", "web")]


@pytest.mark.parametrize("state", [HazardState.reported, HazardState.rectifying, HazardState.awaiting_verification,
                                   HazardState.rejected])
def test_a_hazard_not_closed_is_not_rated(session: Session, kiosk, state: HazardState) -> None:
    hazard = make_hazard(session, state=state, kiosk=kiosk.kiosk_id)
    given = _rating(hazard.ref)
    [(_, ack)] = _send(session, kiosk.kiosk_id, given)
    assert (str(ack.report_id), ack.outcome) == (given["rating_id"], "rejected")
    assert (ack.error.code, ack.error.field) == ("invalid_state", "hazard_ref")
    assert _stored(session, hazard) == [] and len(_letters(session, kiosk.kiosk_id)) == 1


def test_a_rating_of_another_kiosks_report_is_refused(session: Session, kiosk) -> None:
    other, _ = make_kiosk(session)
    hazard = make_hazard(session, state=HazardState.closed, kiosk=other.kiosk_id)
    [(topic, ack)] = _send(session, kiosk.kiosk_id, _rating(hazard.ref))
    assert topic.endswith(f"/{kiosk.kiosk_id}/ack") and ack.outcome == "rejected"
    assert (ack.error.code, ack.error.field) == ("forbidden", "hazard_ref")
    assert _stored(session, hazard) == []


def test_a_rating_of_a_report_from_the_qr_page_is_refused(session: Session, kiosk) -> None:
    hazard = make_hazard(session, state=HazardState.closed)
    [(_, ack)] = _send(session, kiosk.kiosk_id, _rating(hazard.ref))
    assert (ack.outcome, ack.error.code, ack.error.field) == ("rejected", "forbidden", "hazard_ref")
    assert _stored(session, hazard) == []


def test_an_unknown_hazard_is_named(session: Session, kiosk) -> None:
    [(_, ack)] = _send(session, kiosk.kiosk_id, _rating("YH-1999-999999"))
    assert (ack.outcome, ack.error.code, ack.error.field) == ("rejected", "not_found", "hazard_ref")
    assert "YH-1999-999999" in ack.error.message


@pytest.mark.parametrize(("change", "field"), [
    ({"rating": "very_satisfied"}, "rating"),
    ({"rating": None}, "rating"),
    ({"hazard_ref": ""}, "hazard_ref"),
    ({"hazard_ref": "YH\x00"}, "hazard_ref"),
    ({"at": "2026-12-03T08:40:00"}, "at"),
    ({"schema": "kiosk-rating/9"}, "schema"),
    ({"extra": 1}, "extra"),
])
def test_a_bad_payload_gets_an_error_ack_naming_the_field(session: Session, kiosk, change: dict, field: str) -> None:
    hazard = make_hazard(session, state=HazardState.closed, kiosk=kiosk.kiosk_id)
    given = _rating(hazard.ref) | change
    [(_, ack)] = _send(session, kiosk.kiosk_id, given)
    assert (str(ack.report_id), ack.outcome, ack.error.code, ack.error.field) == (
        given["rating_id"], "rejected", "invalid_payload", field)
    assert _stored(session, hazard) == [] and len(_letters(session, kiosk.kiosk_id)) == 1


def test_a_rating_without_a_readable_id_is_refused_with_a_null_id(session: Session, kiosk) -> None:
    hazard = make_hazard(session, state=HazardState.closed, kiosk=kiosk.kiosk_id)
    [(_, not_uuid)] = _send(session, kiosk.kiosk_id, _rating(hazard.ref, rating_id="not-a-uuid"))
    [(_, not_json)] = _send(session, kiosk.kiosk_id, b"{not json")
    assert (not_uuid.report_id, not_uuid.error.field) == (None, "rating_id")
    assert (not_json.report_id, not_json.error.code) == (None, "invalid_json")
    assert _stored(session, hazard) == []


def test_a_refused_rating_does_not_hold_up_the_others_in_its_batch(session: Session, kiosk) -> None:
    closed = make_hazard(session, state=HazardState.closed, kiosk=kiosk.kiosk_id)
    still_open = make_hazard(session, state=HazardState.rectifying, kiosk=kiosk.kiosk_id)
    acks = _send(session, kiosk.kiosk_id, _rating(still_open.ref), _rating(closed.ref, "basic"))
    assert [a.outcome for _, a in acks] == ["rejected", "accepted"]
    assert [r.rating for r in _stored(session, closed)] == ["basic"] and _stored(session, still_open) == []
