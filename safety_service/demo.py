"""Demo data: a site with areas and locations, people in every role, hazards in every state."""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from safety_service.bulletins import demo as bulletins_demo
from safety_service.clock import utc_now
from safety_service.config import Settings
from safety_service.counselling import demo as counselling_demo
from safety_service.counselling import demo_family, demo_violations
from safety_service.database import known, saved_id
from safety_service.hazards import demo as hazards_demo
from safety_service.hazards import intake as hazards_intake
from safety_service.hazards import library as hazard_library
from safety_service.hazards import major_demo
from safety_service.hazards import service as hazards_service
from safety_service.hazards import urgent as hazards_urgent
from safety_service.hazards.levels import HazardLevel
from safety_service.hazards.models import Hazard
from safety_service.hazards.schemas import (
    HazardAssign,
    HazardConfirm,
    HazardRectified,
    HazardReject,
    HazardReport,
    HazardVerify,
)
from safety_service.hazards.states import Channel, Grade
from safety_service.inspections import demo as inspections_demo
from safety_service.kiosks import demo as kiosks_demo
from safety_service.locations import service as locations_service
from safety_service.locations.models import Area, LocationKind, Site
from safety_service.locations.schemas import AreaCreate, LocationCreate
from safety_service.people import service as people_service
from safety_service.people.models import Person, Role, User
from safety_service.people.schemas import UserCreate
from safety_service.rewards import demo as rewards_demo
from safety_service.scorecard import demo as scorecard_demo
from safety_service.supervisors import demo as supervisors_demo
from safety_service.units import demo as units_demo

DEMO_PASSWORD = "demo-password"
AREAS = (("north", "北翼采区", "North wing"), ("south", "南翼采区", "South wing"), ("surface", "地面工业广场", "Surface"))
LOCATIONS = (
    ("PH-MAIN", "主井井口", "Main shaft pithead", "north", "pithead"),
    ("PH-AUX", "副井井口", "Auxiliary shaft pithead", "south", "pithead"),
    ("RW-3102", "3102运输顺槽", "3102 haulage gateway", "north", "roadway"),
    ("RW-3105", "3105回风顺槽", "3105 return gateway", "north", "roadway"),
    ("WF-1701", "1701综采工作面", "1701 longwall face", "south", "working_face"),
    ("RW-S12", "南翼轨道大巷", "South track main", "south", "roadway"),
    ("WS-MECH", "机修车间", "Mechanical workshop", "surface", "workshop"),
    ("WS-LAMP", "灯房", "Lamp room", "surface", "workshop"),
)
PEOPLE = (
    ("miner1", Role.miner, "1001", "张伟", "综采一队"),
    ("miner2", Role.miner, "1002", "王磊", "掘进二队"),
    ("supervisor1", Role.supervisor, "2001", "李强", "通风队"),
    ("officer1", Role.officer, "3001", "刘洋", "安全科"),
    ("officer2", Role.officer, "3002", "陈静", "安全科"),
    ("owner1", Role.owner, "4001", "杨军", "综采一队"),
    ("owner2", Role.owner, "4002", "赵勇", "机电科"),
    ("chief", Role.chief, "5001", "孙建国", "矿领导"),
    ("counsellor1", Role.counsellor, "6001", "周敏", "工会"),
    ("counsellor2", Role.counsellor, "6002", "钱丽", "工会"),
    ("admin", Role.admin, "9001", "吴刚", "信息中心"),
    ("dispatcher1", Role.dispatcher, "7001", "郑华", "调度室"),
)
# Where the demo workers work, so bulletins for an area and their read rates have an audience.
HOME_AREAS = {"miner1": "north", "miner2": "south", "supervisor1": "north", "owner1": "north", "owner2": "south"}
@dataclass(frozen=True)
class Finding:
    """One hazard as a mine's month holds it: what was seen, the fix that fits it, what the owner and verifier said."""

    category: str
    location: str  # its code
    description: str
    measures: str
    funds: str
    done: str  # the owner's note when the fix is done
    failed: str  # the verifier's note when it was not good enough
    major: bool = False
    criterion: str | None = None  # the situation of 煤矿重大事故隐患判定标准 a major finding meets


