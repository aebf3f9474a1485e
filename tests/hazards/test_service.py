"""One report function for every channel: references, tracking codes, idempotency, concurrency."""

import threading
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from safety_service.clock import utc_now
from safety_service.config import Settings
from safety_service.database import session_scope
from safety_service.errors import InvalidInput, NotFound
from safety_service.hazards import intake as hazards_intake
from safety_service.hazards import listing
from safety_service.hazards import service as hazards_service
from safety_service.hazards.models import Hazard, HazardEvent
from safety_service.hazards.schemas import HazardConfirm, HazardFilters, HazardReject, HazardReport, StepLimits
from safety_service.hazards.states import Channel, Grade, HazardState
from safety_service.locations.models import Location
from safety_service.people.models import Role
from tests.hazards.builders import make_hazard
from tests.history import history_unlocked
from tests.locations.builders import make_location
from tests.people.builders import make_person, make_user

LIMITS = StepLimits.of(Settings.model_construct())  # the default time limits of the steps


def _report(location_code: str, **extra: object) -> HazardReport:
    return HazardReport(location_code=location_code, description="主运输巷皮带跑偏", source=Channel.kiosk, **extra)


def test_a_batchs_tracking_codes_use_every_letter_in_every_place_and_never_repeat() -> None:
    codes = hazards_intake.new_tracking_codes(3000)
    assert len(set(codes)) == 3000 and {len(code) for code in codes} == {12}
    for place in range(12):  # each place five random bits: all 32 letters in 3,000 codes (a miss: e^-95)
        assert {code[place] for code in codes} == set(hazards_intake.TRACKING_ALPHABET)
    assert hazards_intake.new_tracking_codes(0) == []


def test_a_report_gets_a_yearly_reference_an_unguessable_tracking_code_and_its_first_event(
        session: Session) -> None:
    location = make_location(session)
    new_year = datetime(2027, 1, 1, 1, 0, tzinfo=UTC)  # already 2027 in Shanghai
    first, created = hazards_intake.report_hazard(session, data=_report(location.code), now=new_year)
    second, _ = hazards_intake.report_hazard(session, data=_report(location.code), now=new_year)
    assert created and first.ref == "YH-2027-000001" and second.ref == "YH-2027-000002"
    assert len(first.tracking_code) == 12 and first.tracking_code != second.tracking_code
    assert set(first.tracking_code) <= set(hazards_intake.TRACKING_ALPHABET)
    events = hazards_service.history(session, hazard=first)
    assert [(e.action, e.to_state) for e, _ in events] == [("reported", "reported")]
    found = hazards_service.get_by_tracking_code(
        session, code=f"{first.tracking_code[:4].lower()}-{first.tracking_code[4:]}")
    assert found.id == first.id


def test_an_anonymous_report_names_nobody(session: Session) -> None:
    hazard, _ = hazards_intake.report_hazard(session, data=_report(make_location(session).code))
    assert hazard.reporter_person_id is None and hazard.reporter_name is None


def test_a_named_report_links_the_known_person(session: Session) -> None:
    person = make_person(session, name="王五")
    hazard, _ = hazards_intake.report_hazard(
        session, data=_report(make_location(session).code, reporter_employee_no=person.employee_no))
    assert hazard.reporter_person_id == person.id and hazard.reporter_name == "王五"


def test_a_retired_location_or_unknown_category_is_refused(session: Session) -> None:
    location = make_location(session)
    location.active = False
    with pytest.raises(NotFound) as refused:
        hazards_intake.report_hazard(session, data=_report(location.code))
    assert refused.value.field == "location_code"
    with pytest.raises(NotFound) as refused:
        hazards_intake.report_hazard(session, data=_report(make_location(session).code, category_code="ghosts"))
    assert refused.value.field == "category_code"


def test_a_repeated_report_id_returns_the_first_hazard(session: Session) -> None:
    location = make_location(session)
    data = _report(location.code, client_report_id="kiosk-7:5f0c9a1e")
    first, created_first = hazards_intake.report_hazard(session, data=data)
    again, created_again = hazards_intake.report_hazard(session, data=data)
    assert (created_first, created_again) == (True, False) and first.id == again.id


def test_a_duplicate_names_its_original(session: Session) -> None:
    original = make_hazard(session)
    duplicate = make_hazard(session)
    officer = make_user(session, role=Role.officer)
    with pytest.raises(InvalidInput):
        hazards_service.reject(session, hazard=duplicate, actor=officer,
                               data=HazardReject(reason="重复", duplicate_of=duplicate.ref))
    hazards_service.reject(session, hazard=duplicate, actor=officer,
                           data=HazardReject(reason="重复", duplicate_of=original.ref))
    assert duplicate.duplicate_of_id == original.id and duplicate.state == HazardState.rejected


