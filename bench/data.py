"""Realistic synthetic hazards for the benchmark: the mine's places, people and a million reports.

Everything is drawn from a seeded generator, so two fills with the same seed hold the same data.
Reports arrive evenly over three years (ids grow with time, as in the real register); the older a
hazard, the likelier it is closed; descriptions are built from fragments of real coal-mine
findings, so search terms such as 瓦斯, 顶板裂缝 or 皮带 each match a different share of rows.
"""

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from safety_service.hazards.search import index_text

GENERATOR_VERSION = 1
YEARS = 3
TIMEZONE = ZoneInfo("Asia/Shanghai")
TRACKING_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"

AREAS = (
    ("north", "北翼采区", "North wing"), ("south", "南翼采区", "South wing"),
    ("east", "东翼采区", "East wing"), ("west", "西翼采区", "West wing"),
    ("deep", "深部采区", "Deep district"), ("shaft", "井筒及井底车场", "Shafts and pit bottom"),
    ("surface", "地面工业广场", "Surface plant"),
)
FIXED_LOCATIONS = (
    ("PH-MAIN", "主井井口", "Main shaft pithead", "shaft", "pithead"),
    ("PH-AUX", "副井井口", "Auxiliary shaft pithead", "shaft", "pithead"),
    ("PH-AIR", "风井井口", "Ventilation shaft pithead", "shaft", "pithead"),
    ("PB-YARD", "井底车场", "Pit-bottom yard", "shaft", "roadway"),
    ("PB-SUB", "中央变电所", "Central substation", "shaft", "chamber"),
    ("PB-PUMP", "中央水泵房", "Central pump room", "shaft", "chamber"),
    ("RW-BELT", "主斜井皮带巷", "Main inclined belt roadway", "shaft", "roadway"),
    ("RW-S-TRK", "南翼轨道大巷", "South track main", "south", "roadway"),
    ("RW-N-BELT", "北翼胶带大巷", "North conveyor main", "north", "roadway"),
    ("CH-GAS", "瓦斯抽采泵站", "Gas drainage pump station", "surface", "chamber"),
    ("CH-EXPL", "井下炸药库", "Underground explosives store", "deep", "chamber"),
    ("CH-REF", "避难硐室", "Refuge chamber", "deep", "chamber"),
    ("WS-MECH", "机修车间", "Mechanical workshop", "surface", "workshop"),
    ("WS-LAMP", "灯房", "Lamp room", "surface", "workshop"),
    ("WS-AIR", "压风机房", "Compressor house", "surface", "workshop"),
    ("WS-DISP", "矿井调度室", "Dispatch room", "surface", "workshop"),
)
PANEL_AREAS = ("north", "south", "east", "west", "deep")
PANEL_KINDS = (
    ("WF", "综采工作面", "longwall face", "working_face", 3.0),
    ("HT", "运输顺槽", "haulage gateway", "roadway", 2.0),
    ("HR", "回风顺槽", "return gateway", "roadway", 1.6),
    ("DV", "掘进工作面", "development heading", "working_face", 2.2),
)
KIND_WEIGHT = {"pithead": 1.2, "roadway": 1.0, "chamber": 0.6, "workshop": 0.5}
LOCATION_COUNT = 100

CATEGORY_WEIGHTS = {
    "roof": 16, "gas": 10, "ventilation": 10, "water": 7, "electromechanical": 17,
    "transport": 14, "blasting": 5, "fire": 5, "dust": 8, "other": 8,
}
FINDINGS = {
    "roof": ("顶板有离层裂缝，锚杆托盘松动", "顶板裂缝明显，有掉渣现象", "锚索预紧力不足", "支架初撑力不够",
             "顶板淋水，金属网破损", "超前支护单体柱缺失", "顶板下沉量超限", "帮部片帮严重", "顶板破碎未及时支护"),
    "gas": ("回风隅角瓦斯浓度偏高", "瓦斯传感器读数偏高", "瓦斯抽采管路漏气", "瓦斯检查牌板未填写",
            "局部瓦斯积聚", "甲烷传感器吊挂位置不当", "瓦斯检查员漏检", "便携式甲烷检测仪未开机"),
    "ventilation": ("风门关闭不严，漏风明显", "局部通风机停风", "风筒破损漏风", "调节风窗损坏",
                    "测风站数据未更新", "局部通风机未挂牌管理", "盲巷未及时封闭，有瓦斯积聚风险"),
    "water": ("巷道底板渗水", "水沟堵塞，积水严重", "排水泵故障", "探放水钻孔未按设计施工",
              "工作面涌水量增大", "水仓淤积未清理", "防水闸门关闭不灵活"),
    "electromechanical": ("皮带机急停拉线失效", "皮带跑偏，托辊损坏", "电缆吊挂不规范", "开关失爆",
                          "皮带机保护装置不全", "接地极锈蚀", "防爆电器闭锁失效", "变压器温度偏高",
                          "皮带机头清扫器损坏"),
    "transport": ("轨道道岔扣件缺失", "绞车信号不清", "矿车连接装置磨损", "皮带运输机机尾无护栏",
                  "跑车防护装置失效", "架空乘人装置（猴车）乘车秩序混乱", "单轨吊制动不灵敏",
                  "斜巷挡车栏损坏"),
    "blasting": ("炮眼装药后未及时封泥", "放炮警戒不到位", "雷管与炸药混放", "放炮后未检查瓦斯即进入",
                 "炸药库领退记录不全"),
    "fire": ("灭火器压力不足，过期未检", "消防沙箱缺沙", "皮带机头未设消防设施", "电气焊作业未办理审批",
             "消防管路阀门损坏", "采空区有自然发火征兆"),
    "dust": ("转载点喷雾降尘装置不工作", "综采工作面粉尘浓度超标", "隔爆水袋缺水", "煤尘堆积未清理",
             "净化水幕未开启", "个人未佩戴防尘口罩"),
    "other": ("安全出口指示牌损坏", "避难硐室物资不全", "人员定位卡未佩戴", "安全帽破损",
              "自救器超期未检", "巷道照明不足", "作业规程未贯彻学习"),
}
SPOTS = ("", "", "", "距机头约50米处", "机尾附近", "上隅角", "下隅角", "联络巷口", "变坡点附近",
         "第3号支架处", "第45号支架处", "距切眼约120米处", "交叉口", "车场内", "躲避硐附近")
