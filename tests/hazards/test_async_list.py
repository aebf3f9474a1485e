"""The hazard list on PostgreSQL's event-loop path (AsyncReads), against the threads' path.

Its connections are its own, so these tests run on a PostgreSQL database of their own with
committed data (the rest of the suite works inside a rolled-back transaction, where the list
takes the threads' path).
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx2 as httpx
import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from safety_service import migrate, reading
from safety_service.clock import utc_now
from safety_service.config import POSTGRESQL_READ_CONNECTIONS
from safety_service.database import AsyncReads, make_engine
from safety_service.hazards.states import Grade, HazardState
from safety_service.main import create_app
from safety_service.people import service as people_service
from safety_service.people.models import Person, Role, User
from tests.conftest import POSTGRES_ADMIN_URL, create_pg_database, drop_pg_database, make_settings
from tests.hazards import contract
from tests.hazards.builders import make_hazard
from tests.locations.builders import make_location
from tests.people.builders import auth, make_user


@dataclass
class World:
    client: TestClient
    headers: dict[Role | str, dict[str, str]]
    location: str
    fallbacks: list[int]
    database: str
    engine: Engine


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    url = create_pg_database()
    settings = make_settings(url)
    engine = make_engine(settings)
    migrate.upgrade(engine)
    with Session(engine, expire_on_commit=False) as session:
        location = make_location(session)
        miner = make_user(session, role=Role.miner)
        owner = make_user(session, role=Role.owner)
        users: dict[Role | str, User] = {role: make_user(session, role=role)
                                         for role in (Role.officer, Role.counsellor)}
        users.update({Role.miner: miner, Role.owner: owner, "disabled": make_user(session, active=False)})
        miner_no = session.get(Person, miner.person_id).employee_no  # type: ignore[union-attr]
        past = utc_now() - timedelta(days=3)
        for i, state in enumerate([*HazardState] * 3):
            make_hazard(session, state=state, location=location, owner=owner, now=past + timedelta(minutes=i),
                        deadline=past + timedelta(days=1), description=f"皮带跑偏 {i}",
                        reporter_employee_no=None if i % 4 else miner_no)
        make_hazard(session, state=HazardState.confirmed, grade=Grade.major, location=location, owner=owner)
        session.commit()
        headers = {role: auth(user, settings) for role, user in users.items()}
    app = create_app(settings, engine, run_scheduler=False)
    fallbacks: list[int] = []
    real = reading.run

    def counted(*args: Any, **kwargs: Any) -> Any:
        fallbacks.append(1)
        return real(*args, **kwargs)

    with pytest.MonkeyPatch.context() as patch, TestClient(app) as client:
        patch.setattr(reading, "run", counted)
        assert isinstance(app.state.async_reads, AsyncReads)
        yield World(client, headers, location.code, fallbacks, engine.url.database or "", engine)
    engine.dispose()
    drop_pg_database(url)


def _threads(world: World, params: dict[str, Any], headers: dict[str, str]) -> httpx.Response:
    """What the threads' path answers (the async path made to hand over)."""
    app = world.client.app
    reads, app.state.async_reads = app.state.async_reads, None  # type: ignore[attr-defined]
    try:
        return world.client.get("/api/v1/hazards", params=params, headers=headers)
    finally:
        app.state.async_reads = reads  # type: ignore[attr-defined]


def _threads_answer(world: World, params: dict[str, Any], role: Role) -> dict[str, Any]:
    return _threads(world, params, world.headers[role]).json()  # type: ignore[no-any-return]


LISTS = ({}, {"open": "true"}, {"state": ["closed", "rectifying", "closed"]}, {"grade": "major"},
         {"sort": "deadline", "limit": 3, "offset": 2}, {"overdue": "true"}, {"source": "qr", "sort": "-updated_at"})


