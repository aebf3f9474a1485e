"""Violations with severity from the standard list, their measures and completion, and the ladder they start."""

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from safety_service.clock import utc_now
from safety_service.config import Settings
from safety_service.counselling import items, violations
from safety_service.counselling.models import CounsellingCase, ViolationItem
from safety_service.counselling.states import MeasureKind, ViolationKind, ViolationSeverity
from safety_service.counselling.violation_schemas import (
    MeasureComplete,
    MeasureInput,
    ViolationCreate,
    ViolationItemCreate,
)
from safety_service.errors import AlreadyExists, InvalidInput, PermissionDenied
from safety_service.people.models import Person, Role
from tests.counselling.builders import SETTINGS
from tests.locations.builders import make_location
from tests.people.builders import auth, make_person, make_user

API = "/api/v1"
NO_AUTO_OPEN = SETTINGS.model_copy(update={"counselling_auto_open": False})


def _item(session: Session, title: str) -> ViolationItem:
    return session.exec(select(ViolationItem).where(ViolationItem.title == title)).one()


def _record(session: Session, person: Person, *, days_ago: int = 0, settings: Settings = NO_AUTO_OPEN,
            **extra: object):
    now = utc_now()
    data = ViolationCreate(employee_no=person.employee_no, occurred_at=now - timedelta(days=days_ago, hours=1),
                           location_code=make_location(session).code, description="现场查处",
                           **{"kind": ViolationKind.illegal_operation, **extra})
    return violations.record_violation(session, data=data, actor=make_user(session, role=Role.officer),
                                       settings=settings, now=now)


def test_the_migration_seeds_the_standard_list_with_all_three_kinds_and_severities(session: Session) -> None:
    listed = items.list_items(session)
    assert {i.kind for i in listed} == set(ViolationKind)
    assert {i.severity for i in listed} == set(ViolationSeverity)
    drunk = _item(session, "酒后入井或班中饮酒")
    assert (drunk.kind, drunk.severity, drunk.study_days) == (ViolationKind.labour_discipline, "serious", 5)


def test_an_item_gives_its_severity_and_measures_unless_the_recorder_says_otherwise(session: Session) -> None:
    item = _item(session, "违章放炮（未执行“一炮三检”“三人连锁”）")
    violation = _record(session, make_person(session), item_id=item.id)
    public = violations.get_violation(session, violation_id=violation.id, user=make_user(session, role=Role.admin))
    assert public.severity == ViolationSeverity.serious and public.item_title == item.title
    assert {(m.kind, m.amount) for m in public.measures} == {
        (MeasureKind.fine, 500), (MeasureKind.study_class, 5), (MeasureKind.suspension, 3), (MeasureKind.talk, 0)}
    own = _record(session, make_person(session), item_id=item.id, severity=ViolationSeverity.general,
                  measures=[MeasureInput(kind=MeasureKind.fine, amount=200)])
    public = violations.get_violation(session, violation_id=own.id, user=make_user(session, role=Role.admin))
    assert public.severity == ViolationSeverity.general and [(m.kind, m.amount) for m in public.measures] == [
        (MeasureKind.fine, 200)]


def test_an_item_of_another_kind_or_a_retired_one_or_twice_the_same_measure_is_refused(session: Session) -> None:
    worker, drunk = make_person(session), _item(session, "酒后入井或班中饮酒")
    with pytest.raises(InvalidInput) as other_kind:
        _record(session, worker, item_id=drunk.id)
    assert other_kind.value.field == "item_id"
    drunk.active = False
    with pytest.raises(InvalidInput) as retired:
        _record(session, worker, item_id=drunk.id, kind=ViolationKind.labour_discipline)
    assert retired.value.field == "item_id"
    twice = [MeasureInput(kind=MeasureKind.fine, amount=50), MeasureInput(kind=MeasureKind.fine, amount=100)]
    with pytest.raises(InvalidInput) as doubled:
        _record(session, worker, measures=twice)
    assert doubled.value.field == "measures"


def test_serious_or_repeat_opens_a_case_higher_up_even_without_auto_open(session: Session) -> None:
    first = _record(session, make_person(session))
    assert first.case_id is None and not first.repeat
    serious = _record(session, make_person(session), severity=ViolationSeverity.serious)
    assert session.get(CounsellingCase, serious.case_id).level == 2
    worker = make_person(session)
    _record(session, worker, days_ago=30, severity=ViolationSeverity.serious)
    repeat = _record(session, worker, severity=ViolationSeverity.serious)
    assert repeat.repeat and session.get(CounsellingCase, repeat.case_id).level == 3


def test_irregular_behaviour_never_opens_a_case_and_an_old_violation_is_no_repeat(session: Session) -> None:
    worker = make_person(session)
    irregular = _record(session, worker, severity=ViolationSeverity.irregular, settings=SETTINGS)
    assert irregular.case_id is None
    assert not _record(session, worker).repeat  # 不规范行为 do not make the next one a repeat
    other = make_person(session)
    _record(session, other, days_ago=200)
    assert not _record(session, other).repeat


