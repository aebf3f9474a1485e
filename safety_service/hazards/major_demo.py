"""Demo data of the major hazards: each graded by a situation of the standard, with treatment plans (one waiting for
the chief, one sent back and then approved), a production stop with its resumption and one still in force, the
report sent to the regulator and the workers' congress, and a listing for supervision accepted and delisted."""

from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from safety_service.database import known, saved_id
from safety_service.hazards import criteria, major_service
from safety_service.hazards.major_models import Recipient
from safety_service.hazards.major_schemas import (
    PlanDecision,
    PlanSubmit,
    ProductionResume,
    ProductionStopInput,
    ReportSend,
    SupervisionAccept,
    SupervisionList,
)
from safety_service.hazards.models import Hazard
from safety_service.hazards.states import Grade, HazardState
from safety_service.people.models import User

REGULATOR = "枣庄市能源局（煤矿安全监管）"
CONGRESS = "天晨煤矿第十二届职工代表大会"


def criterion_id(session: Session, code: str) -> int:
    """The id of the standard's situation with this code (e.g. ``9.3``)."""
    return known(session.exec(select(criteria.MajorCriterion.id).where(criteria.MajorCriterion.code == code)).one())


def plan_for(hazard: Hazard, *, measures: str, funds: str) -> PlanSubmit:
    """A believable treatment plan built from the hazard's description and five fixes."""
    return PlanSubmit(
        situation_and_cause=f"{hazard.description}。经现场核查，主要原因是作业规程执行不到位、日常检查流于形式。",
        harm_and_difficulty="如不及时治理，可能导致人员伤亡和重大财产损失；治理需专业队伍施工并停止受影响区域作业，整改难度较大。",
        goal_and_tasks="彻底消除该重大事故隐患，恢复系统正常可靠运行，治理后经验收合格。",
        methods_and_measures=measures,
        funds_and_materials=f"安全费用列支{funds}元，所需材料由物资供应科三日内备齐到位。",
        organisation_and_people="成立以安全副矿长为组长的治理小组，责任单位区队长具体负责，安全科全程监督。",
        time_limit_and_requirements="七日内治理完毕；每日向调度室汇报进度，完工后报矿验收。",
        safety_and_emergency="治理期间受影响区域停止作业，设警戒专人监护；执行矿井灾害预防和处理计划及相应专项应急预案。",
    )


def submit_and_decide(session: Session, hazard: Hazard, *, owner: User, chief: User, at: datetime,
                      measures: str, funds: str, decide: bool = True) -> None:
    """The owner's plan; the first one of a hazard sent back once when ``decide``, then approved."""
    plan = plan_for(hazard, measures=measures, funds=funds)
    major_service.submit_plan(session, hazard=hazard, data=plan, actor=owner, now=at)
    if not decide:
        return
    if saved_id(hazard) % 2:  # every other hazard's plan is sent back once, as chiefs do
        major_service.decide_plan(session, hazard=hazard, actor=chief, now=at + timedelta(hours=2),
                                  data=PlanDecision(approved=False, note="应急预案未明确撤人路线和联络方式，补充后再报"))
        major_service.submit_plan(session, hazard=hazard, actor=owner, now=at + timedelta(hours=4), data=plan.model_copy(
            update={"safety_and_emergency": plan.safety_and_emergency + "撤人路线：沿进风巷撤至井底车场，联系调度室8001。"}))
    major_service.decide_plan(session, hazard=hazard, actor=chief, now=at + timedelta(hours=6),
                              data=PlanDecision(approved=True, note="同意按方案实施"))


def load(session: Session, *, users: dict[str, User], now: datetime) -> str:
    """Stops, reports and listings on the demo's major hazards."""
    majors = session.exec(select(Hazard).where(Hazard.grade == Grade.major, col(Hazard.is_open).is_(True))
                          .order_by(col(Hazard.id))).all()
    officer, chief, dispatcher = users["officer1"], users["chief"], users["dispatcher1"]
    for hazard in majors:
        base = max(known(hazard.confirmed_at), now - timedelta(days=5))  # a major hazard is graded on confirming
        for recipient, name in ((Recipient.regulator, REGULATOR), (Recipient.workers_congress, CONGRESS)):
            major_service.send_report(session, hazard=hazard, actor=officer, now=base + timedelta(hours=3),
                                      data=ReportSend(recipient=recipient, recipient_name=name,
                                                      sent_at=base + timedelta(hours=3), note="书面报告，附治理方案"))
    waiting = next((h for h in majors if h.state == HazardState.awaiting_verification), None)
    under_way = next((h for h in majors if h.state == HazardState.rectifying), None)
    if waiting is not None:
        _stopped_and_resumed(session, waiting, officer=officer, chief=chief, now=now)
        _listed(session, waiting, officer=officer, now=now, accepted=True)
    if under_way is not None:
        major_service.stop_production(session, hazard=under_way, actor=dispatcher, now=now - timedelta(hours=20),
                                      data=ProductionStopInput(area=f"{under_way.description[:12]}所在区域及其回风系统",
                                                               stopped_at=now - timedelta(hours=20),
                                                               people_withdrawn=17, ordered_by="调度室主任 王建国"))
        _listed(session, under_way, officer=officer, now=now, accepted=False)
    return (f"{len(majors)} open major hazards with their reports sent; a production stop resumed and one in force; "
            "two listed for supervision (挂牌督办), one accepted and delisted")


def _stopped_and_resumed(session: Session, hazard: Hazard, *, officer: User, chief: User, now: datetime) -> None:
    major_service.stop_production(session, hazard=hazard, actor=officer, now=now - timedelta(days=3), data=ProductionStopInput(
        area="南翼轨道大巷以里采掘工作面", stopped_at=now - timedelta(days=3), people_withdrawn=42,
        ordered_by="矿长 赵志强", note="按停产撤人规定撤出受威胁区域全部人员"))
    major_service.resume_production(session, hazard=hazard, actor=chief, now=now - timedelta(hours=30),
                                    data=ProductionResume(resumed_at=now - timedelta(hours=30),
                                                          accepted_by="矿长 赵志强、总工程师 孙涛组织验收",
                                                          note="治理完成，现场复查合格，同意复产"))


def _listed(session: Session, hazard: Hazard, *, officer: User, now: datetime, accepted: bool) -> None:
    major_service.list_supervision(session, hazard=hazard, actor=officer, now=now - timedelta(days=2),
                                   data=SupervisionList(order_no=f"枣能源督〔2026〕{saved_id(hazard) % 90 + 10}号",
                                                        authority="枣庄市能源局", listed_at=now - timedelta(days=2)))
    if accepted:
        major_service.accept_supervision(session, hazard=hazard, actor=officer, now=now - timedelta(hours=6),
                                         data=SupervisionAccept(accepted_at=now - timedelta(hours=8),
                                                                accepted_by="枣庄市能源局 验收组",
                                                                delisted_at=now - timedelta(hours=6),
                                                                note="现场验收合格，同意销号"))
