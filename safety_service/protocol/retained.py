"""What the service keeps retained for the kiosks: bulletins, boards, categories, family messages, library, awards."""

from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, ConfigDict, Field

from safety_service.protocol.base import CODE, Localized, Payload


class BulletinItem(Payload):
    id: int
    title: Localized
    body: Localized
    valid_from: datetime | None = None
    valid_to: datetime | None = None
    areas: list[str] = Field(default_factory=list, description="area codes; empty for the whole site")


class Bulletin(Payload):
    """The site's current safety bulletins (service → kiosks, QoS 1, retained)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"schema": "bulletin/1", "site": "tianchen", "published_at": "2026-11-24T00:00:00Z", "bulletins": [
            {"id": 7, "title": {"zh": "冬季防火", "en": "Winter fire safety"},
             "body": {"zh": "井口房严禁烟火。", "en": "No open flames at the pithead."},
             "valid_from": "2026-11-20T00:00:00Z", "valid_to": None, "areas": []}]},
    ]})

    schema_: Literal["bulletin/1"] = Field(alias="schema")
    site: str
    published_at: AwareDatetime
    bulletins: list[BulletinItem]


class BoardHazard(Payload):
    ref: str
    description: str = Field(max_length=200)
    location: str
    owner: str | None = Field(default=None, description="the rectification owner's account")
    deadline: AwareDatetime | None = None
    state: str


class BoardReporter(Payload):
    name: str | None = Field(default=None, description="only for a reporter who consented; else null")
    employee_no_tail: str = Field(max_length=4, description="the last digits of the employee number (工号尾号)")
    points: int


class Board(Payload):
    """An area's public hazard board (隐患公示; service → kiosks, QoS 1, retained on safety/{site}/board/{area})."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"schema": "board/1", "site": "tianchen", "area": "A3", "area_name": {"zh": "三采区", "en": "Panel 3"},
         "month": "2026-12", "published_at": "2026-12-03T08:00:00Z",
         "major": [{"ref": "YH-2026-000123", "description": "3102运输顺槽顶板离层", "location": "3102运输顺槽",
                    "owner": "wang.team3", "deadline": "2026-12-10T00:00:00Z", "state": "rectifying"}],
         "reported": 41, "closed": 30, "overdue": 2,
         "top_reporters": [{"name": None, "employee_no_tail": "1086", "points": 60}]},
    ]})

    schema_: Literal["board/1"] = Field(alias="schema")
    site: str
    area: str
    area_name: Localized
    month: str = Field(pattern=r"^\d{4}-\d{2}$", description="the local month the counts cover")
    published_at: AwareDatetime
    major: list[BoardHazard] = Field(description="open major hazards under listed supervision (挂牌督办)")
    reported: int = Field(ge=0, description="reports this month")
    closed: int = Field(ge=0, description="hazards closed this month")
    overdue: int = Field(ge=0, description="open hazards past their deadline now")
    top_reporters: list[BoardReporter] = Field(max_length=10, description="the month's points, highest first")


class BoardRiskPoint(Payload):
    code: str = Field(max_length=32, pattern=CODE, description="what a report names as risk_point")
    name: str = Field(max_length=128)
    level: Literal["major", "significant", "general", "low"] = Field(
        description="重大 (red), 较大 (orange), 一般 (yellow), 低 (blue): its colour on the four-colour map")
    locations: list[str] = Field(max_length=100, description="the location codes it is at (a report names one)")
    open_hazards: int = Field(ge=0, description="open hazards naming it or at one of its locations")
    flagged: bool = Field(description="a major risk point with an open hazard")


class BoardV2(Board):
    """An area's board with its risk points for the four-colour map and the report's risk point choice
    (service → kiosks, QoS 1, retained on safety/{site}/board/{area}); replaces board/1 on the topic."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"schema": "board/2", "site": "tianchen", "area": "A3", "area_name": {"zh": "三采区", "en": "Panel 3"},
         "month": "2026-12", "published_at": "2026-12-03T08:00:00Z", "major": [], "reported": 41, "closed": 30,
         "overdue": 2, "top_reporters": [],
         "risk_points": [{"code": "RP-3102", "name": "3102综采工作面", "level": "major", "locations": ["FACE-3102"],
                          "open_hazards": 1, "flagged": True},
                         {"code": "RP-BELT", "name": "主运输大巷皮带", "level": "general", "locations": ["RW-BELT"],
                          "open_hazards": 0, "flagged": False}]},
    ]})

    schema_: Literal["board/2"] = Field(alias="schema")  # type: ignore[assignment]
    risk_points: list[BoardRiskPoint] = Field(max_length=200, description="the area's active risk points, "
                                              "highest level first")


class CategoryItem(Payload):
    code: str = Field(max_length=32, pattern=CODE, description="the code a report names")
    name: Localized


class Categories(Payload):
    """The active hazard categories in display order (service → kiosks, QoS 1, retained on safety/{site}/categories)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"schema": "categories/1", "site": "tianchen", "published_at": "2026-12-03T08:00:00Z", "categories": [
            {"code": "roof", "name": {"zh": "顶板", "en": "Roof"}},
            {"code": "gas", "name": {"zh": "瓦斯", "en": "Gas"}},
            {"code": "hoisting", "name": {"zh": "提升", "en": None}}]},
    ]})

    schema_: Literal["categories/1"] = Field(alias="schema")
    site: str
    published_at: AwareDatetime
    categories: list[CategoryItem] = Field(max_length=200, description="what a kiosk offers as category buttons")


