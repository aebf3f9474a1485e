"""Bulletins: publishing and retiring rewrite the retained message through the outbox; reads once each."""

import json
import uuid
from datetime import timedelta

import pytest
from sqlmodel import Session, col, select

from safety_service.bulletins import reads as bulletins_reads
from safety_service.bulletins import scheduled as bulletins_scheduled
from safety_service.bulletins import service as bulletins_service
from safety_service.bulletins.models import BulletinRead, BulletinState
from safety_service.bulletins.schemas import BulletinCreate
from safety_service.clock import utc_now
from safety_service.config import Settings
from safety_service.errors import InvalidInput, InvalidTransition, NotFound
from safety_service.outbox.models import OutboxMessage
from safety_service.people.models import Person, Role
from safety_service.protocol.retained import Bulletin as BulletinPayload
from tests.bulletins.builders import make_bulletin
from tests.locations.builders import make_area
from tests.people.builders import make_person, make_user

SITE = "tianchen"


def _retained(session: Session, site: str = SITE) -> BulletinPayload:
    row = session.exec(select(OutboxMessage).where(OutboxMessage.topic == f"safety/{site}/bulletin")
                       .order_by(col(OutboxMessage.id).desc())).first()
    assert row is not None and row.retain and row.qos == 1
    return BulletinPayload.model_validate_json(row.payload)


def test_publishing_puts_the_bulletin_into_the_retained_set(session: Session) -> None:
    bulletin = make_bulletin(session, site="s-pub")
    payload = _retained(session, "s-pub")
    assert [b.id for b in payload.bulletins] == [bulletin.id]
    assert payload.bulletins[0].title.zh == "冬季防火" and payload.bulletins[0].title.en == "Winter fire safety"


def test_retiring_takes_it_out_of_the_retained_set(session: Session) -> None:
    first = make_bulletin(session, site="s-ret")
    second = make_bulletin(session, site="s-ret", title="顶板管理")
    bulletins_service.retire(session, bulletin=first, now=utc_now())
    assert [b.id for b in _retained(session, "s-ret").bulletins] == [second.id]


def test_a_draft_is_not_sent_and_cannot_be_retired(session: Session) -> None:
    draft = make_bulletin(session, site="s-draft", publish=False)
    assert session.exec(select(OutboxMessage).where(OutboxMessage.topic == "safety/s-draft/bulletin")).first() is None
    with pytest.raises(InvalidTransition):
        bulletins_service.retire(session, bulletin=draft, now=utc_now())


def test_an_unknown_target_area_is_refused_naming_the_field(session: Session) -> None:
    officer = make_user(session)
    with pytest.raises(InvalidInput) as caught:
        bulletins_service.create(session, data=BulletinCreate(title_zh="标题", body_zh="正文", areas=["NOPE"]),
                                 actor=officer, site=SITE)
    assert caught.value.field == "areas"


def test_the_report_page_bulletin_is_the_newest_for_the_area_or_the_site(session: Session) -> None:
    area, other = make_area(session), make_area(session)
    site_wide = make_bulletin(session, site="s-area")
    for_area = make_bulletin(session, site="s-area", areas=[area.code])
    now = utc_now()
    assert bulletins_service.for_area(session, site="s-area", area_code=area.code, now=now).id == for_area.id
    assert bulletins_service.for_area(session, site="s-area", area_code=other.code, now=now).id == site_wide.id


def test_the_expiry_job_retires_expired_bulletins_once(session: Session, settings: Settings) -> None:
    site = f"s-{uuid.uuid4().hex[:6]}"
    bulletin = make_bulletin(session, site=site)
    bulletin.valid_to = utc_now() + timedelta(hours=1)
    session.add(bulletin)
    later = utc_now() + timedelta(hours=2)
    job_settings = settings.model_copy(update={"site": site})
    assert bulletins_scheduled.retire_expired(session, now=later, settings=job_settings) == 1
    assert bulletins_scheduled.retire_expired(session, now=later, settings=job_settings) == 0
    assert bulletin.state == BulletinState.retired and _retained(session, site).bulletins == []


def _read(bulletin_id: int, employee_no: str, read_id: str | None = None) -> bulletins_reads.ReadInput:
    return bulletins_reads.ReadInput(read_id=read_id or str(uuid.uuid4()), bulletin_id=bulletin_id,
                                     employee_no=employee_no, read_at=utc_now())


def test_a_confirmation_is_recorded_once_however_often_it_comes(session: Session) -> None:
    bulletin, person = make_bulletin(session), make_person(session)
    read_id = str(uuid.uuid4())
    reads = [_read(bulletin.id, person.employee_no, read_id)] * 2 + [_read(bulletin.id, person.employee_no)]
    assert bulletins_reads.record_reads(session, reads=reads, now=utc_now()) == [None, None, None]
    bulletins_reads.record_reads(session, reads=reads[:1], now=utc_now())
    rows = session.exec(select(BulletinRead).where(BulletinRead.bulletin_id == bulletin.id)).all()
    assert len(rows) == 1 and rows[0].person_id == person.id


def test_the_database_refuses_a_second_confirmation_of_one_worker(session: Session) -> None:
    bulletin = make_bulletin(session)
    session.add(BulletinRead(read_id=str(uuid.uuid4()), bulletin_id=bulletin.id, employee_no="9", read_at=utc_now()))
    session.flush()
    with pytest.raises(Exception, match=r"(?i)unique"), session.begin_nested():
        session.add(BulletinRead(read_id=str(uuid.uuid4()), bulletin_id=bulletin.id, employee_no="9",
                                 read_at=utc_now()))
        session.flush()


def test_a_confirmation_of_an_unknown_or_draft_bulletin_is_an_error(session: Session) -> None:
    draft = make_bulletin(session, publish=False)
    errors = bulletins_reads.record_reads(session, reads=[_read(draft.id, "1"), _read(999_999, "1")], now=utc_now())
    assert all(isinstance(e, NotFound) and e.field == "bulletin_id" for e in errors)


def test_read_rates_per_bulletin_area_and_team(session: Session) -> None:
    area = make_area(session)
    people = [make_person(session, team=team) for team in ("掘进一队", "掘进一队", "机电队")]
    office = session.get(Person, make_user(session, role=Role.officer).person_id)  # not in the audience
    for person in (*people, office):
        person.area_id = area.id
        session.add(person)
    bulletin = make_bulletin(session, areas=[area.code])
    bulletins_reads.record_reads(session, reads=[_read(bulletin.id, people[0].employee_no)], now=utc_now())
    rates = bulletins_reads.read_rates(session, bulletin=bulletin)
    assert (rates.overall.readers, rates.overall.audience) == (1, 3)
    assert [(r.key, r.readers, r.audience) for r in rates.by_area] == [(area.code, 1, 3)]
    assert {r.key: (r.readers, r.audience) for r in rates.by_team} == {"掘进一队": (1, 2), "机电队": (0, 1)}
    assert json.loads(rates.model_dump_json())["overall"]["rate"] == pytest.approx(1 / 3, abs=1e-3)
    assert bulletins_reads.overall_rates(session, bulletins=[bulletin])[bulletin.id].audience == 3
