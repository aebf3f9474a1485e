"""The supervisors pages: the roster (appoint with team, area and term; end a term) and the monthly figures."""

from datetime import UTC, date, datetime, timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from safety_service.console import outreach
from safety_service.hazards.states import Grade, HazardState
from safety_service.people.models import Role
from safety_service.supervisors.models import Supervisor
from tests.hazards.builders import make_hazard
from tests.locations.builders import make_area, make_location
from tests.people.builders import make_person


def _terms(session: Session, employee_no: str) -> list[Supervisor]:
    return list(session.exec(select(Supervisor).where(Supervisor.employee_no == employee_no)).all())


def test_an_officer_appoints_a_supervisor_and_ends_the_term(console: TestClient, session: Session,
                                                            console_settings, signed_in) -> None:
    person, area = make_person(session, name="赵监督", team="通风队"), make_area(session)
    _, token = signed_in(Role.officer)
    answer = console.post("/console/supervisors", data={"csrf_token": token, "employee_no": person.employee_no,
                                                        "area_code": area.code, "term_from": "2031-01-01"})
    assert answer.status_code == 303
    [term] = _terms(session, person.employee_no)
    assert term.team == "通风队" and term.area_id == area.id and term.term_to is None
    roster = console.get("/console/supervisors").text
    row = roster.split(f'id="supervisor-{term.id}"')[1].split("</tr>")[0]
    assert "赵监督" in row and f"<td>{area.name_zh}</td>" in row and "至今" in row and f'id="end-{term.id}"' in row
    ended = console.post(f"/console/supervisors/{term.id}/end", data={"csrf_token": token, "term_to": "2031-06-30"})
    assert ended.status_code == 303
    session.refresh(term)
    assert term.term_to == date(2031, 6, 30)


def test_bad_roster_input_shows_the_reason_and_saves_nothing(console: TestClient, session: Session,
                                                             signed_in) -> None:
    person = make_person(session)
    _, token = signed_in(Role.chief)
    cases = [({"employee_no": "NOBODY", "term_from": "2031-01-01"}, "employee_no", "没有这个工号"),
             ({"employee_no": person.employee_no, "term_from": ""}, "term_from", ""),
             ({"employee_no": person.employee_no, "term_from": "2031-02-01", "term_to": "2031-01-01"}, "term_to",
              "任期结束不能早于任期开始"),
             ({"employee_no": person.employee_no, "term_from": "2031-01-01", "area_code": "NOPE"}, "area_code", "")]
    for data, field, words in cases:
        answer = console.post("/console/supervisors", data={"csrf_token": token, **data})
        assert answer.status_code == 422 and f'id="err-{field}"' in answer.text and words in answer.text, field
    assert _terms(session, person.employee_no) == []
    console.post("/console/supervisors", data={"csrf_token": token, "employee_no": person.employee_no,
                                               "term_from": "2031-01-01"})
    overlap = console.post("/console/supervisors", data={"csrf_token": token, "employee_no": person.employee_no,
                                                         "term_from": "2031-03-01"})
    assert overlap.status_code == 422 and "任期不能重叠" in overlap.text and len(_terms(session, person.employee_no)) == 1


def test_ending_a_term_too_early_or_again_is_refused(console: TestClient, session: Session, signed_in) -> None:
    person = make_person(session)
    _, token = signed_in(Role.officer)
    console.post("/console/supervisors", data={"csrf_token": token, "employee_no": person.employee_no,
                                               "term_from": "2020-01-01", "term_to": "2020-12-31"})
    [term] = _terms(session, person.employee_no)
    again = console.post(f"/console/supervisors/{term.id}/end", data={"csrf_token": token, "term_to": "2021-06-30"})
    assert again.status_code == 409 and "已经结束" in again.text
    assert f'id="end-{term.id}"' not in console.get("/console/supervisors").text  # nothing to end any more
    person = make_person(session)
    console.post("/console/supervisors", data={"csrf_token": token, "employee_no": person.employee_no,
                                               "term_from": "2031-01-01"})
    [term] = _terms(session, person.employee_no)
    early = console.post(f"/console/supervisors/{term.id}/end", data={"csrf_token": token, "term_to": "2030-01-01"})
    assert early.status_code == 422 and 'id="err-term_to"' in early.text
    blank = console.post(f"/console/supervisors/{term.id}/end", data={"csrf_token": token, "term_to": ""})
    assert blank.status_code == 422 and 'id="err-term_to"' in blank.text
    session.refresh(term)
    assert term.term_to is None
    assert console.post("/console/supervisors/999999/end", data={"csrf_token": token}).status_code == 404


def test_monthly_figures_per_supervisor_and_per_area(console: TestClient, session: Session, signed_in) -> None:
    person, area = make_person(session, name="钱监督"), make_area(session)
    place = make_location(session, area=area)
    _, token = signed_in(Role.officer)
    console.post("/console/supervisors", data={"csrf_token": token, "employee_no": person.employee_no,
                                               "term_from": "2031-01-01"})
    when = datetime(2031, 3, 10, 2, 0, tzinfo=UTC)
    major = make_hazard(session, state=HazardState.confirmed, grade=Grade.major, location=place, now=when,
                        reporter_employee_no=person.employee_no)
    make_hazard(session, location=place, now=when + timedelta(days=1), reporter_employee_no=person.employee_no)
    session.commit()
    page = console.get("/console/supervisors/figures?month=2031-03")
    assert page.status_code == 200
    row = page.text.split('id="by-supervisor">')[1].split("</table>")[0].split(person.employee_no)[1].split("</tr>")[0]
    assert "钱监督" in row and "<td>2</td><td>1</td><td>1</td><td>0</td>" in row
    assert area.code in page.text.split('id="by-area">')[1] and major.ref in page.text
    this_month = outreach.local_today("Asia/Shanghai").strftime("%Y-%m")
    assert f'value="{this_month}"' in console.get("/console/supervisors/figures").text
    for month in ("April", "2031-13"):
        bad = console.get(f"/console/supervisors/figures?month={month}")
        assert bad.status_code == 422 and 'id="err-month"' in bad.text
