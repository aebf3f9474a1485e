"""Demo dual prevention: four believable risk points with their risks and controls, reviews, a map layout,
inspection plans at the cadences the 标准化 asks for, a month of rounds — most done, some with findings,
some missed — and the current windows' rounds still due."""

import random
from datetime import date, datetime, timedelta

from sqlmodel import Session, col, select

from safety_service.hazards import intake as hazards_intake
from safety_service.hazards.schemas import HazardReport
from safety_service.hazards.states import Channel
from safety_service.inspections import service as inspections_service
from safety_service.inspections.models import InspectionRound
from safety_service.inspections.schemas import ItemCheck, PlanCreate, RoundRecord
from safety_service.inspections.states import Frequency, RoundState
from safety_service.locations import service as locations_service
from safety_service.locations.models import LocationKind, Site
from safety_service.locations.schemas import LocationCreate
from safety_service.people.models import User
from safety_service.risks import service as risks_service
from safety_service.risks.rating import ControlKind, ReviewKind
from safety_service.risks.schemas import ControlCreate, MapPlace, ReviewCreate, RiskCreate, RiskPointCreate

C = ControlCreate
POINTS = (
    RiskPointCreate(code="FX-1701", name="1701 综采工作面", area_code="south", location_codes=["WF-1701"], risks=[
        RiskCreate(hazard_source="顶板来压、片帮冒顶", accident_type="顶板事故", consequence="人员伤亡、设备损坏",
                   likelihood=4, severity=5, controls=[
                       C(kind=ControlKind.engineering, measure="液压支架初撑力不低于24MPa，及时移架护顶", unit="综采一队", person="杨军"),
                       C(kind=ControlKind.management, measure="敲帮问顶，清除活矸危岩", unit="综采一队", person="张伟"),
                       C(kind=ControlKind.emergency, measure="冒顶应急预案每季度演练", unit="安全科", person="刘洋")]),
        RiskCreate(hazard_source="上隅角瓦斯积聚", accident_type="瓦斯爆炸", consequence="群死群伤",
                   likelihood=3, severity=5, controls=[
                       C(kind=ControlKind.engineering, measure="上隅角瓦斯抽采，传感器报警点1.0%", unit="通风队", person="李强"),
                       C(kind=ControlKind.management, measure="瓦斯检查员每班三检", unit="通风队", person="李强")])]),
    RiskPointCreate(code="BD-3102", name="3102 运输顺槽带式输送机", area_code="north", location_codes=["RW-3102"], risks=[
        RiskCreate(hazard_source="输送带跑偏、打滑摩擦起火", accident_type="火灾", consequence="烟雾伤人、停产",
                   likelihood=3, severity=4, controls=[
                       C(kind=ControlKind.engineering, measure="防跑偏、防打滑、烟雾、温度保护齐全有效", unit="机电科", person="赵勇"),
                       C(kind=ControlKind.management, measure="机头机尾每班清理浮煤", unit="综采一队", person="王磊")]),
        RiskCreate(hazard_source="人员跨越运行中的输送带", accident_type="机械伤害", consequence="人员伤亡",
                   likelihood=2, severity=4, controls=[
                       C(kind=ControlKind.engineering, measure="行人跨越处设过桥", unit="机电科", person="赵勇"),
                       C(kind=ControlKind.training, measure="岗前培训：严禁跨越、乘坐输送带", unit="安全科", person="陈静")])]),
    RiskPointCreate(code="ZJ-HOIST", name="主井提升系统", area_code="north", location_codes=["PH-MAIN"], risks=[
        RiskCreate(hazard_source="提升钢丝绳断丝、过卷过放", accident_type="运输事故", consequence="设备损坏、人员伤亡",
                   likelihood=2, severity=5, controls=[
                       C(kind=ControlKind.engineering, measure="过卷、过速、限速保护每日试验", unit="机电科", person="赵勇"),
                       C(kind=ControlKind.management, measure="钢丝绳每日检查并记录断丝", unit="机电科", person="赵勇"),
                       C(kind=ControlKind.training, measure="提升机司机持证上岗", unit="机电科", person="赵勇")])]),
    RiskPointCreate(code="SUB-C", name="中央变电所", area_code="north", location_codes=["SUB-CENTRAL"], risks=[
        RiskCreate(hazard_source="高压开关漏电、误操作", accident_type="触电", consequence="人员触电",
                   likelihood=1, severity=5, controls=[
                       C(kind=ControlKind.management, measure="停送电执行工作票和操作票", unit="机电科", person="赵勇"),
                       C(kind=ControlKind.protection, measure="操作时戴绝缘手套、穿绝缘靴", unit="机电科", person="赵勇")])]),
)
PLANS = (  # (name, inspector, post, leader round, frequency, points)
    ("安全副矿长每旬排查", "chief", "分管负责人（安全副矿长）", True, "dekad", ("FX-1701", "BD-3102", "ZJ-HOIST", "SUB-C")),
    ("安全科每周排查", "officer1", "安全科", False, "weekly", ("FX-1701", "BD-3102", "ZJ-HOIST", "SUB-C")),
    ("综采一队跟班排查", "owner1", "综采一队队长", True, "shift", ("FX-1701",)),
    ("机电科每周排查", "owner2", "机电科科长", False, "weekly", ("ZJ-HOIST", "SUB-C", "BD-3102")),
)
FINDINGS = ("支架压力表显示不足20MPa", "工作面煤壁片帮，活矸未清除", "机尾浮煤堆积", "烟雾传感器未接入",
            "钢丝绳检查记录缺一天", "开关柜门闭锁失灵")
