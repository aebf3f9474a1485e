"""The API answers only what its schema says: schemathesis against the served app, and the schema
itself (tags described, error answers with the error body, models with examples).

Every operation of /openapi.json gets a few generated requests, valid and hostile, each sent as an
officer, as a miner, as an admin and with no token; any 5xx, a status code the operation does not document, or a
body unlike the documented one fails the test. Bounded: a handful of examples per operation and
generation mode, derandomized (the same requests every run), no shrinking, and a timeout per request.

A longer, randomized campaign is one run away, never the default: ``SAFETY_FUZZ_EXAMPLES=100`` raises the
examples per operation and mode, ``SAFETY_FUZZ_SEED=7`` draws other requests (the same ones for that seed).
"""

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import APIOperation, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from safety_service.config import Settings
from safety_service.counselling.models import CaseState
from safety_service.database import session_scope
from safety_service.hazards.states import HazardState
from safety_service.main import create_app
from safety_service.people.models import Role, User
from safety_service.security import create_access_token
from tests import pydantic_models
from tests.bulletins.builders import make_bulletin
from tests.conftest import make_settings
from tests.counselling.builders import make_case
from tests.hazards.builders import make_hazard
from tests.live import live_app, stall_reported
from tests.locations.builders import make_area, make_location
from tests.people.builders import make_person, make_user

EXAMPLES_PER_OPERATION = int(os.environ.get("SAFETY_FUZZ_EXAMPLES", "5"))
SEED = os.environ.get("SAFETY_FUZZ_SEED")  # unset: derandomized, the same requests in every run
REQUEST_TIMEOUT_SECONDS = 60  # a hang fails the test rather than holding it up
ROLES = ("officer", "miner", "admin", "none")
ACCOUNTS = {"officer1": Role.officer, "miner1": Role.miner, "admin1": Role.admin}
# No 5xx; only documented statuses; bodies as documented (the error body, and each answer's model).
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


def _world(engine: Engine) -> None:
    """A small mine: a location, hazards in several states, a bulletin, a counselling case."""
    with session_scope(engine) as session:
        place = make_location(session, code="PH-1", area=make_area(session, code="N1"))
        for username, role in ACCOUNTS.items():
            make_user(session, role=role, username=username)
        for state in (HazardState.reported, HazardState.rectifying, HazardState.closed):
            make_hazard(session, state=state, location=place)
        make_case(session, state=CaseState.opened, person=make_person(session, name="马超"))
        make_bulletin(session)


Tokens = Callable[[], dict[str, str]]


@pytest.fixture(scope="module")
def served(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Tokens]]:
    """The app on a loopback port with its base URL, and the current tokens of an officer, a miner and an admin."""
    # Generated passwords are all wrong: the sign-in throttle refuses them (429) after a few slowed tries.
    with live_app(settings, tmp_path_factory.mktemp("schema"), _world, login_max_failures=4,
                  login_max_failures_per_address=4) as (live_settings, engine):

        def tokens() -> dict[str, str]:
            """Made afresh for each example: a generated sign-out-everywhere or password reset ends the
            ones before, and the admin's generated requests may disable the others' accounts."""
            with Session(engine) as session:
                users = session.exec(select(User).where(col(User.username).in_(ACCOUNTS))).all()
                for user in users:
                    user.is_active = True
                session.commit()
                return {user.username.removesuffix("1"): create_access_token(user.id, live_settings,
                                                                             version=user.token_version)
                        for user in users}

        yield live_settings.public_url, tokens


