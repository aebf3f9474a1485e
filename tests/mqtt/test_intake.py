"""Kiosk messages applied without a broker: reports, acks in the outbox, dead letters, status."""

import base64
import io
import json
import re
import uuid

import pytest
from PIL import Image
from sqlalchemy import event
from sqlmodel import Session, select

from safety_service.clock import utc_now
from safety_service.hazards import library
from safety_service.hazards.library import LibraryItemCreate
from safety_service.hazards.models import Hazard
from safety_service.hazards.states import HazardState
from safety_service.kiosks.models import Kiosk
from safety_service.locations.models import Location
from safety_service.mqtt import intake
from safety_service.mqtt.models import DeadLetter
from safety_service.people.models import Role
from safety_service.photos.models import HazardPhoto
from safety_service.protocol.kiosk_reads import KioskAck
from tests.hazards.builders import make_hazard
from tests.kiosks.builders import make_kiosk
from tests.locations.builders import make_location
from tests.people.builders import make_user
from tests.photos import images
from tests.risks.builders import make_risk_point

SITE = "tianchen"


def _message(kiosk_id: str, payload: object, kind: str = "report") -> intake.Incoming:
    body = payload if isinstance(payload, bytes) else _json(payload)
    return intake.Incoming(topic=f"safety/{SITE}/kiosk/{kiosk_id}/{kind}", payload=body, received_at=utc_now())


def _json(payload: object) -> bytes:
    """The payload as a kiosk writes it; text UTF-8 cannot carry (a lone surrogate) as its escape, "\\ud800"."""
    try:
        return json.dumps(payload, ensure_ascii=False).encode()
    except UnicodeEncodeError:
        return json.dumps(payload).encode()


def _report(**extra: object) -> dict:
    return {"schema": "kiosk-report/1", "report_id": str(uuid.uuid4()), "created_at": "2026-11-24T08:00:00+08:00",
            "description": "副井井口防坠器锈蚀", **extra}


def _acks(applied: list[intake.Applied]) -> list[tuple[str, KioskAck]]:
    return [(row.topic, KioskAck.model_validate_json(row.payload)) for result in applied for row in result.outbox]


def _apply(session: Session, items: list[intake.Incoming]) -> list[intake.Applied]:
    return intake.apply_batch(session, items, site=SITE, timezone="Asia/Shanghai")


def test_a_report_becomes_a_hazard_at_the_kiosk_location_and_is_acked(session: Session) -> None:
    kiosk, _ = make_kiosk(session)
    report = _report(category="roof", reporter_employee_no="1001")
    [(topic, ack)] = _acks(_apply(session, [_message(kiosk.kiosk_id, report)]))
    assert topic == f"safety/{SITE}/kiosk/{kiosk.kiosk_id}/ack"
    assert ack.outcome == "accepted" and str(ack.report_id) == report["report_id"]
    hazard = session.exec(select(Hazard).where(Hazard.ref == ack.hazard_ref)).one()
    assert hazard.source == "kiosk" and hazard.location_id == kiosk.location_id and hazard.kiosk_id == kiosk.id
    assert hazard.tracking_code == ack.tracking_code


def test_a_redelivered_report_gets_the_same_ack_and_no_second_hazard(session: Session) -> None:
    kiosk, _ = make_kiosk(session)
    report = _report()
    first = _acks(_apply(session, [_message(kiosk.kiosk_id, report)]))[0][1]
    again = _acks(_apply(session, [_message(kiosk.kiosk_id, report), _message(kiosk.kiosk_id, report)]))
    assert [a.outcome for _, a in again] == ["duplicate", "duplicate"]
    assert {a.hazard_ref for _, a in again} == {first.hazard_ref}
    assert len(session.exec(select(Hazard).where(Hazard.kiosk_id == kiosk.id)).all()) == 1


def test_one_kiosk_cannot_take_over_another_kiosks_report_id(session: Session) -> None:
    one, _ = make_kiosk(session)
    two, _ = make_kiosk(session)
    report = _report()
    acks = _acks(_apply(session, [_message(one.kiosk_id, report), _message(two.kiosk_id, report)]))
    assert [a.outcome for _, a in acks] == ["accepted", "accepted"]
    assert acks[0][1].hazard_ref != acks[1][1].hazard_ref


