"""The console's unit pages: administrators add, rename, move, lead and retire units, put people in them and places
in their charge, with every error beside its field; others are refused. The self-check form on the detail page."""

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from safety_service.hazards.levels import HazardLevel
from safety_service.hazards.states import HazardState
from safety_service.locations.models import Area
from safety_service.people.models import Person, Role
from safety_service.units import service as units_service
from safety_service.units.models import UnitKind
from tests.console.conftest import sign_in
from tests.hazards.builders import make_hazard
from tests.hazards.test_levels import _stage
from tests.locations.builders import make_area
from tests.people.builders import make_person, make_user
from tests.units.builders import make_unit


def test_only_administrators_reach_the_unit_pages(console: TestClient, session: Session, signed_in) -> None:
    unit = make_unit(session)
    for role in (Role.officer, Role.chief, Role.owner):
        _, token = signed_in(role)
        assert console.get("/console/admin/units").status_code == 403, role
        assert console.get(f"/console/admin/units/{unit.code}").status_code == 403, role
        assert console.post(f"/console/admin/units/{unit.code}", data={"csrf_token": token,
                                                                        "name_zh": "x"}).status_code == 403


def test_an_administrator_adds_a_unit_and_sees_the_tree(console: TestClient, session: Session, signed_in) -> None:
    _, token = signed_in(Role.admin)
    mine = make_unit(session, kind=UnitKind.mine, name_zh="田陈煤矿")
    session.commit()
    added = console.post("/console/admin/units", data={"csrf_token": token, "code": "JJ2X", "name_zh": "掘进二队",
                                                       "kind": "team", "parent_code": mine.code, "leader": ""})
    assert added.status_code == 303
    page = console.get("/console/admin/units").text
    assert 'id="unit-JJ2X"' in page and "掘进二队" in page and "区队" in page and "组织机构" in page
    bad = console.post("/console/admin/units", data={"csrf_token": token, "code": "JJ2X", "name_zh": "",
                                                     "kind": "crew", "parent_code": mine.code, "leader": "nobody"})
    assert bad.status_code == 422 and 'id="err-name_zh"' in bad.text
    taken = console.post("/console/admin/units", data={"csrf_token": token, "code": "JJ2X", "name_zh": "掘进三队",
                                                       "kind": "team", "parent_code": mine.code, "leader": ""})
    assert taken.status_code == 422 and 'id="err-code"' in taken.text


def test_an_administrator_changes_a_unit_and_every_error_shows_at_once(console: TestClient, session: Session,
                                                                       signed_in) -> None:
    _, token = signed_in(Role.admin)
    team = make_unit(session, name_zh="综采一队")
    crew = make_unit(session, kind=UnitKind.crew, parent=team)
    leader = make_user(session, role=Role.owner)
    session.commit()  # the page's rollback of a refused change keeps what the test made
    url = f"/console/admin/units/{team.code}"
    bad = console.post(url, data={"csrf_token": token, "name_zh": "综采二队", "name_en": "", "parent_code": crew.code,
                                  "leader": "nobody", "active": "false"})
    assert bad.status_code == 422
    for field in ("parent_code", "leader", "active"):
        assert f'id="err-edit-{field}"' in bad.text, field
    assert "下面还有在用的单位" in bad.text and units_service.get_unit(session, code=team.code).name_zh == "综采一队"
    good = console.post(url, data={"csrf_token": token, "name_zh": "综采二队", "name_en": "Team 2",
                                   "parent_code": str(session.get(type(team), team.parent_id).code),
                                   "leader": leader.username, "active": "true"})
    assert good.status_code == 303
    session.refresh(team)
    assert (team.name_zh, team.leader_id) == ("综采二队", leader.id)
    retired = console.post(f"/console/admin/units/{crew.code}", data={
        "csrf_token": token, "name_zh": crew.name_zh, "parent_code": team.code, "leader": "", "active": "false"})
    assert retired.status_code == 303
    session.refresh(crew)
    assert not crew.active
    assert "已撤销" in console.get(f"/console/admin/units/{crew.code}").text


def test_people_and_places_join_a_unit_from_its_page(console: TestClient, session: Session, signed_in) -> None:
    _, token = signed_in(Role.admin)
    team = make_unit(session)
    person, area = make_person(session), make_area(session)
    session.commit()
    url = f"/console/admin/units/{team.code}"
    assert console.post(f"{url}/members", data={"csrf_token": token, "employee_no": person.employee_no}
                        ).status_code == 303
    assert session.get(Person, person.id).unit_id == team.id
    unknown = console.post(f"{url}/members", data={"csrf_token": token, "employee_no": "NO-SUCH-NO"})
    assert unknown.status_code == 422 and 'id="err-member-employee_no"' in unknown.text
    neither = console.post(f"{url}/charge", data={"csrf_token": token, "area_code": "", "location_code": ""})
    assert neither.status_code == 422 and 'id="err-charge-area_code"' in neither.text
    assert console.post(f"{url}/charge", data={"csrf_token": token, "area_code": area.code}).status_code == 303
    session.refresh(area)
    assert session.get(Area, area.id).unit_id == team.id
    page = console.get(url).text
    assert person.employee_no in page and area.name_zh in page
    assert console.get("/console/admin/units/NO-SUCH").status_code == 404


