"""Demo of 一帮一 and the family side: lead counsellors, pairings with mentors of the workers' own units, a
referral, the family co-guarantee, co-supervisors' links with their visits and talks, and family messages (one
on the kiosks)."""

from datetime import date, datetime, timedelta

from sqlmodel import Session, select

from safety_service.config import Settings
from safety_service.counselling import cosupervision, family, messages, pairing
from safety_service.counselling.cosupervision_schemas import FamilyLinkCreate, FamilyMessageCreate
from safety_service.counselling.family_schemas import AgreementRecord
from safety_service.counselling.models import CounsellingCase, FamilyVisit
from safety_service.counselling.schemas import CasePair, CaseReferral, CounsellorUnitCreate
from safety_service.counselling.states import FamilyVisitKind, MentorRole
from safety_service.database import known, saved_id
from safety_service.people import service as people_service
from safety_service.people.models import Person, User
from safety_service.people.schemas import PersonCreate

# The mentors (一帮一) in the workers' own units: employee no, name, team, role.
MENTORS = (
    ("1201", "陈国栋", "综采一队", MentorRole.master_worker),
    ("1202", "刘建华", "掘进二队", MentorRole.team_leader),
    ("1203", "韩志强", "机电队", MentorRole.party_member),
    ("1204", "孙立新", "运输队", MentorRole.master_worker),
    ("1205", "高峰", "通风队", MentorRole.team_leader),
)
# Who counsels which demo worker: counsellor1 leads 综采一队 and 掘进二队; counsellor2 has 机电队 and 运输队.
COUNSELLORS = {"1102": "counsellor1", "1103": "counsellor2", "1104": "counsellor2", "1105": "counsellor1",
               "1106": "counsellor1", "1107": "counsellor1"}
LEADS = (("counsellor1", "综采一队"), ("counsellor1", "掘进二队"))


def load(session: Session, *, users: dict[str, User], settings: Settings, now: datetime) -> str:
    """Pair the demo cases, refer one, and give two of them a co-supervising family; returns a summary line."""
    for username, team in LEADS:
        pairing.add_lead(session, data=CounsellorUnitCreate(username=username, team=team), actor=users["admin"])
    mentors = {team: (number, role) for number, _, team, role in MENTORS}
    for number, name, team, _ in MENTORS:
        people_service.add_person(session, data=PersonCreate(employee_no=number, name=name, team=team))
    for employee_no, counsellor in COUNSELLORS.items():
        case = _case(session, employee_no)
        mentor_no, role = mentors[known(known(session.get(Person, case.person_id)).team)]
        pairing.pair(session, case=case, actor=users["admin"],
                     data=CasePair(counsellor=counsellor, mentor_employee_no=mentor_no, mentor_role=role))
    observed = _case(session, "1104")
    pairing.refer(session, case=observed, actor=users["counsellor2"], data=CaseReferral(referred_on=_day(now, 15)),
                  today=_day(now, 0))
    url = _co_supervised(session, observed, users["counsellor2"], settings, now, shares={"share_stage": True,
                         "share_plan": True, "share_sessions": True})
    _co_supervised(session, _case(session, "1103"), users["counsellor2"], settings, now, shares={"share_stage": True})
    return f"一帮一: {len(COUNSELLORS)} cases paired, 2 co-supervising families; 郭亮's wife's phone link: {url}"


def _case(session: Session, employee_no: str) -> CounsellingCase:
    person = people_service.get_person(session, employee_no=employee_no)
    return session.exec(select(CounsellingCase).where(CounsellingCase.person_id == known(person).id)).one()


def _day(now: datetime, days_ago: int) -> date:
    return (now - timedelta(days=days_ago)).date()


def _co_supervised(session: Session, case: CounsellingCase, counsellor: User, settings: Settings, now: datetime,
                   *, shares: dict[str, bool]) -> str:
    """A consenting spouse signs the co-guarantee, gets a link, records visits and leaves messages."""
    spouse = family.list_contacts(session, person_id=case.person_id)[0]
    family.record_agreement(session, case=case, actor=counsellor, kind="guarantee", now=now - timedelta(days=9),
                            data=AgreementRecord(signed_on=_day(now, 9), family_contact_id=saved_id(spouse),
                                                 note="妻子与父亲共同签字，原件存工会"))
    link = cosupervision.issue(session, case=case, actor=counsellor, settings=settings, now=now - timedelta(days=9),
                               data=FamilyLinkCreate(family_contact_id=saved_id(spouse), **shares))
    for days_ago, kind, note in ((7, FamilyVisitKind.talk, "晚饭后聊了下井前检查自救器的事，他说以后每班自查"),
                                 (2, FamilyVisitKind.visit, "他师傅来家里坐了坐，一起说了安全的事，他态度很好")):
        session.add(FamilyVisit(case_id=saved_id(case), link_id=saved_id(link), family_contact_id=saved_id(spouse),
                                kind=kind, held_on=_day(now, days_ago), note=note,
                                created_at=now - timedelta(days=days_ago)))
    shown = messages.leave(session, link=link, photo=None, now=now - timedelta(days=5), data=FamilyMessageCreate(
        text="家里一切都好，孩子期末考了第一。安全第一，我们等你平安回家！", signature="妻子", kiosk_consent=True))
    messages.review(session, case=case, message_id=saved_id(shown), show=True, actor=counsellor, site=settings.site,
                    now=now - timedelta(days=4))
    messages.leave(session, link=link, photo=None, now=now - timedelta(days=1), data=FamilyMessageCreate(
        text="这几天降温，下井多穿点。", signature="妻子", kiosk_consent=False))
    session.flush()
    return f"{settings.base_url}/f/{cosupervision.token(link, settings)}"
