"""The web application: the JSON API, health check and docs."""

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from safety_service import __version__
from safety_service.api import errors
from safety_service.api.concurrency import ConcurrencyLimit, ReadThreads
from safety_service.bulletins import views as bulletins_views
from safety_service.config import Settings, get_settings
from safety_service.console import views as console_views
from safety_service.counselling import family_views as counselling_family_views
from safety_service.counselling import views as counselling_views
from safety_service.database import AsyncReads, get_engine
from safety_service.hazards import views as hazards_views
from safety_service.kiosks import views as kiosks_views
from safety_service.locations import views as locations_views
from safety_service.mqtt import runtime as mqtt_runtime
from safety_service.notifications import views as notifications_views
from safety_service.pages import intake as pages_intake
from safety_service.pages import points as pages_points
from safety_service.pages import views as pages_views
from safety_service.pages.limits import PublicLimits
from safety_service.people import views as people_views
from safety_service.photos import views as photos_views
from safety_service.qr import views as qr_views
from safety_service.rewards import views as rewards_views
from safety_service.scheduler import Scheduler
from safety_service.supervisors import views as supervisors_views

logger = logging.getLogger(__name__)


def api_router() -> APIRouter:
    router = APIRouter(prefix="/api/v1")
    for module in (hazards_views, people_views, locations_views, notifications_views, qr_views,
                   photos_views, kiosks_views, bulletins_views, rewards_views, supervisors_views,
                   counselling_views, counselling_family_views):
        router.include_router(module.router)
    return router


# SQLite answers a read in a fraction of a millisecond, so its worker threads mostly contend for
# the GIL: measured on the hazard list, 20 threads served 35% fewer requests than 2 to 4.
SQLITE_WORKER_THREADS = 4
# The hazard list's threads on PostgreSQL, for what its event-loop path hands over (a text search,
# an empty page): each waits on round trips most of its time (at 64 connections, 4 threads served
# 734 req/s, 8 858, 16 821).
POSTGRESQL_READ_THREADS = 8
# The hazard list's connections on the event loop (AsyncReads).
POSTGRESQL_READ_CONNECTIONS = 8
# QR report submissions at work at once (each may hold a photo of up to SAFETY_PHOTO_MAX_BYTES).
REPORT_SUBMISSIONS_AT_ONCE = 64


def read_threads(settings: Settings) -> int:
    """Threads for the hazard list: one on SQLite (its reads are CPU work under the GIL); on
    PostgreSQL enough to keep several queries at the server at once."""
    return 1 if settings.is_sqlite else min(settings.db_pool_size, POSTGRESQL_READ_THREADS)


def worker_threads(settings: Settings) -> int:
    """Threads for sync routes: never more than pooled connections (a sync route never waits on the
    pool while the thread that would give a connection back waits for a thread), and few on SQLite."""
    if settings.is_sqlite:
        return min(settings.db_pool_size, SQLITE_WORKER_THREADS)
    return settings.db_pool_size


def settle_heap() -> None:
    """Move everything loaded at start-up out of the garbage collector's reach (once per process,
    by its entry point: `serve`, `intake`, the benchmarks' servers).

    Modules, models and compiled statements live as long as the process; left in the collector's
    oldest generation, each full collection scanned them all and stalled the process ~100 ms about
    once a second under load (the QR report's p99 went from 140 to 76 ms without it).
    """
    gc.collect()
    gc.freeze()


def telemetry(settings: Settings) -> dict[str, bool]:
    """FastAPI's OpenTelemetry switches: all on with SAFETY_OPENTELEMETRY, else all off (when on, every
    request looks up the tracer, meter and logger providers, configured or not)."""
    return dict.fromkeys(("tracing", "metrics", "logs"), settings.opentelemetry)


def create_app(settings: Settings | None = None, engine: Engine | None = None,
               run_scheduler: bool | None = None, run_mqtt: bool | None = None) -> FastAPI:
    """The application; tests pass their own settings and engine."""
    settings = settings or get_settings()
    engine = engine or get_engine()
    scheduler = Scheduler(engine, settings)
    report_writer = pages_intake.make_writer(engine, settings)
    start_scheduler = settings.scheduler_enabled if run_scheduler is None else run_scheduler
    start_mqtt = settings.mqtt_enabled if run_mqtt is None else run_mqtt

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        anyio.to_thread.current_default_thread_limiter().total_tokens = worker_threads(settings)
        if app.state.async_reads is not None:
            await app.state.async_reads.open()
        report_writer.start()
        if start_scheduler:
            scheduler.start()
        async with mqtt_runtime.running(app, settings, engine, enabled=start_mqtt):
            yield
        scheduler.stop()
        report_writer.stop()
        app.state.reads.close()
        if app.state.async_reads is not None:
            await app.state.async_reads.close()

    app = FastAPI(
        title="Mine safety supervision service", version=__version__, lifespan=lifespan,
        description="Hazard (隐患) reporting and closed-loop tracking for a coal mine.",
        telemetry=telemetry(settings),
    )
    app.state.settings, app.state.engine, app.state.scheduler = settings, engine, scheduler
    app.state.report_writer = report_writer
    app.state.reads = ReadThreads(read_threads(settings))
    app.state.async_reads = AsyncReads.for_engine(engine, min(settings.db_pool_size, POSTGRESQL_READ_CONNECTIONS))
    errors.install(app)
    app.include_router(api_router())
    app.include_router(pages_views.router)
    app.include_router(pages_points.router)
    app.include_router(console_views.router)
    app.add_middleware(PublicLimits, settings=settings)
    app.add_middleware(ConcurrencyLimit, limit=settings.db_pool_size, separate=pages_views.is_report_submission,
                       separate_limit=REPORT_SUBMISSIONS_AT_ONCE)

    @app.get("/healthz", tags=["health"])
    def healthz(request: Request) -> JSONResponse:
        """Liveness and database reachability."""
        try:
            with request.app.state.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except (SQLAlchemyError, OSError) as exc:
            return JSONResponse({"status": "error", "database": str(exc)[:200]}, status_code=503)
        return JSONResponse({"status": "ok", "version": __version__, "database": "ok"})

    return app
