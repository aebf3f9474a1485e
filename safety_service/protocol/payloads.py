"""The MQTT payloads, one model per topic; ``schemas/*.schema.json`` describe the same for kiosks.

Each payload names its version in ``schema``; a change that old kiosks cannot read gets a new one.
"""

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from safety_service.validation import MAX_ROW_ID, RowId, Text

CODE = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"


class Payload(BaseModel):
    model_config = ConfigDict(extra="forbid")


class KioskPayload(Payload):
    """What a kiosk sends: no text in it may hold NUL (0x00), which is never part of a report and
    which PostgreSQL cannot store. (What the service sends may quote such text back in an error.)"""

    @field_validator("*")
    @classmethod
    def _without_nul(cls, value: object) -> object:
        if _holds_nul(value):
            raise ValueError("must not contain NUL (0x00) characters")
        return value


def _holds_nul(value: object) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list | tuple):
        return any(_holds_nul(item) for item in value)
    if isinstance(value, dict):
        return any(_holds_nul(key) or _holds_nul(item) for key, item in value.items())
    return False


class KioskReport(KioskPayload):
    """A hazard reported at a kiosk (kiosk → service, QoS 1)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"schema": "kiosk-report/1", "report_id": "5b1f0c6e-8a43-4f0e-9d55-3f7f6f0d9a21",
         "created_at": "2026-11-24T08:15:02+08:00", "description": "3102运输顺槽顶板有裂缝，锚杆托盘松动",
         "category": "roof", "location_code": "RW-3102", "reporter_employee_no": "1001", "reporter_name": "张伟"},
        {"schema": "kiosk-report/1", "report_id": "0e0b7d4c-2f6e-4a4f-8a7e-0d5c3f0b1a99",
         "created_at": "2026-11-24T00:20:00Z", "description": "皮带机急停拉线失效"},
        {"schema": "kiosk-report/1", "report_id": "9c2e4b71-3d5a-4f08-b6e1-7a8c9d0e1f23",
         "created_at": "2026-11-24T08:30:00+08:00", "description": "带班班长安排两人在未支护的顶板下清煤",
         "location_code": "RW-3105", "behaviour_at": "2026-11-24T07:40:00+08:00", "behaviour_person": "王班长"},
    ]})

    schema_: Literal["kiosk-report/1"] = Field(alias="schema")
    report_id: UUID = Field(description="made by the kiosk; the idempotency key of the report")
    created_at: AwareDatetime = Field(description="when the worker made the report, by the kiosk's clock")
    description: Text = Field(min_length=1, max_length=2000)
    category: str | None = Field(default=None, max_length=32, pattern=CODE, description="a category code")
    location_code: str | None = Field(default=None, max_length=32, pattern=CODE,
                                      description="where the hazard is; the kiosk's own location when absent")
    reporter_employee_no: str | None = Field(default=None, min_length=1, max_length=32)
    reporter_name: str | None = Field(default=None, min_length=1, max_length=64)
    urgent: bool = Field(default=False, description="紧急/立即危险: the worker chose urgent (optional; absent is false)")
    behaviour_at: AwareDatetime | None = Field(default=None, description=(
        "a report of unsafe behaviour (人的不安全行为, incl. 违章指挥, 安委〔2024〕7号): when it happened (optional)"))
    behaviour_person: str | None = Field(default=None, min_length=1, max_length=64, description=(
        "the person's name in a report of unsafe behaviour, if the worker gives it (optional)"))


KIOSK_PHOTOS = 3
KIOSK_PHOTO_BYTES = 1024 * 1024  # a photo the kiosk shrank (longest side 1600 px, JPEG) is far smaller
KIOSK_PHOTO_CHARS = 4 * -(-KIOSK_PHOTO_BYTES // 3)  # its base64 text
BASE64 = r"^[A-Za-z0-9+/]+={0,2}$"
KioskPhoto = Annotated[str, Field(min_length=4, max_length=KIOSK_PHOTO_CHARS, pattern=BASE64)]


class KioskReportV2(KioskReport):
    """A hazard reported at a kiosk with up to three photos (kiosk → service, QoS 1); kiosk-report/1 stays valid."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"schema": "kiosk-report/2", "report_id": "2d5a9c1e-6b7f-4e21-8c3d-9a0b1c2d3e4f",
         "created_at": "2026-11-24T08:15:02+08:00", "description": "皮带机尾滚筒护罩缺失", "category": "transport", "urgent": True,
         "photos": ["/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE="]},
    ]})

    schema_: Literal["kiosk-report/2"] = Field(alias="schema")  # type: ignore[assignment]
    photos: list[KioskPhoto] = Field(default_factory=list, max_length=KIOSK_PHOTOS,
                              description="JPEG photos as base64, each at most 1 MiB; the service re-encodes them "
                                          "without metadata, as for the QR page")