FINDINGS = (
    Finding("roof", "RW-3102", "3102运输顺槽距切眼120米处顶板离层，两根锚杆托盘松动", "补打锚索2根，更换松动托盘并紧固，加挂金属网",
            "2600.00", "已补打锚索2根，托盘更换紧固，离层仪读数稳定", "锚索预紧力不足，重新张拉", major=True,
            criterion="18.11"),
    Finding("roof", "WF-1701", "工作面端头支架顶梁与顶板接顶不实，局部空顶", "调整端头支架，空顶处用木垛接实，加强端头维护",
            "1800.00", "端头支架已调整，木垛接顶严实", "木垛未打紧，仍有空隙"),
    Finding("gas", "WF-1701", "回风隅角瓦斯浓度0.9%，接近报警值", "加强隅角通风，设置挡风帘引流，增设便携式瓦斯检测仪专人监测",
            "1500.00", "已挂挡风帘，隅角瓦斯降至0.3%，专人每班检测", "隅角浓度仍有波动，挡风帘位置需调整", major=True,
            criterion="5.2"),
    Finding("gas", "RW-3105", "甲烷传感器超过校验期未调校", "立即调校传感器，建立校验台账，每旬复核", "300.00",
            "传感器已调校，台账已建立", "台账记录不全，补齐后再验"),
    Finding("ventilation", "RW-3105", "3105回风顺槽风门关闭不严，漏风明显", "更换风门密封胶条，调整门框，恢复闭锁装置",
            "1200.00", "密封胶条已更换，两道风门闭锁正常", "风门仍有漏风，闭锁不可靠"),
    Finding("ventilation", "RW-3102", "局部通风机未挂牌管理，无专人负责", "设置局扇管理牌板，指定专人负责，纳入交接班检查",
            "200.00", "管理牌板已挂，专人已落实", "交接班记录未体现局扇检查"),
    Finding("water", "RW-S12", "南翼轨道大巷底板渗水，水沟淤堵", "清理水沟淤泥，疏通排水，观察渗水点水量变化", "800.00",
            "水沟已清淤，排水通畅，渗水点每班观测记录", "水沟仍有积水段，继续清理"),
    Finding("water", "RW-S12", "探放水钻孔未按设计施工，孔深不足", "按探放水设计补打钻孔，地测科现场验收", "6000.00",
            "已按设计补打钻孔至设计孔深，地测科签字确认", "孔深记录与设计不符，重新测量", major=True, criterion="9.3"),
    Finding("electromechanical", "RW-3102", "带式输送机沿线急停拉线失效", "更换急停拉线及开关，逐段试验闭锁", "900.00",
            "急停拉线已更换，沿线逐段试验可靠", "第三段拉线动作不灵敏"),
    Finding("electromechanical", "RW-S12", "配电点开关失爆，接线盒螺栓缺失", "补齐螺栓，失爆开关停电处理，防爆检查员复查",
            "400.00", "螺栓已补齐，经防爆检查员复查合格", "另一接线盒仍缺弹簧垫圈"),
    Finding("transport", "RW-S12", "轨道道岔扣件缺失，轨距超限", "补齐道岔扣件，调整轨距至标准，运输队每班巡查", "700.00",
            "扣件已补齐，轨距调整合格", "轨距仍超限2毫米"),
    Finding("transport", "PH-AUX", "斜巷跑车防护装置常开，未实现联锁", "恢复跑车防护装置常闭，与绞车信号联锁", "2500.00",
            "防护装置已恢复常闭并与信号联锁，试验可靠", "联锁试验不成功，重新调试"),
    Finding("blasting", "RW-3105", "炮眼装药后未及时封泥", "对当班放炮员批评教育，严格执行水炮泥、黄泥封孔规定", "0.00",
            "已对放炮员进行教育，现场检查封孔符合要求", "抽查仍有封泥不足的炮眼"),
    Finding("fire", "WS-MECH", "机修车间灭火器压力不足，过期未检", "更换过期灭火器，建立月检记录", "600.00",
            "已更换灭火器6具，月检记录已建立", "仍有1具压力表指针在红区"),
    Finding("fire", "RW-3102", "皮带机头防灭火洒水装置阀门锈死", "更换阀门，试验自动洒水装置", "500.00",
            "阀门已更换，洒水装置试验正常", "洒水喷头堵塞，需清理"),
    Finding("dust", "RW-3102", "转载点喷雾降尘装置不工作", "检修喷雾泵和喷嘴，恢复转载点喷雾", "450.00",
            "喷雾泵已检修，喷雾正常", "喷嘴雾化效果差，需更换"),
    Finding("dust", "RW-3105", "掘进工作面粉尘浓度超标，未使用湿式打眼", "恢复湿式打眼，加设净化水幕，测尘员每班测尘", "1000.00",
            "已恢复湿式打眼，水幕运行，测尘合格", "测尘仍超标，水幕位置需前移"),
    Finding("transport", "PH-MAIN", "主井井口安全门与罐笼信号闭锁失效", "修复安全门闭锁，与信号系统联调，把钩工每班试验",
            "1600.00", "安全门闭锁已修复，与信号联调试验可靠", "闭锁偶有失灵，继续检修"),
    Finding("electromechanical", "WS-LAMP", "灯房充电架线路老化，插头发热", "更换老化线路和插头，加装漏电保护",
            "800.00", "充电架线路已更换，漏电保护试验动作可靠", "仍有两个插头发热"),
    Finding("other", "PH-AUX", "副井井口安全出口指示牌损坏", "更换安全出口指示牌及应急照明", "350.00",
            "指示牌和应急照明已更换", "应急照明电池不合格"),
)
# The 机电科 answers for machines, haulage and fire equipment; the 综采一队 for the rest of its district.
MACHINE_CATEGORIES = ("electromechanical", "transport", "fire")
REJECTIONS = ("现场核查，隐患已不存在", "与已登记隐患重复", "经核实属正常作业状态，不构成隐患")

