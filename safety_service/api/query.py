"""A query-string model read in one pydantic validation, and documented in OpenAPI all the same.

FastAPI reads a ``Query()`` model field by field in Python; on the hazard list that cost more
than the database query. ``read_query`` validates the whole query string at once and reports
errors exactly as FastAPI does (422, ``loc`` starting with ``"query"``); ``query_parameters``
gives the OpenAPI parameters the route would have had, for its ``openapi_extra``.
"""

import typing
from typing import Any, TypeVar

from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError
from starlette.datastructures import QueryParams

Model = TypeVar("Model", bound=BaseModel)


def _is_list(annotation: Any) -> bool:
    return typing.get_origin(annotation) is list


def read_query(model: type[Model], params: QueryParams) -> Model:
    """The model from the query string (repeated keys for list fields); RequestValidationError if invalid."""
    data = {
        name: params.getlist(name) if _is_list(field.annotation) else params[name]
        for name, field in model.model_fields.items() if name in params
    }
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise RequestValidationError(
            [{**error, "loc": ("query", *error["loc"])} for error in exc.errors(include_url=False)]
        ) from None


def query_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    """The model's fields as OpenAPI query parameters, their schemas inlined."""
    schema = model.model_json_schema()
    definitions = schema.get("$defs", {})

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                return inline(definitions[node["$ref"].rsplit("/", 1)[-1]])
            return {key: inline(value) for key, value in node.items()}
        if isinstance(node, list):
            return [inline(value) for value in node]
        return node

    required = set(schema.get("required", ()))
    return [
        {"name": name, "in": "query", "required": name in required, "schema": inline(field),
         **({"description": field["description"]} if "description" in field else {})}
        for name, field in schema["properties"].items()
    ]
