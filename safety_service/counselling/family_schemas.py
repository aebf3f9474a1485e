"""Inputs and outputs of the family side of a case (``family``): the family contacts registered with the
worker's consent, the sessions held (talks, family visits, letters, meetings, study classes) and the signed
agreement (家庭安全帮教责任书)."""

from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator
from sqlmodel import Field, SQLModel

from safety_service.counselling.states import Relation, SessionKind
from safety_service.validation import Day, ModelConfig, RowId, Text, strip_blank


def _agreed(value: bool) -> bool:
    if not value:
        raise ValueError("the worker's consent is needed to register a family member")
    return value


class FamilyContactCreate(SQLModel):
    model_config = ModelConfig(json_schema_extra={"examples": [{
        "relation": "spouse",
        "name": "李梅",
        "phone": "138 0000 1234",
        "note": "白天可联系",
        "worker_consent": True,
    }]})

    relation: Relation
    name: Text = Field(min_length=1, max_length=64)
    phone: str = Field(min_length=5, max_length=32, schema_extra={"pattern": r"^\+?[0-9][0-9 -]{3,30}$"})
    note: str | None = Field(default=None, max_length=500)
    worker_consent: Annotated[bool, AfterValidator(_agreed)] = Field(
        description="the worker agreed to registering this family member (must be true)")


class FamilyContactPublic(SQLModel):
    model_config = ModelConfig(json_schema_extra={"examples": [{"id": 3, "relation": "spouse", "name": "李梅",
        "phone": "138 0000 1234", "note": None, "created_at": "2026-12-02T09:00:00Z",
        "worker_consent_at": "2026-12-02T09:00:00Z"}]})

    id: int
    relation: Relation
    name: str
    phone: str
    note: str | None
    created_at: datetime
    worker_consent_at: datetime | None = Field(description="when the worker agreed (None: never recorded)")


class SessionCreate(SQLModel):
    model_config = ModelConfig(json_schema_extra={"examples": [{
        "kind": "family_visit",
        "held_on": "2026-03-05",
        "participants": ["王工会主席", "李梅"],
        "note": "到家中走访，家属表示会督促按规程作业",
    }]})

    kind: SessionKind
    held_on: Day
    participants: list[Annotated[str, AfterValidator(strip_blank)]] = Field(min_length=1, max_length=30)
    note: Text = Field(min_length=1, max_length=4000)


class SessionPublic(SQLModel):
    model_config = ModelConfig(json_schema_extra={"examples": [{"id": 5, "kind": "family_visit",
        "held_on": "2026-12-05", "participants": ["周敏", "李梅"], "counsellor": "counsellor1",
        "note": "到家中走访，家属表示会督促按规程作业", "created_at": "2026-12-05T10:00:00Z"}]})

    id: int
    kind: SessionKind
    held_on: date
    participants: list[str]
    counsellor: str
    note: str
    created_at: datetime


class AgreementRecord(SQLModel):
    """The signed family help-education agreement (家庭安全帮教责任书)."""

    model_config = ModelConfig(json_schema_extra={"examples": [{
        "signed_on": "2026-03-05",
        "family_contact_id": 3,
        "note": "协议原件存工会",
    }]})

    signed_on: Day
    family_contact_id: RowId
    note: str | None = Field(default=None, max_length=2000)


class AgreementPublic(SQLModel):
    model_config = ModelConfig(json_schema_extra={"examples": [{"signed_on": "2026-12-05", "family_contact": {"id": 3,
        "relation": "spouse", "name": "李梅", "phone": "138 0000 1234", "note": None,
        "created_at": "2026-12-02T09:00:00Z", "worker_consent_at": "2026-12-02T09:00:00Z"}, "note": "协议原件存工会", "recorded_by": "counsellor1",
        "recorded_at": "2026-12-05T10:00:00Z", "scan_url": "/api/v1/cases/1/agreement/scan",
        "scan_thumbnail_url": "/api/v1/cases/1/agreement/scan/thumbnail"}]})

    signed_on: date
    family_contact: FamilyContactPublic
    note: str | None
    recorded_by: str
    recorded_at: datetime
    scan_url: str | None
    scan_thumbnail_url: str | None
