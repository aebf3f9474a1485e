"""A small mine of its own for the scorecard tests: units, their people, and a month of hazard work."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlmodel import Session

from safety_service.feedback import ratings
from safety_service.hazards import service as hazards_service
from safety_service.hazards.models import Hazard
from safety_service.hazards.schemas import HazardExtensionRequest, HazardVerify
from safety_service.hazards.states import Grade, HazardState
from safety_service.people.models import Person, Role, User
from safety_service.supervisors.models import Supervisor
from safety_service.units.models import OrgUnit, UnitKind
from tests.counselling.builders import make_violation
from tests.hazards.builders import make_hazard
from tests.people.builders import make_person, make_user
from tests.units.builders import join, make_unit

MARCH = datetime(2025, 3, 5, 2, tzinfo=UTC)  # 10:00 on 5 March in Shanghai


@dataclass
class Mine:
    mine: OrgUnit
    team: OrgUnit  # 综采一队, answers for the fixes (through its crew)
    crew: OrgUnit  # a crew of the team: the owner belongs here
    other: OrgUnit  # 掘进二队: its people report
    owner: User
    officer: User
    reporter: Person  # a mass safety supervisor of 掘进二队
    hazards: dict[str, Hazard]


def make_mine(session: Session) -> Mine:
    """Units, an owner in the crew, a supervisor in the other team, no hazards yet."""
    mine = make_unit(session, kind=UnitKind.mine, name_zh="田陈煤矿")
    team = make_unit(session, kind=UnitKind.team, parent=mine, name_zh="综采一队")
    crew = make_unit(session, kind=UnitKind.crew, parent=team, name_zh="综采一队早班")
    other = make_unit(session, kind=UnitKind.team, parent=mine, name_zh="掘进二队")
    owner = join(session, make_user(session, role=Role.owner), crew)
    reporter = make_person(session, name="王磊", team="掘进二队")
    reporter.unit_id = other.id
    session.add(Supervisor(person_id=reporter.id, employee_no=reporter.employee_no, term_from=date(2025, 1, 1)))
    session.flush()
    return Mine(mine, team, crew, other, owner, make_user(session, role=Role.officer), reporter, {})


def march_work(session: Session, mine: Mine) -> Mine:
    """February: one hazard closed on time. March: closed on time (rated), closed late (overdue until then),
    overdue with an
    extension asked for, a major hazard, a rejected report, two violations (one a repeat)."""
    reporter_no = mine.reporter.employee_no
    common = {"owner": mine.owner, "officer": mine.officer}
    mine.hazards["february"] = make_hazard(session, state=HazardState.closed, now=MARCH - timedelta(days=20),
                                           **common)
    mine.hazards["on_time"] = make_hazard(session, state=HazardState.closed, now=MARCH,
                                          reporter_employee_no=reporter_no, **common)
    ratings.rate(session, hazard=mine.hazards["on_time"], rating="basic", channel=ratings.RatingChannel.web,
                 now=MARCH + timedelta(days=1), change_days=3)
    late = make_hazard(session, state=HazardState.awaiting_verification, now=MARCH,
                       deadline=MARCH + timedelta(days=1), **common)
    hazards_service.verify(session, hazard=late, data=HazardVerify(passed=True, note="验收合格"),
                           actor=mine.officer, now=MARCH + timedelta(days=2))
    mine.hazards["late"] = late
    overdue = make_hazard(session, state=HazardState.rectifying, now=MARCH, deadline=MARCH + timedelta(days=3),
                          reporter_employee_no=reporter_no, **common)
    hazards_service.request_extension(session, hazard=overdue, actor=mine.owner, now=MARCH + timedelta(days=1),
                                      data=HazardExtensionRequest(reason="配件未到货",
                                                                  new_deadline=MARCH + timedelta(days=9)))
    mine.hazards["overdue"] = overdue
    mine.hazards["major"] = make_hazard(session, state=HazardState.rectifying, grade=Grade.major, now=MARCH,
                                        deadline=MARCH + timedelta(days=60), **common)
    mine.hazards["rejected"] = make_hazard(session, state=HazardState.rejected, now=MARCH,
                                           reporter_employee_no=reporter_no)
    make_violation(session, person=mine.reporter, now=MARCH + timedelta(days=2))
    make_violation(session, person=mine.reporter, now=MARCH + timedelta(days=4))
    return mine
