"""The reporter hears back: a kiosk report's steps become notices to that kiosk, in the transition's transaction."""

from sqlmodel import Session, col, select

from safety_service.hazards.models import Hazard
from safety_service.hazards.states import Channel, Grade, HazardState
from safety_service.i18n import CATALOGUES
from safety_service.kiosks.models import Kiosk
from safety_service.outbox.models import OutboxMessage
from safety_service.protocol.kiosk_reads import KioskNotice
from tests.feedback.builders import advance
from tests.hazards.builders import make_hazard
from tests.kiosks.builders import make_kiosk


def _kiosk_hazard(session: Session, state: HazardState, **extra: object) -> tuple[Hazard, Kiosk]:
    kiosk, _ = make_kiosk(session)
    hazard = make_hazard(session, state=HazardState.reported, source=Channel.kiosk)
    hazard.kiosk_id = kiosk.id
    session.add(hazard)
    session.flush()
    return advance(session, hazard, state, **extra), kiosk


def _notices(session: Session, kiosk: Kiosk) -> list[KioskNotice]:
    topic = f"safety/tianchen/kiosk/{kiosk.kiosk_id}/notice"
    rows = session.exec(select(OutboxMessage).where(OutboxMessage.topic == topic).order_by(col(OutboxMessage.id))).all()
    assert all(r.qos == 1 and not r.retain for r in rows)
    return [KioskNotice.model_validate_json(r.payload) for r in rows]


def test_a_kiosk_report_taken_to_closed_sends_a_notice_at_each_step(session: Session) -> None:
    hazard, kiosk = _kiosk_hazard(session, HazardState.closed)
    notices = _notices(session, kiosk)
    assert [n.title.zh for n in notices] == ["您的隐患举报已核实", "您举报的隐患正在整改", "您举报的隐患已整改完成",
                                             "您举报的隐患已验收销号"]
    assert all(n.hazard_ref == hazard.ref for n in notices)
    assert [n.kind for n in notices] == ["report_feedback"] * 3 + ["report_closed"]  # the kiosk offers the rating
    assert "验收合格" in notices[-1].body.zh and notices[-1].body.en.startswith(f"Hazard {hazard.ref} was fixed")
    assert len({n.notice_id for n in notices}) == 4


def test_a_rejected_kiosk_report_hears_the_reason(session: Session) -> None:
    _, kiosk = _kiosk_hazard(session, HazardState.rejected)
    [notice] = _notices(session, kiosk)
    assert notice.title.zh == "您的隐患举报未予立案" and "原因：不属实" in notice.body.zh
    assert "Reason: 不属实" in notice.body.en


def test_a_major_hazard_notice_says_it_is_listed(session: Session) -> None:
    _, kiosk = _kiosk_hazard(session, HazardState.confirmed, grade=Grade.major)
    assert "挂牌督办" in _notices(session, kiosk)[0].body.zh


def test_a_qr_report_sends_no_notice(session: Session) -> None:
    before = len(session.exec(select(OutboxMessage.id)).all())
    make_hazard(session, state=HazardState.closed)
    assert len(session.exec(select(OutboxMessage.id)).all()) == before


def test_every_notice_message_is_in_both_catalogues() -> None:
    keys = {k for k in CATALOGUES["zh-CN"] if k.startswith("notice.")}
    assert keys == {k for k in CATALOGUES["en"] if k.startswith("notice.")} and len(keys) == 24