STEP = timedelta(hours=8)
KIOSK = "PH-MAIN-01"  # the main pithead's reception station (kiosks.demo), where the kiosk report was made
# Miners naming the risk point on the QR page or at a kiosk: (place, risk point, category, channel, words, days ago).
NAMED = (("WF-1701", "FX-1701", "roof", Channel.qr, "1701工作面58#支架立柱漏液，初撑力上不去", 2),
         ("RW-3102", "BD-3102", "transport", Channel.kiosk, "3102顺槽皮带机尾跑偏，托辊磨损发热", 5),
         ("SUB-CENTRAL", "SUB-C", "electromechanical", Channel.qr, "中央变电所2号高压柜门闭锁不灵", 9))


def load(session: Session, *, users: dict[str, User], site: Site, timezone: str, now: datetime,
         today: date, seed: int = 19) -> str:
    """Create the demo's risk points, plans and a month of rounds; returns a line describing them."""
    rng = random.Random(seed)
    locations_service.add_location(session, site=site, data=LocationCreate(
        code="SUB-CENTRAL", name_zh="中央变电所", name_en="Central substation", area_code="north",
        kind=LocationKind.chamber))
    for index, data in enumerate(POINTS):
        point = risks_service.add_risk_point(session, data=data)
        risks_service.place_on_map(session, point=point, data=MapPlace(map_x=index % 3, map_y=index // 3))
        risks_service.record_review(session, point=point, actor=users["chief"], data=ReviewCreate(
            kind=ReviewKind.annual, reviewed_on=date(today.year - 1, 12, 20), participants="矿长、总工程师、各分管负责人、安全科"))
    risks_service.record_review(session, point=risks_service.get_risk_point(session, code="FX-1701"),
                                actor=users["chief"], data=ReviewCreate(
                                    kind=ReviewKind.special, reviewed_on=today - timedelta(days=40),
                                    reason="工作面过断层，采煤工艺调整",
                                    participants="总工程师、生产技术科、综采一队"))
    for name, inspector, post, leader, frequency, points in PLANS:
        inspections_service.add_plan(session, actor=users["officer1"], data=PlanCreate(
            name=name, inspector=inspector, post=post, leader_round=leader, frequency=Frequency(frequency),
            starts_on=today - timedelta(days=30), risk_point_codes=list(points)))
    done = _month_of_rounds(session, rng, users, timezone=timezone, now=now)
    _named_reports(session, now=now, timezone=timezone)
    return (f"dual prevention: {len(POINTS)} risk points, {len(PLANS)} inspection plans, {done} rounds done, "
            f"{len(NAMED)} reports naming their risk point")


def _named_reports(session: Session, *, now: datetime, timezone: str) -> None:
    """Reports that name their risk point, as the QR page and the kiosk offer it (the 1701 face's reaches the chief)."""
    for place, point, category, channel, words, days in NAMED:
        report = HazardReport(location_code=place, risk_point_code=point, category_code=category, source=channel,
                              description=words, client_report_id=f"demo-named-{point}",
                              kiosk=KIOSK if channel == Channel.kiosk else None)
        hazards_intake.report_hazard(session, data=report, now=now - timedelta(days=days), timezone=timezone)


def _month_of_rounds(session: Session, rng: random.Random, users: dict[str, User], *, timezone: str,
                     now: datetime) -> int:
    """Walk the month shift by shift: rounds are made, most done in their window, the rest marked missed."""
    by_id = {user.id: user for user in users.values()}
    at, done, seen = now - timedelta(days=30), 0, set()
    while at < now:
        inspections_service.schedule(session, now=at, timezone=timezone)
        open_now = session.exec(select(InspectionRound).where(
            InspectionRound.state == RoundState.due, col(InspectionRound.window_start) <= at,
            col(InspectionRound.window_end) <= now).order_by(col(InspectionRound.id))).all()
        for inspection in (r for r in open_now if r.id not in seen):
            seen.add(inspection.id)
            if rng.random() < 0.85:
                checked = min(at + timedelta(minutes=rng.randint(20, 400)), inspection.window_end - timedelta(minutes=1))
                _record(session, rng, inspection, by_id[inspection.inspector_id], checked, timezone)
                done += 1
        at += STEP
    inspections_service.schedule(session, now=now, timezone=timezone)
    return done


def _record(session: Session, rng: random.Random, inspection: InspectionRound, inspector: User, checked: datetime,
            timezone: str) -> None:
    items = inspections_service.checklist(session, risk_point_id=inspection.risk_point_id)
    bad = rng.choice(items).control_id if rng.random() < 0.1 else None
    answers = [ItemCheck(control_id=i.control_id, ok=i.control_id != bad,
                         note=rng.choice(FINDINGS) if i.control_id == bad else None) for i in items]
    data = RoundRecord(client_round_id=f"demo-round-{inspection.id:06d}", checked_at=checked, items=answers)
    inspections_service.record_round(session, inspection=inspection, data=data, actor=inspector,
                                     now=checked + timedelta(minutes=5), timezone=timezone)

