"""What a kiosk sends the service (``topics.KIOSK_WRITES``): reports, its presence, bulletin reads, ratings."""

from typing import Annotated, Literal
from uuid import UUID

from pydantic import AwareDatetime, ConfigDict, Field

from safety_service.protocol.base import CODE, KioskPayload
from safety_service.validation import MAX_ROW_ID, RowId, Text


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