@pytest.mark.parametrize("role", [Role.officer, Role.owner, Role.miner])
@pytest.mark.parametrize("params", LISTS, ids=range(len(LISTS)))
def test_the_event_loop_path_answers_as_the_threads_do(world: World, params: dict[str, Any], role: Role) -> None:
    before = len(world.fallbacks)
    response = world.client.get("/api/v1/hazards", params=params, headers=world.headers[role])
    assert response.status_code == 200, response.text
    answered_on_the_loop = len(world.fallbacks) == before
    contract.checked(response.content)  # the event loop's answer keeps the declared contract too
    assert response.json() == _threads_answer(world, params, role)
    assert answered_on_the_loop


def test_a_search_is_handed_to_the_threads_and_an_empty_page_is_not(world: World) -> None:
    """A text search's statements are built for it (their terms inside): the threads run them through
    SQLAlchemy. An empty page takes a second statement (the count) and the codes' check, all cached."""
    for params, handed_over in (({"q": "皮带"}, True),
                                ({"location": world.location, "grade": "major", "state": "closed"}, False),
                                ({"location": "NO-SUCH"}, False)):
        before = len(world.fallbacks)
        response = world.client.get("/api/v1/hazards", params=params, headers=world.headers[Role.officer])
        assert len(world.fallbacks) == before + handed_over, params
        threads = _threads(world, params, world.headers[Role.officer])
        assert (response.status_code, response.json()) == (threads.status_code, threads.json())


@pytest.mark.parametrize(("params", "who", "status"), [
    ({"location": "NO-SUCH"}, Role.officer, 422),
    ({"location": "a\x00b"}, Role.officer, 422),
    ({"limit": 0}, Role.officer, 422),
    ({}, "disabled", 401),
    ({}, Role.counsellor, 403),
])
def test_refusals_are_the_same_on_the_event_loop(world: World, params: dict[str, Any], who: Role | str,
                                                 status: int) -> None:
    response = world.client.get("/api/v1/hazards", params=params, headers=world.headers[who])
    assert response.status_code == status, response.text
    assert world.client.get("/api/v1/hazards", params=params).status_code == 401


def test_connections_the_server_closed_cost_no_request_and_are_replaced(world: World) -> None:
    """As after a PostgreSQL restart: every connection of both pools is gone."""
    headers = world.headers[Role.officer]
    expected = world.client.get("/api/v1/hazards", headers=headers).json()
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                      (world.database,))
    before = len(world.fallbacks)
    for _ in range(3 * POSTGRESQL_READ_CONNECTIONS):
        response = world.client.get("/api/v1/hazards", headers=headers)
        assert response.status_code == 200 and response.json() == expected
    assert 0 < len(world.fallbacks) - before < 3 * POSTGRESQL_READ_CONNECTIONS, "the pool replaced them"


def test_without_a_working_pool_the_threads_answer(world: World) -> None:
    app = world.client.app
    reads = app.state.async_reads  # type: ignore[attr-defined]
    expected = world.client.get("/api/v1/hazards", headers=world.headers[Role.officer]).json()
    app.state.async_reads = AsyncReads.for_engine(world.engine, 1)  # type: ignore[attr-defined]  # never opened
    try:
        response = world.client.get("/api/v1/hazards", headers=world.headers[Role.officer])
        assert response.status_code == 200 and response.json() == expected
    finally:
        app.state.async_reads = reads  # type: ignore[attr-defined]


def test_a_token_ended_after_it_was_cached_is_refused_on_the_event_loop(world: World) -> None:
    with Session(world.engine, expire_on_commit=False) as session:
        user = make_user(session, role=Role.officer)
        session.commit()
        headers = auth(user, world.client.app.state.settings)  # type: ignore[attr-defined]
        assert world.client.get("/api/v1/hazards", headers=headers).status_code == 200  # verified and cached
        people_service.end_sessions(session, user=user)
        session.commit()
    before = len(world.fallbacks)
    response = world.client.get("/api/v1/hazards", headers=headers)
    assert response.status_code == 401 and len(world.fallbacks) == before, "refused on the event loop"
    assert _threads(world, {}, headers).status_code == 401