def test_a_batch_reads_its_kiosks_and_their_locations_once(session: Session) -> None:
    """The hazard intake takes the kiosks and locations the kiosk intake read (a query less each, per batch)."""
    kiosks = [make_kiosk(session)[0] for _ in range(2)]
    elsewhere = make_location(session)
    session.commit()
    reads: list[str] = []
    engine = session.get_bind()

    def watch(conn: object, cursor: object, statement: str, *rest: object) -> None:
        reads.append(statement)

    event.listen(engine, "before_cursor_execute", watch)
    try:
        acks = _acks(_apply(session, [_message(kiosks[0].kiosk_id, _report()), _message(kiosks[1].kiosk_id, _report()),
                                      _message(kiosks[1].kiosk_id, _report(location_code=elsewhere.code))]))
    finally:
        event.remove(engine, "before_cursor_execute", watch)
    assert [ack.outcome for _, ack in acks] == ["accepted"] * 3
    selects = [" ".join(s.split()) for s in reads if s.lstrip().upper().startswith("SELECT")]
    assert len([s for s in selects if re.search(r"\bFROM kiosk\b", s)]) == 1, selects
    location_reads = [s for s in selects if re.search(r"\bFROM location\b", s)]
    assert len(location_reads) == 1 and "location.code IN" in location_reads[0], selects  # only the one named


def test_a_report_may_name_another_location(session: Session) -> None:
    kiosk, _ = make_kiosk(session)
    elsewhere = make_location(session)
    ack = _acks(_apply(session, [_message(kiosk.kiosk_id, _report(location_code=elsewhere.code))]))[0][1]
    assert session.exec(select(Hazard).where(Hazard.ref == ack.hazard_ref)).one().location_id == elsewhere.id


def test_bad_messages_get_error_acks_and_dead_letters_and_the_rest_of_the_batch_goes_on(session: Session) -> None:
    kiosk, _ = make_kiosk(session)
    good = _report()
    bad_schema = _report(description="")
    items = [
        _message(kiosk.kiosk_id, b"\xff not json"),
        _message(kiosk.kiosk_id, bad_schema),
        _message("ghost-kiosk", _report()),
        _message(kiosk.kiosk_id, _report(location_code="NOWHERE")),
        _message(kiosk.kiosk_id, good),
    ]
    acks = _acks(_apply(session, items))
    outcomes = [(a.outcome, a.error.code if a.error else None) for _, a in acks]
    assert outcomes == [("rejected", "invalid_json"), ("rejected", "invalid_payload"),
                        ("rejected", "unknown_kiosk"), ("rejected", "not_found"), ("accepted", None)]
    assert acks[0][1].report_id is None and str(acks[1][1].report_id) == bad_schema["report_id"]
    assert acks[1][1].error.field == "description" and acks[3][1].error.field == "location_code"
    assert acks[2][0].endswith("/ghost-kiosk/ack")
    reasons = [d.reason.split(":")[0] for d in session.exec(select(DeadLetter).order_by(DeadLetter.id)).all()]
    assert reasons[-4:] == ["invalid_json", "invalid_payload", "unknown_kiosk", "not_found"]  # as the acks say


def test_status_messages_keep_the_kiosk_presence_without_an_ack(session: Session) -> None:
    kiosk, _ = make_kiosk(session)
    status = {"schema": "kiosk-status/1", "state": "online", "version": "1.2.0", "at": None}
    assert _acks(_apply(session, [_message(kiosk.kiosk_id, status, kind="status")])) == []
    assert (kiosk.status, kiosk.software_version) == ("online", "1.2.0")
    offline = {"schema": "kiosk-status/1", "state": "offline", "version": None, "at": None}
    _apply(session, [_message(kiosk.kiosk_id, offline, kind="status")])
    assert session.get(Kiosk, kiosk.id).status == "offline"
    assert _acks(_apply(session, [_message(kiosk.kiosk_id, {"state": "dancing"}, kind="status")])) == []


def _bulletin_read(bulletin_id: int, employee_no: str = "1001", read_id: str | None = None) -> dict:
    return {"schema": "bulletin-read/1", "read_id": read_id or str(uuid.uuid4()), "bulletin_id": bulletin_id,
            "employee_no": employee_no, "read_at": "2026-11-24T08:30:00+08:00"}


def test_a_bulletin_read_is_recorded_once_and_needs_no_ack(session: Session) -> None:
    from safety_service.bulletins.models import BulletinRead
    from tests.bulletins.builders import make_bulletin

    kiosk, _ = make_kiosk(session)
    bulletin = make_bulletin(session)
    read = _bulletin_read(bulletin.id)
    applied = _apply(session, [_message(kiosk.kiosk_id, read, kind="bulletin-read")] * 2)
    assert _acks(applied) == []
    rows = session.exec(select(BulletinRead).where(BulletinRead.bulletin_id == bulletin.id)).all()
    assert [(r.employee_no, r.kiosk_id) for r in rows] == [("1001", kiosk.id)]


