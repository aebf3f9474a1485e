"""The supervisors' roster, whose reports count as theirs, and the monthly figures."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import Session

from safety_service.errors import InvalidInput
from safety_service.hazards.states import Grade, HazardState
from safety_service.people.models import Person, Role
from safety_service.supervisors import service as supervisors_service
from safety_service.supervisors.schemas import SupervisorCreate
from safety_service.units import service as units_service
from safety_service.units.models import UnitKind
from safety_service.units.schemas import UnitCharge
from tests.hazards.builders import make_hazard
from tests.locations.builders import make_area, make_location
from tests.people.builders import make_person, make_user
from tests.units.builders import make_unit

TZ = "Asia/Shanghai"
MONTH = "2031-03"  # far from other tests' hazards
IN_MONTH = datetime(2031, 3, 10, 2, 0, tzinfo=UTC)


def _appoint(session: Session, person: Person, start: date = date(2031, 1, 1), end: date | None = None,
             area_code: str | None = None):
    data = SupervisorCreate(employee_no=person.employee_no, term_from=start, term_to=end, area_code=area_code)
    return supervisors_service.appoint(session, data=data, actor=make_user(session, role=Role.officer))


def test_a_person_is_appointed_with_their_team_and_terms_never_overlap(session: Session) -> None:
    person = make_person(session, team="通风队")
    entry = _appoint(session, person, end=date(2031, 12, 31))
    assert entry.team == "通风队"
    with pytest.raises(InvalidInput) as overlap:
        _appoint(session, person, start=date(2031, 6, 1))
    assert overlap.value.field == "term_from"
    _appoint(session, person, start=date(2032, 1, 1))


def test_unknown_people_and_areas_are_refused_naming_the_field(session: Session) -> None:
    officer = make_user(session, role=Role.officer)
    with pytest.raises(InvalidInput) as unknown:
        supervisors_service.appoint(session, actor=officer, data=SupervisorCreate(
            employee_no="nobody", term_from=date(2031, 1, 1)))
    assert unknown.value.field == "employee_no"
    with pytest.raises(InvalidInput) as area:
        _appoint(session, make_person(session), area_code="NO-AREA")
    assert area.value.field == "area_code"


def test_a_report_within_the_term_is_a_supervisors_report(session: Session) -> None:
    person = make_person(session)
    _appoint(session, person, end=date(2031, 3, 31))
    assert supervisors_service.on_duty(session, employee_no=person.employee_no, at=IN_MONTH, timezone=TZ)
    after = IN_MONTH + timedelta(days=30)
    assert supervisors_service.on_duty(session, employee_no=person.employee_no, at=after, timezone=TZ) is None


def test_monthly_figures_per_supervisor_and_area(session: Session) -> None:
    area = make_area(session)
    location = make_location(session, area=area)
    person, outsider = make_person(session, name="王监督"), make_person(session)
    _appoint(session, person, area_code=area.code)
    no = person.employee_no
    make_hazard(session, location=location, reporter_employee_no=no, now=IN_MONTH)
    make_hazard(session, location=location, reporter_employee_no=no, now=IN_MONTH, state=HazardState.closed,
                deadline=IN_MONTH + timedelta(days=3))
    make_hazard(session, location=location, reporter_employee_no=no, now=IN_MONTH, state=HazardState.confirmed,
                grade=Grade.major)
    make_hazard(session, location=location, reporter_employee_no=no, now=IN_MONTH, state=HazardState.rejected)
    make_hazard(session, location=location, reporter_employee_no=outsider.employee_no, now=IN_MONTH)
    make_hazard(session, location=location, reporter_employee_no=no, now=IN_MONTH + timedelta(days=40))
    figures = supervisors_service.monthly_figures(session, month=MONTH, timezone=TZ)
    [mine] = [f for f in figures.by_supervisor if f.key == no]
    assert (mine.name, mine.reports, mine.confirmed, mine.major, mine.closed_in_time) == ("王监督", 4, 2, 1, 1)
    [here] = [f for f in figures.by_area if f.key == area.code]
    assert (here.reports, here.confirmed, here.major, here.closed_in_time) == (4, 2, 1, 1)
    assert len(figures.refs) == 4


def test_a_bad_month_names_the_field(session: Session) -> None:
    with pytest.raises(InvalidInput) as bad:
        supervisors_service.monthly_figures(session, month="2031-13", timezone=TZ)
    assert bad.value.field == "month"


def test_a_term_already_over_is_not_ended_again(session: Session) -> None:
    from safety_service.errors import InvalidTransition

    entry = _appoint(session, make_person(session), start=date(2031, 1, 1), end=date(2031, 1, 31))
    with pytest.raises(InvalidTransition):
        supervisors_service.end_term(session, entry=entry, term_to=date(2031, 3, 1), today=date(2031, 2, 1))
    ended = supervisors_service.end_term(session, entry=entry, term_to=date(2031, 1, 20), today=date(2031, 1, 10))
    assert ended.term_to == date(2031, 1, 20)


def test_a_term_is_never_ended_into_the_same_persons_next_term(session: Session) -> None:
    person = make_person(session)
    first = _appoint(session, person, start=date(2031, 1, 1), end=date(2031, 6, 30))
    _appoint(session, person, start=date(2031, 7, 1), end=date(2031, 12, 31))
    with pytest.raises(InvalidInput) as overlap:
        supervisors_service.end_term(session, entry=first, term_to=date(2031, 9, 30), today=date(2031, 2, 1))
    assert overlap.value.field == "term_to"
    assert session.get(type(first), first.id).term_to == date(2031, 6, 30)
    assert supervisors_service.end_term(session, entry=first, term_to=date(2031, 5, 31),
                                        today=date(2031, 2, 1)).term_to == date(2031, 5, 31)


def test_monthly_figures_cut_by_unit_count_only_the_hazards_about_it(session: Session) -> None:
    team = make_unit(session)
    crew = make_unit(session, kind=UnitKind.crew, parent=team)
    charged, elsewhere = make_location(session), make_location(session)
    units_service.put_in_charge(session, unit=crew, data=UnitCharge(location_code=charged.code))
    person = make_person(session)
    _appoint(session, person)
    for location in (charged, charged, elsewhere):
        make_hazard(session, location=location, reporter_employee_no=person.employee_no, now=IN_MONTH)

    def reports(unit: str | None) -> int:
        found = supervisors_service.monthly_figures(session, month=MONTH, timezone=TZ, unit=unit)
        return next((f.reports for f in found.by_supervisor if f.key == person.employee_no), 0)

    assert (reports(None), reports(team.code), reports(crew.code)) == (3, 2, 2)
    assert reports(make_unit(session, name_zh="机电科").code) == 0
    with pytest.raises(InvalidInput) as unknown:
        reports("NO-SUCH-UNIT")
    assert unknown.value.field == "unit"
