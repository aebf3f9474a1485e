"""Demo data: a site with areas and locations, people in every role, hazards in every state."""

import random
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from safety_service.bulletins import demo as bulletins_demo
from safety_service.clock import utc_now
from safety_service.config import Settings
from safety_service.counselling import demo as counselling_demo
from safety_service.hazards import intake as hazards_intake
from safety_service.hazards import service as hazards_service
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
from safety_service.locations import service as locations_service
from safety_service.locations.models import Area
from safety_service.locations.schemas import AreaCreate, LocationCreate
from safety_service.people import service as people_service
from safety_service.people.models import Person, Role, User
from safety_service.people.schemas import UserCreate
from safety_service.supervisors import demo as supervisors_demo

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
    ("admin", Role.admin, "9001", "吴刚", "信息中心"),
)
# Where the demo workers work, so bulletins for an area and their read rates have an audience.
HOME_AREAS = {"miner1": "north", "miner2": "south", "supervisor1": "north", "owner1": "north", "owner2": "south"}
DESCRIPTIONS = (
    ("roof", "顶板有离层裂缝，锚杆托盘松动"),
    ("gas", "回风隅角瓦斯浓度偏高，传感器读数0.9%"),
    ("ventilation", "风门关闭不严，漏风明显"),
    ("water", "巷道底板渗水，水沟堵塞"),
    ("electromechanical", "皮带机急停拉线失效"),
    ("transport", "轨道道岔扣件缺失"),
    ("blasting", "炮眼装药后未及时封泥"),
    ("fire", "灭火器压力不足，过期未检"),
    ("dust", "转载点喷雾降尘装置不工作"),
    ("other", "安全出口指示牌损坏"),
)
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
            code=code, name_zh=zh, name_en=en, area_code=area_code, kind=kind))
    users = {
        username: people_service.add_user(session, data=UserCreate(
            username=username, role=role, password=DEMO_PASSWORD, employee_no=no, name=name, team=team))
        for username, role, no, name, team in PEOPLE
    }
    _place(session, users)
    now = utc_now()
    for index in range(48):
        _demo_hazard(session, rng, users, stage=STAGES[index % len(STAGES)], index=index, now=now,
                     timezone=settings.timezone)
    counselling = counselling_demo.load(session, users=users, location_codes=[code for code, *_ in LOCATIONS],
                                        settings=settings, now=now)
    outreach = [bulletins_demo.load(session, officer=users["officer1"], site=site.code, now=now,
                                    readers=["1001", "1002", "2001"]),
                supervisors_demo.load(session, officer=users["officer1"], now=now,
                                      today=now.astimezone(ZoneInfo(settings.timezone)).date())]
    return [
        f"site {site.code}: {len(AREAS)} areas, {len(LOCATIONS)} locations, 48 hazards", counselling, *outreach,
        f"accounts (password {DEMO_PASSWORD!r}): " + ", ".join(f"{u} ({r})" for u, r, *_ in PEOPLE),
    ]


def _place(session: Session, users: dict[str, User]) -> None:
    areas = dict(session.exec(select(Area.code, Area.id)).all())
    for username, code in HOME_AREAS.items():
        person = session.get(Person, users[username].person_id)
        person.area_id = areas[code]
        session.add(person)
    session.flush()


def _demo_hazard(session: Session, rng: random.Random, users: dict[str, User], *, stage: str, index: int,
                 now: datetime, timezone: str) -> None:
    category, text = DESCRIPTIONS[index % len(DESCRIPTIONS)]
    start = now - timedelta(days=rng.randint(12, 40), hours=rng.randint(0, 23))
    reporter = rng.choice(("1001", "1002", "2001", None))
    source = rng.choice((Channel.qr, Channel.qr, Channel.kiosk, Channel.console))
    report = HazardReport(
        location_code=LOCATIONS[index % len(LOCATIONS)][0], category_code=category, description=text,
        source=source, reporter_employee_no=reporter,
    )
    hazard, _ = hazards_intake.report_hazard(session, data=report, now=start, timezone=timezone)
    if stage == "reported":
        return
    officer = users[rng.choice(("officer1", "officer2"))]
    if stage == "rejected":
        hazards_service.reject(session, hazard=hazard, data=HazardReject(reason="现场核查，隐患已不存在"),
                               actor=officer, now=start + timedelta(hours=3))
        return
    grade = Grade.major if index % 7 == 0 else Grade.general
    hazards_service.confirm(session, hazard=hazard, data=HazardConfirm(grade=grade, category_code=category),
                            actor=officer, now=start + timedelta(hours=2))
    if stage == "confirmed":
        return
    _demo_fix(session, hazard, users, officer, stage=stage, start=start, now=now)


def _demo_fix(session: Session, hazard: Hazard, users: dict[str, User], officer: User, *, stage: str,
              start: datetime, now: datetime) -> None:
    owner = users["owner1" if hazard.id % 2 else "owner2"]
    deadline = now - timedelta(days=4) if stage == "overdue" else now + timedelta(days=5)
    hazards_service.assign(session, hazard=hazard, actor=officer, now=start + timedelta(hours=4), data=HazardAssign(
        owner=owner.username, measures="停工整改，补打锚杆并加强支护", funds=Decimal("3000.00"),
        deadline=deadline, contingency_plan="设置警戒，人员撤离至安全地点"))
    if stage in ("rectifying", "overdue"):
        return
    hazards_service.mark_rectified(session, hazard=hazard, data=HazardRectified(note="已按措施整改完毕，附照片"),
                                   actor=owner, now=start + timedelta(days=2))
    verifier = users["chief"] if hazard.grade == Grade.major else officer
    if stage == "failed_once":
        hazards_service.verify(session, hazard=hazard, actor=verifier, now=start + timedelta(days=3),
                               data=HazardVerify(passed=False, note="支护间距仍不合格，重新整改"))
        return
    if stage == "closed":
        hazards_service.verify(session, hazard=hazard, actor=verifier, now=start + timedelta(days=3),
                               data=HazardVerify(passed=True, note="现场验收合格，予以销号"))