def test_a_bulletin_read_of_an_unknown_bulletin_gets_an_error_ack(session: Session) -> None:
    kiosk, _ = make_kiosk(session)
    applied = _apply(session, [_message(kiosk.kiosk_id, _bulletin_read(987_654), kind="bulletin-read"),
                               _message(kiosk.kiosk_id, {"schema": "bulletin-read/1"}, kind="bulletin-read")])
    acks = _acks(applied)
    assert [a.error.code for _, a in acks] == ["not_found", "invalid_payload"]
    assert acks[0][1].error.field == "bulletin_id" and acks[0][0].endswith("/ack")


def test_a_bulletin_id_no_row_can_have_is_refused_and_the_batch_goes_on(session: Session) -> None:
    # 2**63 overflows SQLite's integer: unchecked, it failed the whole batch, and every retry again.
    kiosk, _ = make_kiosk(session)
    report = _report()
    applied = _apply(session, [_message(kiosk.kiosk_id, _bulletin_read(2**63), kind="bulletin-read"),
                               _message(kiosk.kiosk_id, _bulletin_read(0), kind="bulletin-read"),
                               _message(kiosk.kiosk_id, report)])
    acks = _acks(applied)
    assert [(a.outcome, a.error.field if a.error else None) for _, a in acks] == [
        ("rejected", "bulletin_id"), ("rejected", "bulletin_id"), ("accepted", None)]
    assert session.exec(select(Hazard).where(Hazard.client_report_id == f"{kiosk.kiosk_id}:{report['report_id']}")).one()


@pytest.mark.parametrize("description, said", [
    ("皮带\u0000跑偏", "NUL"),
    ("皮带\ud800跑偏", "unicode"),  # a lone surrogate: parses as JSON, no database stores it (the API refuses it too)
])
def test_text_no_database_stores_gets_an_error_ack_naming_the_field(session: Session, description: str,
                                                                     said: str) -> None:
    kiosk, _ = make_kiosk(session)
    bad = _report(description=description)
    acks = _acks(_apply(session, [_message(kiosk.kiosk_id, bad), _message(kiosk.kiosk_id, _report())]))
    assert [(a.outcome, a.error.field if a.error else None) for _, a in acks] == [
        ("rejected", "description"), ("accepted", None)]
    assert said in acks[0][1].error.message and str(acks[0][1].report_id) == bad["report_id"]
    letter = session.exec(select(DeadLetter).order_by(DeadLetter.id.desc())).first()
    assert letter is not None and letter.reason.startswith("invalid_payload")


@pytest.mark.parametrize("kind, change, field", [
    ("report", {"description": "   "}, "description"),  # passed the schema, then failed the register's rules
    ("report", {"report_id": "a\u0000b"}, "report_id"),  # the error quoting the NUL failed the ack itself
    ("bulletin-read", {"read_id": "\u0000"}, "read_id"),
])
def test_what_failed_a_whole_batch_before_now_gets_an_error_ack(session: Session, kind: str, change: dict,
                                                                  field: str) -> None:
    kiosk, _ = make_kiosk(session)
    bad = {**(_report() if kind == "report" else _bulletin_read(1)), **change}
    acks = _acks(_apply(session, [_message(kiosk.kiosk_id, bad, kind=kind), _message(kiosk.kiosk_id, _report())]))
    assert [(a.outcome, a.error.field if a.error else None) for _, a in acks] == [
        ("rejected", field), ("accepted", None)]


ODD_VALUES = [None, 0, -1, 2**63, -(2**63) - 1, 1.5, True, "", " ", "\u0000", "a\u0000b", "\ud800", "a\udfffb", "x" * 5000, "😀" * 500, [],
              {}, [1], {"a": "b"}, "2026-13-45T99:99:99", "0001-01-01T00:00:00Z", "' OR 1=1 --", "NOWHERE",
              "00000000-0000-0000-0000-000000000000"]