LEVELS = ("C", "C", "B", "C", "A")  # mostly 区队级, some 科级, few 矿级
LIBRARY_MATCH_SCORE = 0.25  # a suggestion close enough that the demo officer takes it
STAGES = ("reported", "confirmed", "rectifying", "awaiting_verification", "closed", "rejected", "overdue",
          "failed_once")


def is_empty(session: Session) -> bool:
    """Whether the database holds no hazards and no accounts yet."""
    return session.exec(select(Hazard.id).limit(1)).first() is None and \
        session.exec(select(User.id).limit(1)).first() is None


def load(session: Session, *, settings: Settings, seed: int = 7) -> list[str]:
    """Create the demo data; returns lines describing what was made."""
    rng = random.Random(seed)
    site = locations_service.ensure_site(session, code=settings.site, name_zh=settings.site_name)
    for code, zh, en in AREAS:
        locations_service.add_area(session, site=site, data=AreaCreate(code=code, name_zh=zh, name_en=en))
    for code, zh, en, area_code, kind in LOCATIONS:
        locations_service.add_location(session, site=site, data=LocationCreate(
            code=code, name_zh=zh, name_en=en, area_code=area_code, kind=LocationKind(kind)))
    users = {
        username: people_service.add_user(session, data=UserCreate(
            username=username, role=role, password=DEMO_PASSWORD, employee_no=no, name=name, team=team))
        for username, role, no, name, team in PEOPLE
    }
    _place(session, users)
    units = units_demo.load(session, users=users)
    now = utc_now()
    for index in range(48):
        _demo_hazard(session, rng, users, stage=STAGES[index % len(STAGES)], index=index, now=now,
                     timezone=settings.timezone)
    kiosks = _kiosks(session, site=site, now=now)
    changes = hazards_demo.load(session, users=users, now=now)
    urgent = _urgent_reports(session, users, now=now, timezone=settings.timezone)
    majors = major_demo.load(session, users=users, now=now)
    counselling = counselling_demo.load(session, users=users, location_codes=[code for code, *_ in LOCATIONS],
                                        settings=settings, now=now)
    paired = demo_family.load(session, users=users, settings=settings, now=now)
    graded = demo_violations.load(session, users=users, location_codes=[code for code, *_ in LOCATIONS],
                                  settings=settings, now=now)
    outreach = [bulletins_demo.load(session, officer=users["officer1"], site=site.code, now=now,
                                    readers=["1001", "1002", "2001"]),
                supervisors_demo.load(session, officer=users["officer1"], now=now,
                                      today=now.astimezone(ZoneInfo(settings.timezone)).date())]
    dual_prevention = _dual_prevention(session, users=users, site=site, settings=settings, now=now)
    rated = scorecard_demo.load(session, now=now)
    rewards = rewards_demo.load(session, users=users, settings=settings, now=now)
    return [
        f"site {site.code}: {len(AREAS)} areas, {len(LOCATIONS)} locations, 48 hazards", kiosks, units, changes, urgent,
        majors, counselling, paired, graded, *outreach, dual_prevention, rated, rewards,
        f"accounts (password {DEMO_PASSWORD!r}): " + ", ".join(f"{u} ({r})" for u, r, *_ in PEOPLE),
    ]


