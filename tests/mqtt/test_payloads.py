"""schemas/ and the service's payload models describe the same payloads."""

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from pydantic import ValidationError

from safety_service.protocol.payloads import PAYLOADS

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"


def _load(name: str) -> dict:
    return json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))


def test_every_payload_has_a_schema_file_and_no_file_is_orphaned() -> None:
    assert {p.name.removesuffix(".schema.json") for p in SCHEMAS.glob("*.schema.json")} == set(PAYLOADS)


@pytest.mark.parametrize("name", sorted(PAYLOADS))
def test_the_schema_is_2020_12_with_a_versioned_schema_field(name: str) -> None:
    schema = _load(name)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    version = "/" + name.rsplit("-", 1)[1] if name[-1].isdigit() else "/1"
    assert "schema" in schema["required"] and schema["properties"]["schema"]["const"].endswith(version)


@pytest.mark.parametrize("name", sorted(PAYLOADS))
def test_every_example_validates_against_the_file_and_the_model(name: str) -> None:
    schema = _load(name)
    validator = Draft202012Validator(schema, format_checker=FormatChecker())
    assert schema["examples"]
    for example in schema["examples"]:
        validator.validate(example)
        PAYLOADS[name].model_validate(example)


@pytest.mark.parametrize("name", sorted(PAYLOADS))
def test_the_file_matches_the_model_field_for_field(name: str) -> None:
    model_schema = PAYLOADS[name].model_json_schema(by_alias=True)
    file_schema = _load(name)
    for key in ("properties", "required", "additionalProperties", "$defs"):
        assert file_schema.get(key) == model_schema.get(key), key


@pytest.mark.parametrize("change", [
    {"schema": "kiosk-report/2"}, {"report_id": "not-a-uuid"}, {"description": ""},
    {"created_at": "2026-11-24T08:15:02"}, {"extra": 1}, {"category": "bad code!"},
])
def test_a_bad_report_is_refused_by_both(change: dict) -> None:
    example = {**_load("kiosk-report")["examples"][0], **change}
    with pytest.raises(ValidationError):
        PAYLOADS["kiosk-report"].model_validate(example)
    errors = list(Draft202012Validator(_load("kiosk-report"), format_checker=FormatChecker()).iter_errors(example))
    assert errors


@pytest.mark.parametrize("change", [
    {"schema": "kiosk-report/1"}, {"photos": ["AAAA"] * 4}, {"photos": ["not base64!"]}, {"photos": [""]},
    {"photos": ["A" * (4 * (1024 * 1024 // 3 + 1) + 4)]},
])
def test_a_bad_report_with_photos_is_refused_by_both(change: dict) -> None:
    example = {**_load("kiosk-report-2")["examples"][0], **change}
    with pytest.raises(ValidationError):
        PAYLOADS["kiosk-report-2"].model_validate(example)
    errors = list(Draft202012Validator(_load("kiosk-report-2"), format_checker=FormatChecker()).iter_errors(example))
    assert errors