@pytest.mark.parametrize("kind", ["report", "status", "bulletin-read"])
def test_no_odd_value_in_any_field_makes_a_batch_fail(session: Session, kind: str) -> None:
    """Every field of a kiosk payload (and one extra field) set to each odd value, all in one batch:
    each message is answered on its own, none raises out of the batch."""
    kiosk, _ = make_kiosk(session)
    base = {"report": _report(category="roof", reporter_employee_no="1001", reporter_name="张三"),
            "status": {"schema": "kiosk-status/1", "state": "online", "version": "1.0", "at": None},
            "bulletin-read": _bulletin_read(1)}[kind]
    items = _odd_messages(kiosk.kiosk_id, kind, base)
    applied = _apply(session, items)
    assert len(applied) == len(items)
    if kind == "report":  # every report hears back, accepted or refused
        assert all(len(result.outbox) == 1 for result in applied)


ID_FIELDS = {"report": "report_id", "rating": "rating_id", "bulletin-read": "read_id"}  # a status has none


def _odd_messages(kiosk_id: str, kind: str, base: dict) -> list[intake.Incoming]:
    """``base`` with each field (and one extra) set to each odd value, each message with an id of its own (so
    none is answered as a redelivery of another), then five bodies that are not a payload at all."""
    ids = ID_FIELDS.get(kind)
    bodies = [{**base, field: value, **({ids: str(uuid.uuid4())} if ids and field != ids else {})}
              for field in [*base, "extra"] for value in ODD_VALUES]
    raw = [b"", b"null", b"[]", b"\xff\xfe", b"{" * 5000]
    return [_message(kiosk_id, body, kind=kind) for body in [*bodies, *raw]]


def _newest(session: Session, kiosk: Kiosk, kind: str) -> dict:
    """A payload of the newest version of ``kind`` with every field set to a value the intake accepts."""
    if kind == "rating":
        hazard = make_hazard(session, state=HazardState.closed, kiosk=kiosk.kiosk_id)
        return {"schema": "kiosk-rating/1", "rating_id": str(uuid.uuid4()), "hazard_ref": hazard.ref,
                "rating": "satisfied", "at": "2026-12-03T08:40:00+08:00"}
    if kind == "status":
        return {"schema": "kiosk-status/1", "state": "online", "version": "1.0", "at": "2026-12-03T08:00:00Z",
                "acks": ["kiosk-ack/1", "kiosk-ack/2"]}
    place = session.get(Location, kiosk.location_id)
    assert place is not None
    item = library.add_item(session, data=LibraryItemCreate(category_code="transport", title="架空乘人装置托绳轮缺失",
                                                            fix_days=2),
                            actor=make_user(session, role=Role.admin), site=SITE)
    return {**_report(category="transport", reporter_employee_no="1001", reporter_name="张三"),
            "schema": "kiosk-report/3", "location_code": place.code, "urgent": True,
            "behaviour_at": "2026-11-24T07:40:00+08:00", "behaviour_person": "王班长",
            "photos": [base64.b64encode(images.photo("PNG", (16, 16))).decode()],
            "risk_point": make_risk_point(session, location=place).code, "library_item": item.id}


@pytest.mark.parametrize("kind", ["report", "rating", "status"])
def test_no_odd_value_in_any_field_of_the_newest_payloads_makes_a_batch_fail(session: Session, kind: str) -> None:
    """The same sweep over the newest payloads with every optional field set (a report's photos, urgency,
    behaviour, risk point and library match; a rating; a status with its ack versions): each message is
    answered on its own, a report or rating with an ack that takes it (accepted, or a duplicate of one taken)
    or refuses it with an error."""
    kiosk, _ = make_kiosk(session)
    base = _newest(session, kiosk, kind)
    ids = ID_FIELDS.get(kind)
    [first] = _apply(session, [_message(kiosk.kiosk_id, {**base, **({ids: str(uuid.uuid4())} if ids else {})},
                                        kind=kind)])
    assert all(KioskAck.model_validate_json(row.payload).outcome == "accepted" for row in first.outbox)
    items = _odd_messages(kiosk.kiosk_id, kind, base)
    applied = _apply(session, items)
    assert len(applied) == len(items)
    if ids:
        acks = [ack for _, ack in _acks(applied)]
        assert len(acks) == len(items)
        assert [ack for ack in acks if not _answers(ack)] == []


def _answers(ack: KioskAck) -> bool:
    """Taken with its hazard (accepted, or a duplicate of one taken), or refused with an error."""
    if ack.outcome == "rejected":
        return ack.error is not None and bool(ack.error.code)
    return ack.hazard_ref is not None


def _report_v2(photos: list[bytes], **extra: object) -> dict:
    return {**_report(**extra), "schema": "kiosk-report/2", "photos": [base64.b64encode(p).decode() for p in photos]}