def test_only_the_safety_office_completes_a_measure_and_only_once(session: Session) -> None:
    violation = _record(session, make_person(session), measures=[MeasureInput(kind=MeasureKind.study_class, amount=3)])
    measure_id = violations.get_violation(session, violation_id=violation.id,
                                          user=make_user(session, role=Role.admin)).measures[0].id
    for role in (Role.supervisor, Role.counsellor, Role.miner, Role.owner):
        with pytest.raises(PermissionDenied):
            items.complete_measure(session, violation_id=violation.id, measure_id=measure_id, data=MeasureComplete(),
                                   actor=make_user(session, role=role))
    officer = make_user(session, role=Role.officer)
    done = items.complete_measure(session, violation_id=violation.id, measure_id=measure_id,
                                  data=MeasureComplete(note="学习班结业考试合格"), actor=officer)
    assert done.completed_by_id == officer.id and done.completed_at is not None
    with pytest.raises(AlreadyExists):
        items.complete_measure(session, violation_id=violation.id, measure_id=measure_id, data=MeasureComplete(),
                               actor=officer)


def test_only_admins_keep_the_standard_list(session: Session) -> None:
    data = ViolationItemCreate(kind=ViolationKind.illegal_operation, title="检修时未挂停电牌", severity="serious",
                               fine_yuan=300, study_days=3)
    with pytest.raises(PermissionDenied):
        items.add_item(session, data=data, actor=make_user(session, role=Role.chief))
    item = items.add_item(session, data=data, actor=make_user(session, role=Role.admin))
    with pytest.raises(AlreadyExists) as twice:
        items.add_item(session, data=data, actor=make_user(session, role=Role.admin))
    assert twice.value.field == "title" and item.id is not None


def test_the_api_keeps_the_list_records_with_an_item_and_completes_measures(
        client: TestClient, session: Session, settings: Settings) -> None:
    as_admin = auth(make_user(session, role=Role.admin), settings)
    as_officer = auth(make_user(session, role=Role.officer), settings)
    as_supervisor = auth(make_user(session, role=Role.supervisor), settings)
    body = {"kind": "illegal_command", "title": "安排人员进入盲巷作业", "severity": "serious", "fine_yuan": 800}
    assert client.post(f"{API}/violation-items", json=body, headers=as_officer).status_code == 403
    created = client.post(f"{API}/violation-items", json=body, headers=as_admin)
    assert created.status_code == 201, created.text
    bad = client.patch(f"{API}/violation-items/{created.json()['id']}", json={"fine_yuan": -1}, headers=as_admin)
    assert bad.status_code == 422 and "fine_yuan" in bad.text
    listed = client.get(f"{API}/violation-items?active=true", headers=as_supervisor).json()
    assert body["title"] in {i["title"] for i in listed}
    violation = client.post(f"{API}/violations", headers=as_supervisor, json={
        "employee_no": make_person(session).employee_no, "kind": "illegal_command", "item_id": created.json()["id"],
        "occurred_at": utc_now().isoformat(), "location_code": make_location(session).code, "description": "盲巷"})
    assert violation.status_code == 201, violation.text
    assert violation.json()["severity"] == "serious" and violation.json()["measures"][0]["amount"] == 800
    path = f"{API}/violations/{violation.json()['id']}/measures/{violation.json()['measures'][0]['id']}/complete"
    assert client.post(path, json={}, headers=as_supervisor).status_code == 403
    done = client.post(path, json={"note": "已缴纳"}, headers=as_officer)
    assert done.status_code == 200 and done.json()["measures"][0]["completed_by"] is not None
    assert client.post(path, json={}, headers=as_officer).status_code == 409
    serious = client.get(f"{API}/violations?severity=serious", headers=as_officer).json()
    assert violation.json()["id"] in {v["id"] for v in serious["data"]}
    assert client.get(f"{API}/violations?severity=bad", headers=as_officer).status_code == 422


def test_a_title_the_standard_list_has_is_refused_with_the_documented_409(
        client: TestClient, session: Session, settings: Settings) -> None:
    """The API's schema lists the 409 an admin gets for a taken title, adding or renaming (the schema test
    found it undocumented)."""
    as_admin = auth(make_user(session, role=Role.admin), settings)
    taken = {"kind": "illegal_command", "title": "安排人员进入盲巷作业", "severity": "general"}
    client.post(f"{API}/violation-items", json=taken, headers=as_admin)
    other = client.post(f"{API}/violation-items", json={**taken, "title": "违章指挥"}, headers=as_admin).json()
    added = client.post(f"{API}/violation-items", json=taken, headers=as_admin)
    renamed = client.patch(f"{API}/violation-items/{other['id']}", json={"title": taken["title"]}, headers=as_admin)
    assert (added.status_code, added.json()["field"]) == (409, "title")
    assert (renamed.status_code, renamed.json()["field"]) == (409, "title")
    operations = client.get("/openapi.json").json()["paths"]
    assert "409" in operations[f"{API}/violation-items"]["post"]["responses"]
    assert "409" in operations[f"{API}/violation-items/{{item_id}}"]["patch"]["responses"]
