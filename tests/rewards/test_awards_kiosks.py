"""The kiosks' idle rotation gets the public list of awards (奖励公示) as a retained message: queued when an award is
approved, paid or its reporter's consent changes, and at start when the kiosks never had the current list; a name
only with the reporter's consent, never a reference or tracking code."""

import json
import uuid

from sqlmodel import Session, col, select

from safety_service.clock import utc_now
from safety_service.hazards.states import HazardState, ReportType
from safety_service.locations import service as locations_service
from safety_service.locations.schemas import LocationCreate
from safety_service.outbox.models import OutboxMessage
from safety_service.people.models import Role
from safety_service.protocol.retained import Awards
from safety_service.protocol.topics import awards_topic
from safety_service.rewards import awards
from tests.hazards.builders import make_hazard
from tests.people.builders import make_person, make_user


def _setup(session: Session):
    """An approved-to-be award at a site of its own (so only this test's awards are on its topic)."""
    site = f"aw{uuid.uuid4().hex[:8]}"
    site_row = locations_service.ensure_site(session, code=site, name_zh="测试矿")
    place = locations_service.add_location(session, site=site_row, data=LocationCreate(
        code=f"L{uuid.uuid4().hex[:8]}", name_zh="3号联络巷"))
    person = make_person(session, name="李强")
    hazard = make_hazard(session, state=HazardState.confirmed, location=place,
                         reporter_employee_no=person.employee_no)
    award = awards.propose(session, hazard=hazard, actor=make_user(session, role=Role.officer), now=utc_now(),
                           report_type=ReportType.unsafe_act)
    return site, award, hazard, person


def _published(session: Session, site: str) -> list[Awards]:
    rows = session.exec(select(OutboxMessage).where(OutboxMessage.topic == awards_topic(site))
                        .order_by(col(OutboxMessage.id))).all()
    assert all(row.retain for row in rows)
    return [Awards.model_validate(json.loads(row.payload)) for row in rows]


def test_an_approved_award_reaches_the_kiosks_and_the_name_only_with_consent(session: Session) -> None:
    site, award, hazard, person = _setup(session)
    assert _published(session, site) == []  # a proposal is not yet an award
    awards.decide(session, award=award, approved=True, reason=None, actor=make_user(session, role=Role.chief),
                  now=utc_now())
    [approved] = _published(session, site)
    [line] = approved.awards
    assert (line.location, line.grade, line.report_type, line.amount, line.name) == (
        "3号联络巷", "general", "unsafe_act", f"{award.amount:.2f}", None)
    assert hazard.ref not in approved.model_dump_json() and hazard.tracking_code not in approved.model_dump_json()
    awards.consent(session, hazard=hazard, employee_no=person.employee_no, shown=True)
    assert _published(session, site)[-1].awards[0].name == "李强"
    awards.consent(session, hazard=hazard, employee_no=person.employee_no, shown=False)
    assert _published(session, site)[-1].awards[0].name is None


def test_a_refused_award_never_reaches_the_kiosks(session: Session) -> None:
    site, award, _, _ = _setup(session)
    awards.decide(session, award=award, approved=False, reason="班组自查已发现", actor=make_user(session, role=Role.chief),
                  now=utc_now())
    assert _published(session, site) == []
    assert awards.ensure_published(session, site=site, now=utc_now()) is not None
    assert _published(session, site)[-1].awards == []


def test_at_start_the_list_is_queued_only_when_the_kiosks_lack_the_current_one(session: Session) -> None:
    site, award, _, _ = _setup(session)
    assert awards.ensure_published(session, site=site, now=utc_now()) is not None
    assert awards.ensure_published(session, site=site, now=utc_now()) is None
    award.state, award.decided_at = "approved", utc_now()  # as a restore would bring it back, without a message
    session.add(award)
    session.flush()
    assert awards.ensure_published(session, site=site, now=utc_now()) is not None
    assert len(_published(session, site)[-1].awards) == 1