def _photos_of(session: Session, ref: str) -> list[HazardPhoto]:
    hazard = session.exec(select(Hazard).where(Hazard.ref == ref)).one()
    return list(session.exec(select(HazardPhoto).where(HazardPhoto.hazard_id == hazard.id)).all())


def test_a_report_with_photos_stores_them_stripped_once_however_often_it_comes(session: Session) -> None:
    kiosk, _ = make_kiosk(session)
    report = _report_v2([images.photo(), images.photo("PNG", (300, 300))])
    first = _acks(_apply(session, [_message(kiosk.kiosk_id, report)]))[0][1]
    again = _acks(_apply(session, [_message(kiosk.kiosk_id, report)]))[0][1]
    assert (first.outcome, again.outcome, again.hazard_ref) == ("accepted", "duplicate", first.hazard_ref)
    stored = _photos_of(session, first.hazard_ref)
    assert len(stored) == 2
    for photo in stored:
        image = Image.open(io.BytesIO(photo.image))
        assert image.format == "JPEG" and not image.getexif()


def test_a_report_with_a_bad_photo_is_refused_naming_it(session: Session) -> None:
    kiosk, _ = make_kiosk(session)
    bomb = _report_v2([images.photo(), images.png_header_only(30_000, 30_000)])
    not_image = _report_v2([b"plain text, not a photo"])
    acks = _acks(_apply(session, [_message(kiosk.kiosk_id, bomb), _message(kiosk.kiosk_id, not_image)]))
    assert [(a.outcome, a.error.code, a.error.field) for _, a in acks] == [
        ("rejected", "invalid_photo", "photos.1"), ("rejected", "invalid_photo", "photos.0")]
    assert session.exec(select(Hazard).where(Hazard.kiosk_id == kiosk.id)).all() == []


def test_a_version_1_report_is_still_taken(session: Session) -> None:
    kiosk, _ = make_kiosk(session)
    ack = _acks(_apply(session, [_message(kiosk.kiosk_id, _report())]))[0][1]
    assert ack.outcome == "accepted" and _photos_of(session, ack.hazard_ref) == []


def test_a_kiosk_report_marked_urgent_is_urgent_and_unmarked_is_not(session: Session) -> None:
    kiosk, _ = make_kiosk(session)
    urgent_report, plain_report = _report(category="gas", urgent=True), _report()
    acks = _acks(_apply(session, [_message(kiosk.kiosk_id, urgent_report), _message(kiosk.kiosk_id, plain_report)]))
    urgent = {session.exec(select(Hazard).where(Hazard.ref == ack.hazard_ref)).one().urgent for _, ack in acks}
    assert urgent == {True, False}
    [(_, refused)] = _acks(_apply(session, [_message(kiosk.kiosk_id, _report(urgent="yes please"))]))
    assert refused.outcome != "accepted"


def test_a_kiosk_report_with_photos_marked_urgent_is_urgent(session: Session) -> None:
    kiosk, _ = make_kiosk(session)
    [(_, ack)] = _acks(_apply(session, [_message(kiosk.kiosk_id, _report_v2([images.photo()], urgent=True))]))
    assert ack.outcome == "accepted"
    assert session.exec(select(Hazard).where(Hazard.ref == ack.hazard_ref)).one().urgent


def test_a_kiosk_report_of_unsafe_behaviour_keeps_when_and_who(session: Session) -> None:
    kiosk, _ = make_kiosk(session)
    behaviour = _report(behaviour_at="2026-11-24T07:40:00+08:00", behaviour_person="王班长", urgent=True)
    [(_, ack)] = _acks(_apply(session, [_message(kiosk.kiosk_id, behaviour)]))
    assert ack.outcome == "accepted"
    hazard = session.exec(select(Hazard).where(Hazard.ref == ack.hazard_ref)).one()
    assert (hazard.report_type, hazard.behaviour_person, hazard.urgent) == ("unsafe_act", "王班长", False)
    assert hazard.behaviour_at is not None
    [(_, refused)] = _acks(_apply(session, [_message(kiosk.kiosk_id, _report(behaviour_at="yesterday"))]))
    assert refused.outcome == "rejected" and refused.error.field == "behaviour_at"
    for end in ("0001-01-01T00:00:00+08:00", "9999-12-31T23:59:59-08:00"):  # the calendar's ends: an error ack
        [(_, refused)] = _acks(_apply(session, [_message(kiosk.kiosk_id, _report(behaviour_at=end))]))
        assert refused.outcome == "rejected" and refused.error.field == "behaviour_at", end