class KioskReportV3(KioskReportV2):
    """A hazard report naming the risk point (风险点) of its location, with or without photos (kiosk → service,
    QoS 1); kiosk-report/1 and /2 stay valid."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"schema": "kiosk-report/3", "report_id": "7c2e4b1a-9d3f-4a6e-b5c8-1f2e3d4c5b6a",
         "created_at": "2026-11-24T08:15:02+08:00", "description": "液压支架立柱漏液，初撑力不够", "category": "roof",
         "location_code": "FACE-3102", "risk_point": "RP-3102"},
        {"schema": "kiosk-report/3", "report_id": "4e8a1c2b-7d6f-4b3a-9e5c-2a1b3c4d5e6f",
         "created_at": "2026-12-03T08:15:02+08:00", "description": "防爆电气设备失爆：开关盖板螺丝缺两颗",
         "category": "electromechanical", "library_item": 21},
    ]})

    schema_: Literal["kiosk-report/3"] = Field(alias="schema")  # type: ignore[assignment]
    risk_point: str | None = Field(default=None, max_length=32, pattern=CODE,
                                   description="a risk point code of the report's location (from board/2); optional")
    library_item: int | None = Field(default=None, ge=1, le=MAX_ROW_ID, description=(
        "the standard hazard library (隐患标准库) item the worker chose as matching (from hazard-library/1); "
        "optional; an item retired meanwhile is ignored, never a reason to refuse the report"))


class AckError(Payload):
    code: str = Field(description="invalid_json, invalid_payload, unknown_kiosk, not_found, not_applied, "
                                  "forbidden, invalid_state, ...")
    field: str | None = None
    message: str


class KioskAck(Payload):
    """The service's answer to one report or rating (service → kiosk, QoS 1), sent after it is stored."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"schema": "kiosk-ack/1", "report_id": "5b1f0c6e-8a43-4f0e-9d55-3f7f6f0d9a21", "outcome": "accepted",
         "hazard_ref": "YH-2026-000123", "tracking_code": "7KQ2M9XR4TBD", "error": None,
         "at": "2026-11-24T00:15:03Z"},
        {"schema": "kiosk-ack/1", "report_id": None, "outcome": "rejected", "hazard_ref": None,
         "tracking_code": None, "error": {"code": "invalid_json", "field": None, "message": "not JSON"},
         "at": "2026-11-24T00:15:03Z"},
    ]})

    schema_: Literal["kiosk-ack/1"] = Field(alias="schema")
    report_id: UUID | None = Field(description="the report's report_id, or the rating's rating_id; null when the "
                                               "message could not be read")
    outcome: Literal["accepted", "duplicate", "rejected"]
    hazard_ref: str | None = None
    tracking_code: str | None = None
    error: AckError | None = None
    at: AwareDatetime


class AckResult(Payload):
    """One report's answer inside a kiosk-ack/2: what a kiosk-ack/1 would say of it, without the time."""

    report_id: UUID | None = Field(description="null when the report could not be read")
    outcome: Literal["accepted", "duplicate", "rejected"]
    hazard_ref: str | None = None
    tracking_code: str | None = None
    error: AckError | None = None


class KioskAckV2(Payload):
    """The service's answers to one kiosk's reports of one committed batch (service → kiosk, QoS 1), sent only
    to a kiosk whose status listed ``kiosk-ack/2`` in ``acks``; each result settles its report as a kiosk-ack/1
    would."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"schema": "kiosk-ack/2", "at": "2026-11-24T00:15:03Z", "results": [
            {"report_id": "5b1f0c6e-8a43-4f0e-9d55-3f7f6f0d9a21", "outcome": "accepted",
             "hazard_ref": "YH-2026-000123", "tracking_code": "7KQ2M9XR4TBD", "error": None},
            {"report_id": "0e0b7d4c-2f6e-4a4f-8a7e-0d5c3f0b1a99", "outcome": "duplicate",
             "hazard_ref": "YH-2026-000119", "tracking_code": "Q3M8C2XR7TBA", "error": None},
            {"report_id": "9c2e4b71-3d5a-4f08-b6e1-7a8c9d0e1f23", "outcome": "rejected", "hazard_ref": None,
             "tracking_code": None, "error": {"code": "not_found", "field": "location_code",
                                              "message": "no location 'RW-9999'"}}]},
    ]})

    schema_: Literal["kiosk-ack/2"] = Field(alias="schema")
    at: AwareDatetime = Field(description="when the service applied the batch")
    results: list[AckResult] = Field(min_length=1, description="one per report (or unreadable message) of this "
                                     "kiosk in the batch, in the order they arrived")


ACK_VERSIONS = ("kiosk-ack/1", "kiosk-ack/2")


class KioskStatus(KioskPayload):
    """A kiosk's presence (kiosk → service, QoS 1, retained; also its last will)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"schema": "kiosk-status/1", "state": "online", "version": "1.0.0", "at": "2026-11-24T00:00:00Z"},
        {"schema": "kiosk-status/1", "state": "offline", "version": "1.0.0", "at": None},
        {"schema": "kiosk-status/1", "state": "online", "version": "0.2.0", "at": "2026-11-24T00:00:00Z",
         "acks": ["kiosk-ack/1", "kiosk-ack/2"]},
    ]})

    schema_: Literal["kiosk-status/1"] = Field(alias="schema")
    state: Literal["online", "offline"]
    version: str | None = Field(default=None, max_length=64)
    at: AwareDatetime | None = None
    acks: list[Annotated[str, Field(max_length=32)]] | None = Field(default=None, max_length=16, description=(
        "the ack versions the kiosk reads, e.g. [\"kiosk-ack/1\", \"kiosk-ack/2\"]; absent: kiosk-ack/1 only"))


