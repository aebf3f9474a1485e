"""Many more concurrent requests than pooled connections: every one answered, none deadlocked."""

import time
from concurrent.futures import ThreadPoolExecutor

import httpx2 as httpx
from sqlalchemy.engine import Engine

from safety_service.config import Settings
from safety_service.database import make_engine, session_scope
from safety_service.main import create_app
from safety_service.people.models import Role
from tests.conftest import make_settings
from tests.live import serving
from tests.mqtt.mosquitto import free_port
from tests.people.builders import auth, make_user


def test_64_concurrent_list_requests_on_a_pool_of_two(settings: Settings, engine: Engine) -> None:
    with session_scope(engine) as session:
        headers = auth(make_user(session, role=Role.officer), settings)
    small = make_settings(settings.database_url, db_pool_size=2)
    app = create_app(small, make_engine(small), run_scheduler=False, run_mqtt=False)
    port = free_port()
    with (serving(app, port), httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=25) as client,
          ThreadPoolExecutor(max_workers=64) as pool):
        started = time.monotonic()
        statuses = list(pool.map(lambda _: client.get("/api/v1/hazards?open=true", headers=headers).status_code,
                                 range(64)))
        elapsed = time.monotonic() - started
    assert statuses == [200] * 64
    assert elapsed < 20  # a deadlock would hold them until the pool's 30 s timeout


def test_worker_threads_never_outnumber_connections_and_are_few_on_sqlite(settings: Settings) -> None:
    from safety_service.config import SQLITE_WORKER_THREADS

    sqlite = settings.model_copy(update={"database_url": "sqlite:///x.db", "db_pool_size": 20})
    postgres = settings.model_copy(update={"database_url": "postgresql+psycopg://h/db", "db_pool_size": 20})
    assert sqlite.concurrency.worker_threads == SQLITE_WORKER_THREADS
    assert sqlite.model_copy(update={"db_pool_size": 2}).concurrency.worker_threads == 2
    assert postgres.concurrency.worker_threads == 20


def test_the_concurrency_group_follows_the_settings_it_is_made_of(settings: Settings) -> None:
    sqlite = settings.model_copy(update={"database_url": "sqlite:///x.db", "db_pool_size": 3, "mqtt_batch_size": 7,
                                         "photo_max_decodes": 5})
    postgres = sqlite.model_copy(update={"database_url": "postgresql+psycopg://h/db", "db_pool_size": 30})
    assert (sqlite.concurrency.read_threads, postgres.concurrency.read_threads) == (1, 8)
    assert (sqlite.concurrency.requests_at_once, postgres.concurrency.requests_at_once) == (3, 30)
    assert (sqlite.concurrency.async_read_connections, postgres.concurrency.async_read_connections) == (3, 8)
    assert (postgres.concurrency.mqtt_batch_size, postgres.concurrency.photo_decodes) == (7, 5)


def test_the_intakes_batches_are_longer_on_sqlite_unless_set_and_bounded_in_bytes(settings: Settings) -> None:
    from safety_service.config import MQTT_BATCH_BYTES, POSTGRESQL_MQTT_BATCH_SIZE, SQLITE_MQTT_BATCH_SIZE

    sqlite = settings.model_copy(update={"database_url": "sqlite:///x.db", "mqtt_batch_size": 0})
    postgres = sqlite.model_copy(update={"database_url": "postgresql+psycopg://h/db"})
    assert (sqlite.concurrency.mqtt_batch_size, postgres.concurrency.mqtt_batch_size) == (2000, 500) == (
        SQLITE_MQTT_BATCH_SIZE, POSTGRESQL_MQTT_BATCH_SIZE)
    assert sqlite.model_copy(update={"mqtt_batch_size": 300}).concurrency.mqtt_batch_size == 300
    assert sqlite.concurrency.mqtt_batch_bytes == postgres.concurrency.mqtt_batch_bytes == MQTT_BATCH_BYTES


def test_settling_the_heap_freezes_what_start_up_loaded() -> None:
    import gc

    from safety_service.heap import settle_heap

    try:
        settle_heap()
        assert gc.get_freeze_count() > 10_000  # modules, models, routes: all of it
    finally:
        gc.unfreeze()


def test_report_submissions_have_their_own_lane_of_the_concurrency_limit() -> None:
    import asyncio

    from safety_service.api.concurrency import ConcurrencyLimit

    running = {"report": 0, "other": 0}
    most = {"report": 0, "other": 0}

    async def app(scope: dict, receive: object, send: object) -> None:
        kind = "report" if scope["path"].startswith("/r/") else "other"
        running[kind] += 1
        most[kind] = max(most[kind], running[kind])
        await asyncio.sleep(0.01)
        running[kind] -= 1

    limited = ConcurrencyLimit(app, limit=1, separate=lambda scope: scope["path"].startswith("/r/"),
                               separate_limit=3)

    async def main() -> None:
        requests = [{"type": "http", "path": "/r/x" if i % 2 else "/api/v1/hazards"} for i in range(20)]
        await asyncio.gather(*(limited(scope, None, None) for scope in requests))

    asyncio.run(main())
    assert most == {"report": 3, "other": 1}
