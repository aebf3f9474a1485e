"""Inputs and outputs of the family's side of a case (家属协管, co-supervision): the co-supervisor's phone link,
the family visits and talks they record, and the family messages (亲情寄语) shown at the kiosks."""

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from safety_service.counselling.family_schemas import FamilyContactPublic
from safety_service.counselling.states import FamilyVisitKind, MessageState, Relation
from safety_service.validation import ModelConfig, RowId, Text


class FamilyLinkCreate(SQLModel):
    """A co-supervisor's (家属协管员) phone link: to whom, for how long, and what the worker agreed to share."""

    model_config = ModelConfig(json_schema_extra={"examples": [{
        "family_contact_id": 3, "days": 90, "share_stage": True, "share_plan": True, "share_sessions": False}]})

    family_contact_id: RowId
    days: int | None = Field(default=None, ge=1, le=365, description="default SAFETY_FAMILY_LINK_DAYS")
    share_stage: bool = Field(default=False, description="the worker agreed to share where the case stands")
    share_plan: bool = Field(default=False, description="the worker agreed to share the help-education plan")
    share_sessions: bool = Field(default=False, description="the worker agreed to share session dates and kinds")


class FamilyLinkPublic(SQLModel):
    model_config = ModelConfig(json_schema_extra={"examples": [{
        "id": 4, "family_contact": {"id": 3, "relation": "spouse", "name": "李梅", "phone": "138 0000 1234",
                                    "note": None, "created_at": "2026-12-02T09:00:00Z",
                                    "worker_consent_at": "2026-12-02T09:00:00Z"},
        "shares": ["stage", "plan"], "issued_by": "counsellor1", "issued_at": "2026-12-03T02:00:00Z",
        "expires_at": "2027-03-03T02:00:00Z", "revoked_at": None,
        "url": "https://safety.example.cn/f/4.1803952800.x2Qd3Yw8n0Vb7kz1aW5mRt9LpE6cJh4s"}]})

    id: int
    family_contact: FamilyContactPublic
    shares: list[str]
    issued_by: str
    issued_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    url: str | None = Field(description="the link to send to the family's phone (None once revoked)")


class FamilyVisitCreate(SQLModel):
    """A family visit (家访) or talk (谈心) the co-supervisor records."""

    model_config = ModelConfig(json_schema_extra={"examples": [{
        "kind": "talk", "held_on": "2026-12-06", "note": "晚饭后谈了下井前检查自救器的事，他答应每班自查"}]})

    kind: FamilyVisitKind
    held_on: date
    note: Text = Field(min_length=1, max_length=500)


class FamilyVisitPublic(FamilyVisitCreate):
    model_config = ModelConfig(json_schema_extra={"examples": [{
        "id": 2, "kind": "talk", "held_on": "2026-12-06", "note": "晚饭后谈了下井前检查自救器的事",
        "family_member": "李梅", "relation": "spouse", "created_at": "2026-12-06T12:30:00Z"}]})

    id: int
    family_member: str
    relation: Relation
    created_at: datetime


class FamilyMessageCreate(SQLModel):
    """A family message (亲情寄语): what the kiosks would show, how it is signed, and whether the family agrees."""

    model_config = ModelConfig(json_schema_extra={"examples": [{
        "text": "老王，家里一切都好，安全第一，我和孩子等你平安回家。", "signature": "妻子", "kiosk_consent": True}]})

    text: Text = Field(min_length=1, max_length=140)
    signature: Text = Field(min_length=1, max_length=32, description="how the kiosks sign it, e.g. 妻子 or 王五的女儿")
    kiosk_consent: bool = Field(default=False, description="the family agrees to showing it on the pithead kiosks")


class FamilyMessagePublic(FamilyMessageCreate):
    model_config = ModelConfig(json_schema_extra={"examples": [{
        "id": 3, "text": "老王，家里一切都好，安全第一，我和孩子等你平安回家。", "signature": "妻子", "kiosk_consent": True,
        "state": "shown", "family_member": "李梅", "created_at": "2026-12-04T11:00:00Z",
        "reviewed_by": "counsellor1", "photo_url": "/api/v1/cases/1/family-messages/3/photo"}]})

    id: int
    state: MessageState
    family_member: str
    created_at: datetime
    reviewed_by: str | None
    photo_url: str | None
