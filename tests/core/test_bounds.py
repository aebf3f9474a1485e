"""No number an attacker can type into a URL is a 500: every route of the app, found from its own route table,
is called with huge, negative, NUL-holding and overlong values in each of its path parameters and integer
query parameters (and the ones the console reads by hand), as a role that gets past its sign-in check.

Found so far: ``offset=9223372036854775808`` on the violations, cases and rewards ledger lists answered 500.
"""

import typing
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from fastapi import FastAPI, params
from fastapi.dependencies.utils import get_flat_params
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from safety_service.config import Settings
from safety_service.main import create_app
from safety_service.people.models import Role
from tests.conftest import make_settings, use_session
from tests.console.conftest import sign_in
from tests.people.builders import auth, make_user

BAD_VALUES = ("2147483648", "9223372036854775807", "9223372036854775808", "-9223372036854775809", "-1", "0",
              "1\x00", "²", "9" * 40, "9" * 5000)
# Query parameters the console pages read by hand from request.query_params.
HAND_READ = ("page", "months", "level", "offset", "limit")
ROLES = (Role.admin, Role.officer, Role.chief, Role.counsellor, Role.supervisor, Role.owner, Role.miner)
REFUSED = {401, 403, 303}
SIGN_IN = "/console/login"  # showing its form starts a new console session, signing the client out


def _is_integer(annotation: Any) -> bool:
    return annotation is int or int in typing.get_args(annotation)


def _parameters(route: APIRoute, path: str) -> tuple[list[str], list[str]]:
    """The route's path parameters, and the integer query parameters a caller may send it."""
    fields = [field for field in get_flat_params(route.dependant)
              if isinstance(field.field_info, params.Path | params.Query)]
    in_path = [field.name for field in fields if isinstance(field.field_info, params.Path)]
    in_query = [field.name for field in fields
                if isinstance(field.field_info, params.Query) and _is_integer(field.field_info.annotation)]
    in_query += [parameter["name"] for parameter in (route.openapi_extra or {}).get("parameters", ())
                 if parameter["in"] == "query" and parameter["schema"].get("type") == "integer"]
    if path.startswith("/console/") and path != SIGN_IN and "GET" in route.methods:
        in_query += [name for name in HAND_READ if name not in in_query]
    return in_path, in_query


def _routes(app: FastAPI) -> Iterator[tuple[str, str, list[str], list[str]]]:
    for context in iter_route_contexts(app.routes):
        route, path = context.original_route, context.path
        if isinstance(route, APIRoute) and path:
            for method in sorted(route.methods - {"HEAD"}):
                in_path, in_query = _parameters(route, path)
                if in_path or in_query:  # nothing to sweep otherwise (and the sign-out would sign every role out)
                    yield method, path, in_path, in_query


@pytest.fixture
def sweep_app(database_url: str, engine: Engine, session: Session) -> FastAPI:
    settings = make_settings(database_url, public_rate_per_minute=0, report_rate_per_minute=0)
    app = create_app(settings, engine, run_scheduler=False, run_mqtt=False)
    use_session(app, session)
    return app


def _clients(app: FastAPI, session: Session, settings: Settings) -> Iterator[tuple[TestClient, str]]:
    """One signed-in client per role (console cookie and API bearer token), with its CSRF token."""
    for role in ROLES:
        user = make_user(session, role=role)
        session.commit()
        client = TestClient(app, base_url="https://testserver", follow_redirects=False, raise_server_exceptions=False)
        csrf = sign_in(client, user)
        client.headers.update(auth(user, settings))
        yield client, csrf


def _call(client: TestClient, csrf: str, method: str, path: str, values: dict[str, str],
          query: dict[str, str]) -> int:
    url = path.format(**{name: quote(value, safe="") for name, value in values.items()})
    form = {"data": {"csrf_token": csrf}} if path.startswith("/console/") else {"json": {}}
    return client.request(method, url, params=query, **(form if method != "GET" else {})).status_code


def _allowed(clients: list[tuple[TestClient, str]], method: str, path: str, path_params: list[str]
             ) -> tuple[TestClient, str]:
    """The first role the route does not turn away (a well-formed id in every path parameter)."""
    for client, csrf in clients:
        if _call(client, csrf, method, path, dict.fromkeys(path_params, "1"), {}) not in REFUSED:
            return client, csrf
    return clients[0]


def test_no_route_answers_500_to_an_impossible_number(sweep_app: FastAPI, session: Session,
                                                      settings: Settings) -> None:
    clients = list(_clients(sweep_app, session, settings))
    failures = []
    for method, path, in_path, in_query in _routes(sweep_app):
        client, csrf = _allowed(clients, method, path, in_path)
        for name in in_path + in_query:
            for value in BAD_VALUES:
                values = {other: value if other == name else "1" for other in in_path}
                status = _call(client, csrf, method, path, values, {name: value} if name in in_query else {})
                if status >= 500:
                    failures.append(f"{method} {path} {name}={value[:24]!r}: {status}")
    for client, _ in clients:
        client.close()
    assert not failures, "\n".join(failures)
