"""The hazard list's declared answer (``HazardsPublic``), as a strict check of the JSON the fast path writes."""

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, create_model

from safety_service.hazards.schemas import HazardsPublic, HazardSummary


def _strict(model: type[BaseModel], name: str, **fields: Any) -> type[BaseModel]:
    """The model's own fields (annotations, constraints, defaults) on plain pydantic, strict, no extras.

    SQLModel classes ignore ``strict`` (``HazardsPublic.model_validate_json(..., strict=True)`` takes
    ``"0"`` for an int), so the schema's fields are validated on a plain model built from them.
    """
    declared = {field: (info.annotation, info) for field, info in model.model_fields.items()}
    return create_model(name, __config__=ConfigDict(extra="forbid", strict=True), **{**declared, **fields})


StrictSummary = _strict(HazardSummary, "StrictSummary")
StrictPage = _strict(HazardsPublic, "StrictPage", data=(list[StrictSummary], ...))  # type: ignore[valid-type]


def checked(body: bytes) -> Any:
    """The list answer validated strictly as JSON, every declared field present (defaults or not), none other."""
    answer = json.loads(body)
    assert set(answer) == set(HazardsPublic.model_fields), sorted(set(answer) ^ set(HazardsPublic.model_fields))
    for row in answer["data"]:
        assert set(row) == set(HazardSummary.model_fields), sorted(set(row) ^ set(HazardSummary.model_fields))
    return StrictPage.model_validate_json(body, strict=True)
