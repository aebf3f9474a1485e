"""Plans make due rounds; a round is recorded once in its window; not-OK items become linked hazards."""

from datetime import UTC, datetime

import pytest
from sqlmodel import Session, select

from safety_service.errors import AlreadyExists, InvalidInput, InvalidTransition, PermissionDenied
from safety_service.hazards.models import Hazard
from safety_service.inspections import queries
from safety_service.inspections import service as inspections_service
from safety_service.inspections.models import InspectionRound
from safety_service.inspections.schemas import ItemCheck, PlanCreate, RoundRecord
from safety_service.inspections.states import RoundState
from safety_service.notifications.models import Notification
from safety_service.people.models import Role, User
from tests.inspections.builders import at, make_plan, rounds_of
from tests.people.builders import make_user
from tests.risks.builders import make_risk_point

TZ = "Asia/Shanghai"


def _answers(session: Session, inspection: InspectionRound, bad: int | None = None) -> list[ItemCheck]:
    items = inspections_service.checklist(session, risk_point_id=inspection.risk_point_id)
    return [ItemCheck(control_id=i.control_id, ok=i.control_id != bad,
                      note="支架初撑力不足" if i.control_id == bad else None) for i in items]


def test_the_schedule_makes_rounds_once_and_marks_the_missed(session: Session) -> None:
    point = make_risk_point(session)
    plan = make_plan(session, points=[point], frequency="weekly")
    made = inspections_service.schedule(session, now=at("2026-11-18T09:00"), timezone=TZ)
    assert made >= 3
    again = inspections_service.schedule(session, now=at("2026-11-18T09:30"), timezone=TZ)
    assert again == 0
    found = rounds_of(session, plan)
    assert [r.window_start for r in found][-1] == at("2026-11-16T00:00")
    assert [r.state for r in found][-1] == RoundState.due
    assert all(r.state == RoundState.missed for r in found[:-1])
    notices = session.exec(select(Notification).where(Notification.kind == "round_missed")).all()
    assert {n.data["round_id"] for n in notices} >= {r.id for r in found[:-1]}
    assert plan.inspector_id in {n.user_id for n in notices}


def test_a_round_with_nothing_found_is_a_record(session: Session) -> None:
    point = make_risk_point(session)
    plan = make_plan(session, points=[point])
    inspections_service.schedule(session, now=at("2026-11-03T09:00"), timezone=TZ)
    inspection = rounds_of(session, plan)[-1]
    inspector = session.get(type(make_user(session)), plan.inspector_id)
    data = RoundRecord(client_round_id="phone-round-0001", items=_answers(session, inspection))
    inspections_service.record_round(session, inspection=inspection, data=data, actor=inspector,
                                     now=at("2026-11-03T10:00"), timezone=TZ)
    public = queries.one(session, inspection=inspection)
    assert public.state == RoundState.done and len(public.items) == 2 and all(i.ok for i in public.items)
    # the phone sends it again: the same record, nothing new
    inspections_service.record_round(session, inspection=inspection, data=data, actor=inspector,
                                     now=at("2026-11-03T10:05"), timezone=TZ)
    with pytest.raises(InvalidTransition):
        inspections_service.record_round(session, inspection=inspection, data=RoundRecord(
            client_round_id="phone-round-0002", items=data.items), actor=inspector, now=at("2026-11-03T10:05"),
            timezone=TZ)


def test_a_failed_control_becomes_a_linked_hazard_and_a_major_point_tells_the_chief(session: Session) -> None:
    point = make_risk_point(session, likelihood=5, severity=5)
    chief = make_user(session, role=Role.chief)
    plan = make_plan(session, points=[point])
    inspections_service.schedule(session, now=at("2026-11-03T09:00"), timezone=TZ)
    inspection = rounds_of(session, plan)[-1]
    inspector = session.get(type(chief), plan.inspector_id)
    bad = inspections_service.checklist(session, risk_point_id=point.id)[1].control_id
    data = RoundRecord(client_round_id="phone-round-0101", items=_answers(session, inspection, bad=bad),
                       checked_at=at("2026-11-03T08:30"))
    inspections_service.record_round(session, inspection=inspection, data=data, actor=inspector,
                                     now=at("2026-11-03T10:00"), timezone=TZ)
    hazard = session.exec(select(Hazard).where(Hazard.failed_control_id == bad)).one()
    assert (hazard.source, hazard.risk_point_id, hazard.recorded_by_id) == ("inspection", point.id, inspector.id)
    assert "支架初撑力不足" in hazard.description
    public = queries.one(session, inspection=inspection)
    assert [i.hazard_ref for i in public.items if not i.ok] == [hazard.ref]
    told = session.exec(select(Notification).where(Notification.kind == "major_point_hazard",
                                                   Notification.user_id == chief.id)).all()
    assert [n.hazard_id for n in told] == [hazard.id]