def _kiosks(session: Session, *, site: Site, now: datetime) -> str:
    """The pithead kiosks, each kiosk report of the month sent from one of them (alternately)."""
    kiosks = kiosks_demo.load(session, site=site, now=now)
    sent = session.exec(select(Hazard).where(Hazard.source == Channel.kiosk).order_by(col(Hazard.id))).all()
    for number, hazard in enumerate(sent):
        hazard.kiosk_id = saved_id(kiosks[number % len(kiosks)])
        session.add(hazard)
    return f"{len(kiosks)} pithead kiosks ({', '.join(k.kiosk_id for k in kiosks)}), {len(sent)} reports sent from them"


def _dual_prevention(session: Session, *, users: dict[str, User], site: Site, settings: Settings,
                     now: datetime) -> str:
    """Risk points, inspection plans and a month of rounds (issue 19), kept apart to ease merges."""
    return inspections_demo.load(session, users=users, site=site, timezone=settings.timezone, now=now,
                           today=now.astimezone(ZoneInfo(settings.timezone)).date())


def _level_code(session: Session, hazard: Hazard) -> str | None:
    level = session.get(HazardLevel, hazard.level_id) if hazard.level_id else None
    return level.code if level else None


def _urgent_reports(session: Session, users: dict[str, User], *, now: datetime, timezone: str) -> str:
    """Two reports marked 紧急 at the pithead: one the dispatch room has acted on, one still waiting for it."""
    reports = (("WF-1701", "gas", "工作面回风流瓦斯浓度1.2%，超限断电，现场人员已停止作业", "1001", 95),
               ("RW-3105", "roof", "3105回风顺槽迎头顶板掉渣、来压明显，支护有异响", "2001", 12))
    made = [hazards_intake.report_hazard(session, now=now - timedelta(minutes=minutes), timezone=timezone,
                                         data=HazardReport(location_code=code, category_code=category,
                                                           description=text, source=Channel.qr,
                                                           reporter_employee_no=reporter, urgent=True))[0]
            for code, category, text, reporter, minutes in reports]
    hazards_urgent.acknowledge(session, hazard=made[0], actor=users["dispatcher1"],
                               what=hazards_urgent.Acknowledgement.evacuated, note="已通知通风调度，撤出工作面人员",
                               now=now - timedelta(minutes=88))
    return "2 urgent reports (紧急): one acknowledged by the dispatch room, one waiting"


def _place(session: Session, users: dict[str, User]) -> None:
    areas = dict(session.exec(select(Area.code, Area.id)).all())
    for username, code in HOME_AREAS.items():
        person = known(session.get(Person, users[username].person_id))  # the user's foreign key
        person.area_id = areas[code]
        session.add(person)
    session.flush()