@pytest.fixture
def committed_location(engine: Engine) -> Iterator[Location]:
    """A location committed for real (for tests across sessions), removed with its hazards afterwards."""
    with session_scope(engine) as session:
        location = make_location(session)
    yield location
    with session_scope(engine) as session:
        ids = select(Hazard.id).where(Hazard.location_id == location.id)
        with history_unlocked(session, "hazard_event"):
            session.exec(delete(HazardEvent).where(HazardEvent.hazard_id.in_(ids)))
        session.exec(delete(Hazard).where(Hazard.location_id == location.id))
        session.exec(delete(Location).where(Location.id == location.id))


def test_the_same_report_sent_at_once_from_many_threads_makes_one_hazard(
        engine: Engine, committed_location: Location) -> None:
    data = _report(committed_location.code, client_report_id="kiosk-3:same-report-0001")
    barrier, refs, errors = threading.Barrier(6), [], []

    def send() -> None:
        try:
            barrier.wait()
            with session_scope(engine) as session:
                refs.append(hazards_intake.report_hazard(session, data=data)[0].ref)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=send) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == [] and len(set(refs)) == 1 and len(refs) == 6
    with Session(engine) as session:
        stored = session.exec(select(Hazard).where(Hazard.client_report_id == data.client_report_id)).all()
    assert len(stored) == 1


def test_two_officers_confirming_at_once_cannot_both_win(engine: Engine, committed_location: Location) -> None:
    with session_scope(engine) as session:
        ref = hazards_intake.report_hazard(session, data=_report(committed_location.code))[0].ref
        officer = make_user(session, role=Role.officer)
    with Session(engine, expire_on_commit=False) as first, Session(engine, expire_on_commit=False) as second:
        one = hazards_service.get_hazard(first, ref=ref)
        two = hazards_service.get_hazard(second, ref=ref)
        hazards_service.confirm(first, hazard=one, actor=officer,
                                data=HazardConfirm(grade=Grade.general, category_code="roof"))
        first.commit()
        with pytest.raises(Exception) as lost:
            hazards_service.confirm(second, hazard=two, actor=officer,
                                    data=HazardConfirm(grade=Grade.major, category_code="gas", major_criterion=1))
            second.commit()
        # PostgreSQL: the version check finds the row changed; SQLite: the stale read snapshot may not write.
        assert type(lost.value).__name__ in {"StaleDataError", "OperationalError"}
    with Session(engine) as session:
        hazard = hazards_service.get_hazard(session, ref=ref)
        assert hazard.grade == Grade.general
        events = session.exec(select(HazardEvent).where(HazardEvent.hazard_id == hazard.id)).all()
        assert [e.action for e in events] == ["reported", "confirm"]


def test_a_batch_is_applied_in_order_with_refusals_and_repeats_answered_per_report(session: Session) -> None:
    here = make_location(session)
    earlier, _ = hazards_intake.report_hazard(session, data=_report(here.code, client_report_id="kiosk-1:earlier-01"))
    batch = [
        _report(here.code, client_report_id="kiosk-1:new-000001"),
        _report("NOWHERE", client_report_id="kiosk-1:bad-location"),
        _report(here.code, client_report_id="kiosk-1:earlier-01"),
        _report(here.code, client_report_id="kiosk-1:new-000001"),
        _report(here.code),
        _report(here.code, category_code="ghosts"),
    ]
    receipts = hazards_intake.report_hazards(session, reports=batch)
    assert [r.created for r in receipts] == [True, False, False, False, True, False]
    assert receipts[1].error is not None and receipts[1].error.field == "location_code"
    assert receipts[5].error is not None and receipts[5].error.field == "category_code"
    assert receipts[2].hazard_id == earlier.id and receipts[3].ref == receipts[0].ref
    numbers = [int(receipts[i].ref.rsplit("-", 1)[1]) for i in (0, 4)]
    assert numbers[1] == numbers[0] + 1 == int(earlier.ref.rsplit("-", 1)[1]) + 2
    stored = session.exec(select(Hazard).where(Hazard.location_id == here.id)).all()
    assert len(stored) == 3
    for hazard in stored:
        events = hazards_service.history(session, hazard=hazard)
        assert [(e.action, e.to_state) for e, _ in events] == [("reported", "reported")]
    # The batch's hazards are in the full-text index (on SQLite the intake feeds FTS5 itself).
    officer = make_user(session, role=Role.officer)
    for text in ("皮带跑偏", receipts[0].ref, receipts[4].ref):
        found = listing.list_hazards(session, filters=HazardFilters(q=text, location=here.code), user=officer,
                                     now=utc_now(), limits=LIMITS)
        expected = {h.ref for h in stored} if text == "皮带跑偏" else {text}
        assert {row["ref"] for row in found["data"]} == expected and found["count"] == len(expected)