def test_refusals(session: Session) -> None:
    point = make_risk_point(session)
    plan = make_plan(session, points=[point])
    inspections_service.schedule(session, now=at("2026-11-03T09:00"), timezone=TZ)
    inspection = rounds_of(session, plan)[-1]
    inspector = session.get(type(make_user(session)), plan.inspector_id)
    other = make_user(session, role=Role.owner)
    items = _answers(session, inspection)

    def record(actor: User, **changes: object) -> InspectionRound:
        data = RoundRecord(**{"client_round_id": "phone-round-0201", "items": items, **changes})
        return inspections_service.record_round(session, inspection=inspection, data=data, actor=actor,
                                                now=at("2026-11-03T10:00"), timezone=TZ)

    with pytest.raises(PermissionDenied):
        record(other)
    with pytest.raises(InvalidInput, match="checklist"):
        record(inspector, items=items[:1])
    with pytest.raises(InvalidInput, match="wrong"):
        record(inspector, items=[items[0], ItemCheck(control_id=items[1].control_id, ok=False)])
    with pytest.raises(InvalidTransition):
        record(inspector, checked_at=at("2026-10-20T10:00"))
    with pytest.raises(InvalidInput):
        record(inspector, location_code="NOT-HERE")
    record(inspector)
    second = make_plan(session, points=[point], inspector=inspector)
    inspections_service.schedule(session, now=at("2026-11-03T09:00"), timezone=TZ)
    with pytest.raises(AlreadyExists):
        inspections_service.record_round(session, inspection=rounds_of(session, second)[-1], data=RoundRecord(
            client_round_id="phone-round-0201", items=items), actor=inspector, now=at("2026-11-03T10:00"), timezone=TZ)


def test_an_offline_round_done_in_its_window_counts_after_it_was_marked_missed(session: Session) -> None:
    point = make_risk_point(session)
    plan = make_plan(session, points=[point])
    inspections_service.schedule(session, now=at("2026-11-08T23:00"), timezone=TZ)
    inspections_service.schedule(session, now=at("2026-11-09T01:00"), timezone=TZ)
    inspection = rounds_of(session, plan)[-2]
    assert inspection.state == RoundState.missed
    inspector = session.get(type(make_user(session)), plan.inspector_id)
    data = RoundRecord(client_round_id="phone-round-0301", items=_answers(session, inspection),
                       checked_at=at("2026-11-08T22:00"))
    inspections_service.record_round(session, inspection=inspection, data=data, actor=inspector,
                                     now=at("2026-11-09T01:10"), timezone=TZ)
    assert inspection.state == RoundState.done and inspection.missed_at is None


def test_only_inspecting_roles_take_plans(session: Session) -> None:
    point = make_risk_point(session)
    miner = make_user(session, role=Role.miner)
    with pytest.raises(InvalidInput) as refused:
        inspections_service.add_plan(session, data=PlanCreate(
            name="x", inspector=miner.username, post="班组长", frequency="shift", starts_on="2026-11-01",
            risk_point_codes=[point.code]), actor=miner)
    assert refused.value.field == "inspector"


def test_coverage_counts_done_missed_and_found(session: Session) -> None:
    point, idle = make_risk_point(session), make_risk_point(session)
    plan = make_plan(session, points=[point], leader_round=True)
    inspections_service.schedule(session, now=at("2026-11-10T09:00"), timezone=TZ)
    first, second = rounds_of(session, plan)[1:3]
    inspector = session.get(type(make_user(session)), plan.inspector_id)
    bad = inspections_service.checklist(session, risk_point_id=point.id)[0].control_id
    inspections_service.record_round(session, inspection=second, data=RoundRecord(
        client_round_id="phone-round-0401", items=_answers(session, second, bad=bad)), actor=inspector,
        now=at("2026-11-10T10:00"), timezone=TZ)
    figures = queries.coverage(session, start=at("2026-11-01T00:00").astimezone(UTC),
                               end=at("2026-11-11T00:00").astimezone(UTC), first=datetime(2026, 11, 1).date(),
                               last=datetime(2026, 11, 10).date())
    mine = next(p for p in figures.by_point if p.risk_point_code == point.code)
    assert (mine.due, mine.done, mine.missed, mine.inspectors) == (2, 1, 1, [inspector.username])
    person = next(p for p in figures.by_inspector if p.inspector == inspector.username)
    assert (person.leader_round, person.hazards_found) == (True, 1)
    assert idle.code in figures.unplanned_points and point.code not in figures.unplanned_points
    assert first.state == RoundState.missed


def test_a_photo_goes_with_the_hazard_of_its_not_ok_item_and_never_with_an_ok_one(session: Session) -> None:
    from safety_service.photos.models import HazardPhoto
    from safety_service.photos.processing import process_photo
    from tests.photos.images import photo

    point = make_risk_point(session, controls=2)
    plan = make_plan(session, points=[point])
    inspections_service.schedule(session, now=at("2026-11-03T09:00"), timezone=TZ)
    inspection = rounds_of(session, plan)[-1]
    inspector = session.get(User, plan.inspector_id)
    items = _answers(session, inspection, bad=inspections_service.checklist(
        session, risk_point_id=point.id)[1].control_id)
    shot = process_photo(photo("JPEG", (800, 600)), max_bytes=10 << 20, max_pixels=50_000_000, max_side=1600)
    good, bad = items[0].control_id, items[1].control_id
    with pytest.raises(InvalidInput) as refused:
        inspections_service.record_round(session, inspection=inspection, data=RoundRecord(
            client_round_id="photo-round-0001", items=items), actor=inspector, now=at("2026-11-03T10:00"),
            timezone=TZ, photos={good: shot})
    assert refused.value.field == "photos" and inspection.state == RoundState.due
    inspections_service.record_round(session, inspection=inspection, data=RoundRecord(
        client_round_id="photo-round-0002", items=items), actor=inspector, now=at("2026-11-03T10:00"),
        timezone=TZ, photos={bad: shot})
    hazard = session.exec(select(Hazard).where(Hazard.failed_control_id == bad,
                                               Hazard.risk_point_id == point.id)).one()
    assert len(session.exec(select(HazardPhoto).where(HazardPhoto.hazard_id == hazard.id)).all()) == 1
