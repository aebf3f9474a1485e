"""What the service sends one kiosk (``topics.KIOSK_READS``): the acks of its reports and ratings, notices."""

from typing import Literal
from uuid import UUID

from pydantic import AwareDatetime, ConfigDict, Field

from safety_service.protocol.base import Localized, Payload
from safety_service.validation import RowId


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