def _demo_hazard(session: Session, rng: random.Random, users: dict[str, User], *, stage: str, index: int,
                 now: datetime, timezone: str) -> None:
    # Shifted each round of stages, so every finding meets several stages of the loop.
    finding = FINDINGS[(index + index // len(STAGES)) % len(FINDINGS)]
    # A month's findings, during the day and evening shifts (local 07:00-22:00).
    start = now - timedelta(days=rng.randint(6, 34), hours=rng.randint(2, 17), minutes=rng.randint(0, 59))
    reporter = rng.choice(("1001", "1002", "2001", None))
    source = rng.choice((Channel.qr, Channel.qr, Channel.kiosk, Channel.console))
    report = HazardReport(
        location_code=finding.location, category_code=finding.category,
        description=finding.description,
        source=source, reporter_employee_no=reporter,
    )
    hazard, _ = hazards_intake.report_hazard(session, data=report, now=start, timezone=timezone)
    if stage == "reported":
        return
    officer = users[rng.choice(("officer1", "officer2"))]
    if stage == "rejected":
        hazards_service.reject(session, hazard=hazard, data=HazardReject(reason=rng.choice(REJECTIONS)),
                               actor=officer, now=start + timedelta(hours=3))
        return
    grade = Grade.major if finding.major else Grade.general
    level = None if grade == Grade.major else LEVELS[index % len(LEVELS)]
    hazards_service.confirm(session, hazard=hazard, data=HazardConfirm(
        grade=grade, category_code=finding.category, level=level, library_item=_library_item(session, finding),
        major_criterion=major_demo.criterion_id(session, known(finding.criterion)) if finding.major else None),
        actor=officer, now=start + timedelta(hours=2))
    if stage == "confirmed":
        return
    _demo_fix(session, hazard, finding, users, officer, stage=stage, start=start, now=now)


def _library_item(session: Session, finding: Finding) -> int | None:
    """The standard item an officer would pick from the confirm form's suggestions, when one is close."""
    found = hazard_library.best_matches(session, text=finding.description, category=finding.category, limit=1)
    return found[0].id if found and found[0].score >= LIBRARY_MATCH_SCORE else None


def _demo_fix(session: Session, hazard: Hazard, finding: Finding, users: dict[str, User], officer: User, *,
              stage: str, start: datetime, now: datetime) -> None:
    owner = users["owner2" if finding.category in MACHINE_CATEGORIES else "owner1"]
    mine_level = hazard.grade == Grade.major or _level_code(session, hazard) == "A"
    officer = users["chief"] if mine_level else officer  # a 矿级 fix is assigned and verified by the chief
    deadline = now - timedelta(days=4) if stage == "overdue" else now + timedelta(days=5)
    hazards_service.assign(session, hazard=hazard, actor=officer, now=start + timedelta(hours=4), data=HazardAssign(
        owner=owner.username, measures=finding.measures, funds=Decimal(finding.funds),
        deadline=deadline, contingency_plan="整改期间设置警戒，专人监护，情况异常立即撤人"))
    if hazard.grade == Grade.major:  # 治理方案 (安监总局令第16号): one waits for the chief, the others approved
        major_demo.submit_and_decide(session, hazard, owner=owner, chief=users["chief"], measures=finding.measures,
                                     funds=finding.funds, at=start + timedelta(hours=5), decide=stage != "rectifying")
    if stage in ("rectifying", "overdue"):
        return
    hazards_service.mark_rectified(session, hazard=hazard, data=HazardRectified(note=finding.done),
                                   actor=owner, now=start + timedelta(days=2))
    verifier = users["chief"] if mine_level else officer
    if stage == "failed_once":
        hazards_service.verify(session, hazard=hazard, actor=verifier, now=start + timedelta(days=3),
                               data=HazardVerify(passed=False, note=finding.failed))
        return
    if stage == "closed":
        hazards_service.verify(session, hazard=hazard, actor=verifier, now=start + timedelta(days=3),
                               data=HazardVerify(passed=True, note="现场验收合格，予以销号"))