class Localized(Payload):
    zh: str = Field(min_length=1)
    en: str | None = None


KIOSK_NOTICE_KINDS = ("report_feedback: a step of a report made at this kiosk (hazard_ref is that report); "
                      "report_closed: that report's hazard was closed (验收销号), its reporter may rate it (kiosk-rating/1); "
                      "area_escalation: hazards of the kiosk's area past their fix deadline or escalated, named in "
                      "the body (hazard_ref only when there is one). Other kinds may come: show title and body.")


class KioskNotice(Payload):
    """Feedback on a report or an escalation for the kiosk's area (service → kiosk, QoS 1)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"schema": "kiosk-notice/1", "notice_id": 42, "kind": "report_feedback", "hazard_ref": "YH-2026-000123",
         "title": {"zh": "您的隐患举报已确认", "en": "Your hazard report was confirmed"},
         "body": {"zh": "已安排整改。", "en": "Rectification has been assigned."}, "at": "2026-11-24T02:00:00Z"},
        {"schema": "kiosk-notice/1", "notice_id": 43, "kind": "area_escalation", "hazard_ref": None,
         "title": {"zh": "本区域有 2 条隐患超期未整改", "en": "2 hazards in this area are past their fix deadlines"},
         "body": {"zh": "YH-2026-000123（3煤运输巷）顶板有裂缝：已报安全员督办\nYH-2026-000130（3煤运输巷）积水：已超过整改期限，"
                        "正在督促整改责任人\n经过这些地点请注意安全，服从现场警戒；发现新情况请及时举报。"},
         "at": "2026-11-25T02:00:00Z"},
    ]})

    schema_: Literal["kiosk-notice/1"] = Field(alias="schema")
    notice_id: RowId
    kind: str = Field(max_length=32, description=KIOSK_NOTICE_KINDS)
    hazard_ref: str | None = None
    title: Localized
    body: Localized
    at: AwareDatetime


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


class BulletinRead(KioskPayload):
    """A worker confirmed reading a bulletin at a kiosk (kiosk → service, QoS 1)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"schema": "bulletin-read/1", "read_id": "9f3c1f7a-7f0e-4c53-9b7e-3a5d2b8e6c10", "bulletin_id": 7,
         "employee_no": "1001", "read_at": "2026-11-24T08:30:00+08:00"},
    ]})

    schema_: Literal["bulletin-read/1"] = Field(alias="schema")
    read_id: UUID
    bulletin_id: RowId
    employee_no: str = Field(min_length=1, max_length=32)
    read_at: AwareDatetime


class KioskRating(KioskPayload):
    """A reporter's satisfaction rating (满意/基本满意/不满意) of a closed hazard reported at this kiosk
    (kiosk → service, QoS 1); answered by a kiosk-ack/1 whose report_id is the rating_id."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"schema": "kiosk-rating/1", "rating_id": "3e9b2f4c-1d7a-4c6e-9f0b-8a2d5c7e1b34",
         "hazard_ref": "YH-2026-000123", "rating": "satisfied", "at": "2026-12-03T08:40:00+08:00"},
        {"schema": "kiosk-rating/1", "rating_id": "c41d8e2a-6b3f-4f5e-a7d9-0e1f2a3b4c5d",
         "hazard_ref": "YH-2026-000130", "rating": "dissatisfied", "at": "2026-12-03T00:41:10Z"},
    ]})

    schema_: Literal["kiosk-rating/1"] = Field(alias="schema")
    rating_id: UUID = Field(description="made by the kiosk; the ack answers it (as report_id), a redelivery is "
                                        "answered again and never counted twice")
    hazard_ref: str = Field(min_length=1, max_length=32, description="a hazard reported at this kiosk, closed")
    rating: Literal["satisfied", "basic", "dissatisfied"] = Field(
        description="满意 (satisfied), 基本满意 (basic), 不满意 (dissatisfied)")
    at: AwareDatetime = Field(description="when the worker tapped it, by the kiosk's clock")


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


PAYLOADS: dict[str, type[Payload]] = {
    "kiosk-report": KioskReport, "kiosk-report-2": KioskReportV2, "kiosk-ack": KioskAck, "kiosk-ack-2": KioskAckV2,
    "kiosk-status": KioskStatus,
    "kiosk-notice": KioskNotice, "bulletin": Bulletin, "bulletin-read": BulletinRead,
    "board": Board, "categories": Categories, "board-2": BoardV2, "kiosk-report-3": KioskReportV3,
    "family-messages": FamilyMessages, "kiosk-rating": KioskRating, "hazard-library": HazardLibrary,
    "awards": Awards,
}