def test_the_unit_leader_records_the_self_check_in_the_console(console: TestClient, session: Session,
                                                               signed_in) -> None:
    level = session.exec(select(HazardLevel).where(HazardLevel.code == "C")).one()
    level.self_check = True
    session.add(level)
    hazard, people, _crew = _stage(session, "C", HazardState.awaiting_verification)
    signed_in(Role.officer)
    page = console.get(f"/console/hazards/{hazard.ref}").text
    assert "须先由责任单位自检合格" in page and 'id="verify-pass"' not in page
    leader = people["unit_leader"]
    session.commit()
    token = sign_in(console, leader)
    page = console.get(f"/console/hazards/{hazard.ref}").text
    assert 'id="form-self_check"' in page and "两级验收" in page
    empty = console.post(f"/console/hazards/{hazard.ref}/self_check", data={"csrf_token": token})
    assert empty.status_code == 422 and empty.text.count('class="err"') >= 2
    done = console.post(f"/console/hazards/{hazard.ref}/self_check",
                        data={"csrf_token": token, "passed": "true", "note": "区队自检合格"})
    assert done.status_code == 303
    assert 'id="self-checked"' in console.get(f"/console/hazards/{hazard.ref}").text


def test_a_unit_leader_works_the_units_hazards_on_its_own_tab(console: TestClient, session: Session) -> None:
    leader = make_user(session, role=Role.owner)
    team = make_unit(session, leader=leader)
    crew = make_unit(session, kind=UnitKind.crew, parent=team)
    member = make_user(session, role=Role.owner)
    units_service.add_member(session, unit=crew, employee_no=session.get(Person, member.person_id).employee_no)
    theirs = make_hazard(session, state=HazardState.rectifying, owner=member)
    own = make_hazard(session, state=HazardState.rectifying, owner=leader)
    session.commit()
    sign_in(console, leader)
    mine = console.get("/console/?queue=mine").text
    assert own.ref in mine and theirs.ref not in mine and 'href="/console/?queue=unit"' in mine
    unit_tab = console.get("/console/?queue=unit").text
    assert theirs.ref in unit_tab and "本单位隐患" in unit_tab
    other = make_user(session, role=Role.owner)
    session.commit()
    sign_in(console, other)
    assert console.get("/console/?queue=unit").status_code == 403  # leads no unit: no such tab


def test_staff_cut_the_queue_by_unit_from_the_filter_form(console: TestClient, session: Session, signed_in) -> None:
    team = make_unit(session, name_zh="掘进九队")
    member = make_user(session, role=Role.owner)
    units_service.add_member(session, unit=team, employee_no=session.get(Person, member.person_id).employee_no)
    inside = make_hazard(session, state=HazardState.rectifying, owner=member)
    outside = make_hazard(session, state=HazardState.rectifying)
    signed_in(Role.officer)
    page = console.get("/console/?queue=all").text
    assert 'id="f-unit"' in page and "掘进九队" in page
    cut = console.get(f"/console/?queue=all&unit={team.code}").text
    assert inside.ref in cut and outside.ref not in cut


def test_the_ledger_is_cut_by_responsible_unit_and_names_it(console: TestClient, session: Session,
                                                            signed_in) -> None:
    import csv
    import io
    from datetime import timedelta

    from safety_service.clock import utc_now

    team = make_unit(session, name_zh="运输九队")
    crew = make_unit(session, kind=UnitKind.crew, parent=team, name_zh="运输九队一班")
    member = make_user(session, role=Role.owner)
    units_service.add_member(session, unit=crew, employee_no=session.get(Person, member.person_id).employee_no)
    inside = make_hazard(session, state=HazardState.rectifying, owner=member)
    make_hazard(session, state=HazardState.rectifying)  # another unit's, or none
    signed_in(Role.officer)
    today = utc_now().date()
    query = f"from={today - timedelta(days=1)}&to={today + timedelta(days=1)}&format=csv"
    assert 'id="l-unit"' in console.get("/console/ledger").text
    answer = console.get(f"/console/ledger/export?{query}&unit={team.code}")
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert [row[1] for row in rows[1:]] == [inside.ref] and "运输九队一班" in rows[1]
    unknown = console.get(f"/console/ledger/export?{query}&unit=NO-SUCH")
    assert unknown.status_code == 422 and 'id="err-unit"' in unknown.text


def test_the_figures_count_open_and_overdue_hazards_per_unit(console: TestClient, session: Session,
                                                             signed_in) -> None:
    from datetime import timedelta

    from safety_service.clock import utc_now

    team = make_unit(session, name_zh="综采九队")
    crew = make_unit(session, kind=UnitKind.crew, parent=team, name_zh="综采九队一班")
    member = make_user(session, role=Role.owner)
    units_service.add_member(session, unit=crew, employee_no=session.get(Person, member.person_id).employee_no)
    past = utc_now() - timedelta(days=3)
    make_hazard(session, state=HazardState.rectifying, owner=member, now=past - timedelta(days=2), deadline=past)
    make_hazard(session, state=HazardState.rectifying, owner=member)
    signed_in(Role.chief)
    page = console.get("/console/stats").text
    assert "各责任单位在办隐患" in page and "<tr><td>综采九队</td><td>2</td><td>1</td></tr>" in page
    assert "<tr><td>综采九队一班</td>" not in page  # a crew's are counted with its team (it is in the unit chooser)
