"""Demo help-education data: violations and a case in every state, from violations the demo officers record."""

from datetime import date, datetime, timedelta

from sqlmodel import Session

from safety_service.config import Settings
from safety_service.counselling import family, violations
from safety_service.counselling import service as cases
from safety_service.counselling.family_schemas import AgreementRecord, FamilyContactCreate, SessionCreate
from safety_service.counselling.models import CounsellingCase
from safety_service.counselling.schemas import CaseBegin, CaseClose, CaseObserve, CasePlan
from safety_service.counselling.states import Relation, SessionKind, ViolationKind
from safety_service.counselling.violation_schemas import ViolationCreate
from safety_service.database import known, saved_id
from safety_service.people import service as people_service
from safety_service.people.models import Person, User
from safety_service.people.schemas import PersonCreate

# (employee no, name, team, kind, how far the case goes, days ago the violation happened)
WORKERS = (
    ("1101", "马超", "综采一队", ViolationKind.illegal_operation, "opened", 2),
    ("1102", "黄涛", "掘进二队", ViolationKind.labour_discipline, "planned", 20),
    ("1103", "冯凯", "机电队", ViolationKind.illegal_operation, "counselling", 12),
    ("1104", "郭亮", "运输队", ViolationKind.illegal_command, "observation", 25),
    ("1105", "罗斌", "综采一队", ViolationKind.illegal_operation, "review", 50),
    ("1106", "蒋华", "通风队", ViolationKind.labour_discipline, "closed", 80),
    ("1107", "谢飞", "掘进二队", ViolationKind.illegal_operation, "repeat", 45),
)
# The wives who sign the family agreements (家庭安全帮教责任书).
SPOUSES = {"1102": "王秀英", "1103": "李桂兰", "1104": "张玉梅", "1105": "刘红霞", "1106": "陈丽娟", "1107": "杨春燕"}
STEPS = ("opened", "planned", "counselling", "observation", "closed")


def load(session: Session, *, users: dict[str, User], location_codes: list[str], settings: Settings,
         now: datetime) -> str:
    """Record the demo violations and take each case as far as its row says; returns a summary line."""
    for index, (number, name, team, kind, stage, days_ago) in enumerate(WORKERS):
        people_service.add_person(session, data=PersonCreate(employee_no=number, name=name, team=team))
        start = now - timedelta(days=days_ago)
        data = ViolationCreate(employee_no=number, kind=kind, occurred_at=start - timedelta(hours=2),
                               location_code=location_codes[index % len(location_codes)],
                               description="未执行敲帮问顶，空顶作业" if kind == ViolationKind.illegal_operation
                               else "班中脱岗睡觉" if kind == ViolationKind.labour_discipline else "安排无证人员操作绞车")
        violation = violations.record_violation(session, data=data, actor=users["supervisor1"], settings=settings,
                                                now=start)
        case = known(session.get(CounsellingCase, violation.case_id))
        _advance(session, case, stage, users=users, settings=settings, start=start)
        if stage == "repeat":
            repeat = data.model_copy(update={"occurred_at": start + timedelta(days=40), "kind": ViolationKind.illegal_command})
            violations.record_violation(session, data=repeat, actor=users["officer1"], settings=settings,
                                        now=start + timedelta(days=40))
    return f"help-education: {len(WORKERS)} workers with violations, a case in every state"


def _advance(session: Session, case: CounsellingCase, stage: str, *, users: dict[str, User], settings: Settings,
             start: datetime) -> None:
    target = {"review": "observation", "repeat": "observation"}.get(stage, stage)
    counsellor = users["counsellor1"]
    for step in STEPS[1:STEPS.index(target) + 1]:
        at = start + timedelta(days=STEPS.index(step) * 2)
        _STEP[step](session, case, counsellor, settings, at)


def _plan(session: Session, case: CounsellingCase, counsellor: User, settings: Settings, at: datetime) -> None:
    worker = known(session.get(Person, case.person_id))
    contact = FamilyContactCreate(relation=Relation.spouse, name=SPOUSES.get(worker.employee_no, "家属"),
                                  phone=f"139{worker.employee_no}0{worker.employee_no[-3:]}", worker_consent=True)
    cases.plan(session, case=case, actor=counsellor, settings=settings, now=at,
               data=CasePlan(plan="谈心谈话，家访一次，组织家属座谈，参加安全学习班", family_contacts=[contact]))
    signer = family.list_contacts(session, person_id=case.person_id)[0]
    family.record_agreement(session, case=case, actor=counsellor, now=at, data=AgreementRecord(
        signed_on=date.fromisoformat(at.date().isoformat()), family_contact_id=saved_id(signer)))


def _begin(session: Session, case: CounsellingCase, counsellor: User, settings: Settings, at: datetime) -> None:
    cases.begin(session, case=case, actor=counsellor, now=at, data=CaseBegin(note="家属签订责任书，开始帮教"))
    family.record_session(session, case=case, actor=counsellor, settings=settings, now=at, data=SessionCreate(
        kind=SessionKind.family_visit, held_on=at.date(), participants=["本人", "家属"], note="到家中走访，家属承诺协助监督"))


def _observe(session: Session, case: CounsellingCase, counsellor: User, settings: Settings, at: datetime) -> None:
    cases.observe(session, case=case, actor=counsellor, settings=settings, now=at, data=CaseObserve())


def _close(session: Session, case: CounsellingCase, counsellor: User, settings: Settings, at: datetime) -> None:
    ends = known(case.observation_ends_at)  # a case under observation has its end
    cases.close(session, case=case, actor=counsellor, now=ends + timedelta(hours=1),
                data=CaseClose(review_note="考察期内无违章，家属反映良好，予以结案"))


_STEP = {"planned": _plan, "counselling": _begin, "observation": _observe, "closed": _close}