def _exercise(operation: APIOperation, mode: GenerationMode, session: requests.Session, base: str,
              tokens: Tokens) -> None:
    """A few generated requests to one operation, each sent with every role's token and with none."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES_PER_OPERATION, derandomize=SEED is None, database=None, deadline=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    def run(case: schemathesis.Case) -> None:
        current = tokens()
        for role in ROLES:  # "none" last: it takes away any Authorization the case was generated with
            headers = {"Authorization": f"Bearer {current[role]}"} if role in current else {}
            if not headers and case.headers:
                case.headers.pop("Authorization", None)
            try:
                # a full run on PostgreSQL once waited out the timeout for one request that answered at once when
                # tried again: the report names what the server was doing
                with stall_reported(base, (requests.Timeout,)):
                    case.call_and_validate(session=session, headers=headers, timeout=REQUEST_TIMEOUT_SECONDS,
                                           checks=CHECKS)
            except FailureGroup as group:
                found = "; ".join(f"{failure.title}: {failure.message}" for failure in group.exceptions)
                raise AssertionError(f"as {role}: {found}\n    {case.as_curl_command(headers)}") from None

    (run if SEED is None else seed(int(SEED))(run))()


def test_every_answer_is_documented(served: tuple[str, Tokens]) -> None:
    base, tokens = served
    document = requests.get(f"{base}/openapi.json", timeout=60)  # its first build is slow on a busy machine
    document.raise_for_status()
    schema = schemathesis.openapi.from_dict(document.json())
    schema.config.update(base_url=base)
    failures = []
    with requests.Session() as session:
        for result in schema.get_all_operations():
            operation = result.ok()
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                try:
                    _exercise(operation, mode, session, base, tokens)
                except Unsatisfiable:  # nothing to make invalid: no parameters and no body
                    continue
                except AssertionError as failure:  # the failing example's, after Hypothesis ran it again
                    failures.append(f"{operation.label} ({mode.value}): {failure}")
    assert not failures, "\n\n".join(failures)


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The app's /openapi.json."""
    folder = tmp_path_factory.mktemp("openapi")
    app = create_app(make_settings(f"sqlite:///{folder / 'openapi.db'}"), run_scheduler=False, run_mqtt=False)
    return app.openapi()


def _operations(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            yield f"{method.upper()} {path}", operation


def test_every_tag_is_described(document: dict[str, Any]) -> None:
    described = {tag["name"] for tag in document["tags"] if tag.get("description")}
    used = {tag for _, operation in _operations(document) for tag in operation.get("tags", [])}
    assert used - described == set()


ERROR_BODY = {"$ref": "#/components/schemas/ErrorBody"}


def test_every_error_answer_of_the_api_carries_the_error_body(document: dict[str, Any]) -> None:
    api = [(label, operation) for label, operation in _operations(document) if " /api/v1/" in label]
    wrong = [f"{label} {status}" for label, operation in api for status, answer in operation["responses"].items()
             if int(status) >= 400 and answer.get("content", {}).get("application/json", {}).get("schema") != ERROR_BODY]
    assert wrong == []
    unsaid = [label for label, operation in api if operation.get("security") and "401" not in operation["responses"]]
    assert unsaid == []


def test_every_request_body_has_an_example_that_it_accepts(document: dict[str, Any]) -> None:
    names = {body["schema"]["$ref"].rsplit("/", 1)[1] for _, operation in _operations(document)
             for body in operation.get("requestBody", {}).get("content", {}).values() if "$ref" in body["schema"]}
    names = {name for name in names if not name.startswith("Body_")}  # FastAPI's own, of forms and uploads
    assert len(names) > 25
    models = pydantic_models.by_name()
    for name in names:
        assert document["components"]["schemas"][name].get("examples"), f"{name} has no example"
        for example in models[name].model_json_schema()["examples"]:  # /openapi.json leaves out the nulls
            models[name].model_validate(example)


def _shown(schema: dict[str, Any], components: dict[str, Any]) -> str | None:
    """The model whose example a reader sees for this answer: the model, or a list's or a page's item."""
    schema = schema.get("items", schema)
    name = schema.get("$ref", "").rsplit("/", 1)[-1] or None
    item = components.get(name, {}).get("properties", {}).get("data", {}).get("items", {})
    return item["$ref"].rsplit("/", 1)[-1] if "$ref" in item else name


def test_every_answer_model_has_an_example_that_it_accepts(document: dict[str, Any]) -> None:
    components, models = document["components"]["schemas"], pydantic_models.by_name()
    names = {_shown(answer["content"]["application/json"]["schema"], components)
             for _, operation in _operations(document) for status, answer in operation["responses"].items()
             if status.startswith("2") and "application/json" in answer.get("content", {})} - {None}
    assert len(names) > 15
    missing = sorted(name for name in names if not components[name].get("examples"))
    assert missing == []
    for name in names:
        for example in models[name].model_json_schema()["examples"]:  # /openapi.json leaves out the nulls
            models[name].model_validate(example)