class FamilyMessageItem(Payload):
    id: int = Field(ge=1, description="the message's id (a kiosk may use it to show each once per rotation)")
    text: str = Field(min_length=1, max_length=140, description="the family's message (亲情寄语)")
    signature: str = Field(min_length=1, max_length=32, description="how the family chose to sign it, e.g. 妻子")
    photo: str | None = Field(default=None, max_length=200_000,
                              description="the photo's thumbnail, a JPEG as base64, or none")


class FamilyMessages(Payload):
    """The family messages (亲情寄语) the kiosks show in their idle rotation, only those the family consented to
    and a counsellor let show, newest first (service → kiosks, QoS 1, retained on safety/{site}/family-messages)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"schema": "family-messages/1", "site": "tianchen", "published_at": "2026-12-03T08:00:00Z", "messages": [
            {"id": 3, "text": "老王，家里一切都好，安全第一，我和孩子等你平安回家。", "signature": "妻子", "photo": None}]},
        {"schema": "family-messages/1", "site": "tianchen", "published_at": "2026-12-04T08:00:00Z", "messages": []},
    ]})

    schema_: Literal["family-messages/1"] = Field(alias="schema")
    site: str
    published_at: AwareDatetime
    messages: list[FamilyMessageItem] = Field(max_length=12, description="the rotation, newest first")


class LibraryEntry(Payload):
    id: int = Field(ge=1, description="what a report names as library_item")
    category: str = Field(max_length=32, pattern=CODE, description="the category code the item belongs to")
    title: str = Field(min_length=1, max_length=200, description="the standard wording (标准描述)")
    grade: Literal["general", "major"] = Field(description="the grade an officer usually gives it (一般/重大)")
    level: str | None = Field(default=None, max_length=8, description="A 矿级, B 科级, C 区队级; none for a major item")


class HazardLibrary(Payload):
    """The active items of the standard hazard library (隐患标准库), by category order, that a kiosk offers as matches
    while the worker types (service → kiosks, QoS 1, retained on safety/{site}/hazard-library); a kiosk keeps the
    last copy on disk and matches offline."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"schema": "hazard-library/1", "site": "tianchen", "published_at": "2026-12-03T08:00:00Z", "items": [
            {"id": 1, "category": "roof", "title": "顶板离层、裂缝未及时处理", "grade": "general", "level": "B"},
            {"id": 21, "category": "electromechanical", "title": "防爆电气设备失爆", "grade": "general", "level": "B"},
            {"id": 30, "category": "gas", "title": "瓦斯超限作业", "grade": "major", "level": None}]},
    ]})

    schema_: Literal["hazard-library/1"] = Field(alias="schema")
    site: str
    published_at: AwareDatetime
    items: list[LibraryEntry] = Field(max_length=2000, description="the active items")


class AwardLine(Payload):
    decided_at: AwareDatetime = Field(description="when the award was approved (a kiosk shows the local day and drops "
                                                  "lines older than ``days`` by its own clock)")
    location: str = Field(max_length=128, description="where the reported hazard was")
    grade: Literal["general", "major"]
    report_type: str = Field(max_length=32, description="unsafe_act, unsafe_condition, environment, management")
    amount: str = Field(pattern=r"^\d+(\.\d{1,2})?$", description="the award in yuan, as decimal text")
    name: str | None = Field(default=None, max_length=64,
                             description="only when the named reporter agreed; never for an anonymous report")


class Awards(Payload):
    """The public list of awards (奖励公示, 安委〔2024〕7号): approved and paid awards of the last days, newest first,
    no reference or tracking code, a name only with the reporter's consent (service → kiosks, QoS 1, retained on
    safety/{site}/awards)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"schema": "awards/1", "site": "tianchen", "published_at": "2026-12-03T08:00:00Z", "days": 90, "awards": [
            {"decided_at": "2026-12-01T02:30:00Z", "location": "主井井口", "grade": "general", "report_type": "unsafe_act",
             "amount": "200.00", "name": "李强"},
            {"decided_at": "2026-11-28T07:00:00Z", "location": "3号联络巷", "grade": "major", "report_type": "unsafe_condition",
             "amount": "2000.00", "name": None}]},
    ]})

    schema_: Literal["awards/1"] = Field(alias="schema")
    site: str
    published_at: AwareDatetime
    days: int = Field(ge=1, le=366, description="the list covers awards approved in this many days before published_at")
    awards: list[AwardLine] = Field(max_length=50, description="newest first")

