"""No day or moment a request names sits at the calendar's ends: every date and date-time field of every
request body and query of the JSON API, found from its own schema and routes, refuses 0001-01-01 and 9999-12-31
(and such moments) naming the field.

At those ends the service had nothing to compute with: 0001-01-01 at midnight in the mine's time zone is a
moment of year 0 in UTC, and 9999-12-31 has no next day. Found by a randomized run of the schema test (the
coverage, reward register, scorecard and supervisor figures answered 500), then swept: a deadline of
9999-12-31T23:59-08:00 made assigning or reopening a hazard a 500 too.
"""

import typing
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI, params
from fastapi.dependencies.utils import get_flat_params
from fastapi.routing import APIRoute, iter_route_contexts
from pydantic import AwareDatetime, BaseModel, ValidationError

from safety_service.main import create_app
from tests import pydantic_models
from tests.conftest import make_settings

ENDS = {"date": ("0001-01-01", "9999-12-31"),
        "date-time": ("0001-01-01T00:00:00+08:00", "9999-12-31T23:59:59-08:00")}


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    folder: Path = tmp_path_factory.mktemp("calendar")
    return create_app(make_settings(f"sqlite:///{folder / 'app.db'}"), run_scheduler=False, run_mqtt=False)


def _dated(name: str, components: dict[str, Any], seen: set[str]) -> Iterator[tuple[str, str, str]]:
    """(model, field, format) of each date or date-time field of a body model and the models it holds."""
    if name in seen:
        return
    seen.add(name)
    for field, schema in components[name].get("properties", {}).items():
        for part in [schema, schema.get("items", {}), *schema.get("anyOf", [])]:
            if part.get("format") in ENDS:
                yield name, field, part["format"]
            if "$ref" in part:
                yield from _dated(part["$ref"].rsplit("/", 1)[1], components, seen)


def _body_fields(document: dict[str, Any]) -> list[tuple[str, str, str]]:
    names = {body["schema"]["$ref"].rsplit("/", 1)[1] for operations in document["paths"].values()
             for operation in operations.values()
             for body in operation.get("requestBody", {}).get("content", {}).values() if "$ref" in body["schema"]}
    seen: set[str] = set()
    return sorted({found for name in names for found in _dated(name, document["components"]["schemas"], seen)})


def _names_the_field(model: type[BaseModel], field: str, value: str) -> bool:
    try:
        model.model_validate({field: value})
    except ValidationError as refused:
        return any(error["loc"][:1] == (field,) and error["type"] != "missing" for error in refused.errors())
    return False


def test_every_dated_body_field_refuses_the_calendars_ends(app: FastAPI) -> None:
    fields, models = _body_fields(app.openapi()), pydantic_models.by_name()
    assert len(fields) > 20
    accepted = [f"{name}.{field}={value}" for name, field, kind in fields for value in ENDS[kind]
                if not _names_the_field(models[name], field, value)]
    assert not accepted, "\n".join(accepted)


def _types(annotation: Any) -> set[Any]:
    """The annotation and every type inside it (an Optional's, an Annotated's)."""
    return {annotation}.union(*(_types(inner) for inner in typing.get_args(annotation)))


def _kind(annotation: Any) -> str | None:
    types = _types(annotation)
    return "date-time" if types & {datetime, AwareDatetime} else "date" if date in types else None


def test_every_dated_query_parameter_refuses_the_calendars_ends(app: FastAPI) -> None:
    checked, accepted = 0, []
    routes = [(context.path, context.original_route) for context in iter_route_contexts(app.routes)]
    for path, route in ((path, route) for path, route in routes if isinstance(route, APIRoute) and "/api/" in path):
        for param in get_flat_params(route.dependant):
            kind = _kind(param.field_info.annotation)
            if isinstance(param.field_info, params.Query) and kind:
                checked += 1
                accepted += [f"{path} {param.name}={value}" for value in ENDS[kind]
                             if not param.validate(value, {}, loc=("query", param.name))[1]]
    assert checked >= 10
    assert not accepted, "\n".join(accepted)