DETAILS = ("", "", "", "，现场已设置警示", "，已通知班组长", "，存在安全隐患", "，需尽快处理",
           "，影响正常生产", "，夜班发现", "，复查仍未整改", "，请安排人员检查", "，多次反映未解决")
MEASURES = ("立即停止作业，补打锚杆锚索", "更换损坏部件并试运行", "加强检查，落实专人负责",
            "调整传感器位置并校验", "清理积水积尘，恢复设施")
REJECT_REASONS = ("现场核查，隐患已不存在", "与已上报隐患重复", "描述不清，无法核实", "不属于安全隐患")
SOURCES = (("qr", 45), ("kiosk", 25), ("console", 15), ("inspection", 15))
OPEN_STATES = (("reported", 30), ("confirmed", 20), ("rectifying", 35), ("awaiting_verification", 15))


@dataclass(frozen=True)
class World:
    """What the hazards refer to, as created through the service layer."""

    site_id: int
    locations: list[tuple[int, str, str]]  # id, name_zh, name_en
    location_weights: list[float]
    category_ids: dict[str, int]
    officer_ids: list[int]
    chief_id: int
    owner_ids: list[int]
    reporters: list[tuple[int, str, str]]  # person id, employee number, name


def location_specs(rng: random.Random) -> list[tuple[str, str, str, str, str, float]]:
    """The mine's locations: code, Chinese and English names, area, kind, and how busy it is."""
    specs = [(*spec, KIND_WEIGHT[spec[4]]) for spec in FIXED_LOCATIONS]
    panel = 3101
    while len(specs) < LOCATION_COUNT:
        area = PANEL_AREAS[(panel // 100) % len(PANEL_AREAS)]
        for prefix, zh, en, kind, weight in PANEL_KINDS:
            if len(specs) < LOCATION_COUNT:
                specs.append((f"{prefix}-{panel}", f"{panel}{zh}", f"{panel} {en}", area, kind, weight))
        panel += 1 if panel % 100 < 8 else 93
    return [(*spec[:5], spec[5] * rng.lognormvariate(0, 0.6)) for spec in specs]


def _weighted(rng: random.Random, pairs: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([value for value, _ in pairs], [weight for _, weight in pairs])[0]


def description(rng: random.Random, category: str) -> str:
    """A report as a miner would type it: where, what, and sometimes a second finding."""
    text = rng.choice(SPOTS) + rng.choice(FINDINGS[category]) + rng.choice(DETAILS)
    if rng.random() < 0.25:
        other = rng.choices(list(CATEGORY_WEIGHTS), list(CATEGORY_WEIGHTS.values()))[0]
        text += "；另外" + rng.choice(FINDINGS[other])
    return text


def tracking_code(rng: random.Random, seen: set[str]) -> str:
    """A unique 12-character tracking code from the service's alphabet."""
    while True:
        bits = rng.getrandbits(60)
        code = "".join(TRACKING_ALPHABET[(bits >> (5 * i)) & 31] for i in range(12))
        if code not in seen:
            seen.add(code)
            return code


class HazardGenerator:
    """Yields hazard rows (dicts of column values) in id order, reported evenly over three years."""

    def __init__(self, world: World, *, count: int, now: datetime, seed: int) -> None:
        self.world, self.count, self.now = world, count, now
        self.rng = random.Random(seed)
        self.start = now - timedelta(days=365 * YEARS)
        self.step = (now - timedelta(minutes=10) - self.start) / count
        self.counters: dict[int, int] = {}
        self.codes: set[str] = set()
        self.categories = list(CATEGORY_WEIGHTS)
        self.category_weights = list(CATEGORY_WEIGHTS.values())

    def rows(self, batch_size: int) -> Iterator[list[dict[str, Any]]]:
        """The rows, in batches."""
        batch: list[dict[str, Any]] = []
        for index in range(self.count):
            batch.append(self.row(index))
            if len(batch) == batch_size:
                yield batch
                batch = []
        if batch:
            yield batch

    def row(self, index: int) -> dict[str, Any]:
        rng, world = self.rng, self.world
        reported_at = self.start + self.step * index + timedelta(seconds=rng.uniform(0, 30))
        year = reported_at.astimezone(TIMEZONE).year
        self.counters[year] = number = self.counters.get(year, 0) + 1
        ref = f"YH-{year}-{number:06d}"
        location_id, name_zh, name_en = rng.choices(world.locations, world.location_weights)[0]
        category = rng.choices(self.categories, self.category_weights)[0]
        text = description(rng, category)
        reporter = rng.choice(world.reporters) if rng.random() < 0.6 else None
        row = {
            "ref": ref, "tracking_code": tracking_code(rng, self.codes), "client_report_id": None,
            "site_id": world.site_id, "location_id": location_id, "category_id": world.category_ids[category],
            "description": text, "source": _weighted(rng, SOURCES),
            "reporter_person_id": reporter[0] if reporter else None,
            "reporter_name": reporter[2] if reporter else None,
            "reporter_employee_no": reporter[1] if reporter else None,
            "recorded_by_id": None, "state": "reported", "is_open": True, "grade": None,
            "reported_at": reported_at, "updated_at": reported_at, "confirmed_at": None, "closed_at": None,
            "rejection_reason": None, "duplicate_of_id": None, "owner_id": None, "measures": None,
            "funds": None, "deadline": None, "contingency_plan": None, "assigned_by_id": None,
            "rectification_note": None, "rectified_at": None, "verification_note": None,
            "verified_by_id": None, "overdue_since": None, "escalation_level": 0,
            "search_text": index_text(text, ref, name_zh, name_en), "version": 1,
        }
        if row["source"] in ("console", "inspection"):
            row["recorded_by_id"] = rng.choice(world.officer_ids)
        self._advance(row, self._final_state(reported_at))
        return row

    def _final_state(self, reported_at: datetime) -> str:
        """Where a hazard of this age stands now: old ones are nearly all closed or rejected."""
        age_days = (self.now - reported_at).total_seconds() / 86400
        if self.rng.random() < 0.035 + 0.55 * math.exp(-age_days / 60):
            return _weighted(self.rng, OPEN_STATES)
        return "rejected" if self.rng.random() < 0.09 else "closed"

    def _advance(self, row: dict[str, Any], state: str) -> None:
        """Take the row along the workflow to its final state, stamping what each step sets."""
        rng, world, at = self.rng, self.world, row["reported_at"]
        if state == "reported":
            row["category_id"] = row["category_id"] if rng.random() < 0.6 else None
            return
        officer = rng.choice(world.officer_ids)
        at = self._later(at, hours=(1, 48))
        if state == "rejected":
            row.update(state="rejected", is_open=False, closed_at=at, updated_at=at, version=2,
                       rejection_reason=rng.choice(REJECT_REASONS))
            return
        major = rng.random() < 0.04
        row.update(state="confirmed", grade="major" if major else "general", confirmed_at=at, updated_at=at,
                   version=2)
        if state == "confirmed":
            return
        at = self._later(at, hours=(1, 24))
        deadline = at + timedelta(days=rng.choice((3, 5, 7, 10, 15, 30)))
        row.update(state="rectifying", owner_id=rng.choice(world.owner_ids), assigned_by_id=officer,
                   measures=rng.choice(MEASURES), funds=Decimal(rng.choice((0, 500, 2000, 8000, 50000))),
                   deadline=deadline, contingency_plan="设置警戒，专人盯守", updated_at=at, version=3)
        if state == "rectifying":
            self._escalate(row)
            return
        at = self._later(at, hours=(4, 24 * 20))
        row.update(state="awaiting_verification", rectification_note="已按措施整改完毕，附照片",
                   rectified_at=at, updated_at=at, version=4)
        if state == "awaiting_verification":
            self._escalate(row)
            return
        at = self._later(at, hours=(2, 72))
        row.update(state="closed", is_open=False, closed_at=at, updated_at=at, version=5,
                   verification_note="现场验收合格，同意销号",
                   verified_by_id=world.chief_id if major else officer)

    def _later(self, at: datetime, *, hours: tuple[float, float]) -> datetime:
        """A time some hours after ``at``, never in the future."""
        return min(at + timedelta(hours=self.rng.uniform(*hours)), self.now - timedelta(minutes=1))

    def _escalate(self, row: dict[str, Any]) -> None:
        """An open hazard past its deadline has climbed the ladder as the scheduler would have."""
        deadline = row["deadline"]
        if deadline >= self.now:
            return
        late = self.now - deadline
        level = 3 if late >= timedelta(hours=72) else 2 if late >= timedelta(hours=24) else 1
        row.update(overdue_since=deadline, escalation_level=level, version=row["version"] + level)
