"""The web application: the JSON API, liveness and readiness, and docs."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.telemetry import TelemetryConfig
from sqlalchemy.engine import Engine
from starlette.exceptions import HTTPException
from starlette.responses import Response

from safety_service import __version__, reactions
from safety_service.api import answers, deps, docs, errors, text
from safety_service.api import metrics as api_metrics
from safety_service.api.concurrency import ConcurrencyLimit, ReadThreads
from safety_service.api.headers import SecurityHeaders
from safety_service.api.request_ids import RequestIds
from safety_service.api.signin import SignIn
from safety_service.bulletins import views as bulletins_views
from safety_service.config import Settings, get_settings
from safety_service.console import deps as console_deps
from safety_service.console import views as console_views
from safety_service.counselling import behaviour_views
from safety_service.counselling import cosupervision_views as counselling_cosupervision_views
from safety_service.counselling import family_views as counselling_family_views
from safety_service.counselling import views as counselling_views
from safety_service.database import AsyncReads, get_engine
from safety_service.hazards import figure_views as hazard_figure_views
from safety_service.hazards import level_views as hazard_level_views
from safety_service.hazards import library_views as hazard_library_views
from safety_service.hazards import major_views as hazard_major_views
from safety_service.hazards import views as hazards_views
from safety_service.health import Readiness
from safety_service.inspections import views as inspections_views
from safety_service.locations import views as locations_views
from safety_service.metrics import Metrics
from safety_service.mqtt import runtime as mqtt_runtime
from safety_service.mqtt import views as mqtt_views
from safety_service.notifications import views as notifications_views
from safety_service.pages import awards as pages_awards
from safety_service.pages import family as pages_family
from safety_service.pages import intake as pages_intake
from safety_service.pages import points as pages_points
from safety_service.pages import rendering as pages_rendering
from safety_service.pages import views as pages_views
from safety_service.pages.limits import PublicLimits
from safety_service.people import views as people_views
from safety_service.photos import processing as photos_processing
from safety_service.photos import views as photos_views
from safety_service.qr import views as qr_views
from safety_service.rewards import award_views as reward_award_views
from safety_service.rewards import views as rewards_views
from safety_service.risks import views as risks_views
from safety_service.scheduler import Scheduler
from safety_service.scorecard import views as scorecard_views
from safety_service.supervisors import views as supervisors_views
from safety_service.units import views as units_views
from safety_service.web.layer import WebLayer

logger = logging.getLogger(__name__)


TAGS = [
    {"name": "hazards", "description": "The hazard register (隐患台账): list and read hazards, record an officer's or "
                                       "supervisor's own finding, and move a hazard through the closed loop "
                                       "(confirm, reject, assign with the five fixes 五落实, rectified, verify 验收销号)."},
    {"name": "major hazards", "description": "Major accident hazards (重大事故隐患) per the law: the situations of "
                                             "煤矿重大事故隐患判定标准 (应急管理部令第4号), treatment plans approved by "
                                             "the chief (治理方案, 安监总局令第16号 第十五条), 停产撤人/复产 (国务院令第446号), "
                                             "the printable 重大事故隐患报告 and whom it was sent to (第十四条), and "
                                             "挂牌督办 with its acceptance and 销号."},
    {"name": "people", "description": "Signing in (a bearer token from the OAuth2 password form), one's own account "
                                      "and password, and the administrators' account list."},
    {"name": "locations", "description": "Areas, locations (where QR codes are posted) and hazard categories."},
    {"name": "notifications", "description": "The signed-in account's notifications: assignments, overdue "
                                             "escalations, results of its reports."},
    {"name": "qr", "description": "QR codes of locations, one as a PNG or all as a printable label sheet "
                                  "(administrators)."},
    {"name": "photos", "description": "A hazard's photos and their thumbnails (safety staff and its rectification "
                                      "owner)."},
    {"name": "kiosks", "description": "Pithead kiosks (井口接待站) and their MQTT credentials; dead-lettered kiosk "
                                      "messages and their replay."},
    {"name": "bulletins", "description": "Safety bulletins (安全理念渗透) pushed to kiosks: write, picture, publish, "
                                         "retire, read rates."},
    {"name": "rewards", "description": "Points for confirmed reports: the ledger, balances, reversals and payouts; "
                                       "a reporter claims points with a tracking code. Cash awards per 安委〔2024〕7号: "
                                       "the scale, proposal, approval by the chief or the union, payment, the "
                                       "register and the public list."},
    {"name": "supervisors", "description": "Mass safety supervisors (群众安全监督员): terms of office and monthly "
                                           "figures."},
    {"name": "counselling", "description": "Violations (三违) and family-involved help-education cases (亲情帮教): "
                                           "plans, family contacts, sessions, agreements (counsellors only); workers' reports of "
                                           "unsafe behaviour turned into violations or rejected."},
    {"name": "risks", "description": "Risk points and their risks (风险分级管控): controls, reviews, the risk map, "
                                     "the list import, and the hazards a failed control led to."},
    {"name": "inspections", "description": "Inspection plans (隐患排查计划) and their rounds: what is checked where, "
                                           "rounds recorded, coverage of the plans."},
    {"name": "units", "description": "Organisation units (区队, 科室): their members and the locations they are "
                                     "in charge of."},
    {"name": "scorecard", "description": "Each unit's monthly scorecard (业绩考评): hazards found and about the "
                                         "unit, closing on time, overdue, extensions, violations, supervisors, "
                                         "reporters' satisfaction."},
    {"name": "health", "description": "Liveness (`/healthz`) and readiness (`/readyz`: the database and MQTT)."},
]


def api_router() -> APIRouter:
    router = APIRouter(prefix="/api/v1", dependencies=[Depends(text.unicode_body)])
    # The figures before the register, whose /hazards/{ref} would take "figures" for a reference.
    for module in (hazard_figure_views, hazards_views, people_views, locations_views, notifications_views, qr_views,
                   photos_views, mqtt_views, bulletins_views, rewards_views, reward_award_views, supervisors_views,
                   counselling_views, counselling_family_views, counselling_cosupervision_views, behaviour_views,
                   risks_views, inspections_views, units_views, hazard_level_views, hazard_library_views,
                   hazard_major_views, scorecard_views):
        router.include_router(answers.document(module.router))
    return router


def _include_routers(app: FastAPI) -> None:
    """The JSON API, the miners' pages and the officers' console."""
    for router in (api_router(), pages_views.router, pages_points.router, pages_awards.router, pages_family.router,
                   console_views.router):
        app.include_router(router)


def telemetry(settings: Settings) -> TelemetryConfig:
    """FastAPI's OpenTelemetry switches: all on with SAFETY_OPENTELEMETRY, else all off (when on, every
    request looks up the tracer, meter and logger providers, configured or not)."""
    on = settings.opentelemetry
    return TelemetryConfig(tracing=on, metrics=on, logs=on)


API_PREFIX = "/api/"  # the JSON API's addresses; every other address is read by people or their browsers


async def _http_error(request: Request, exc: Exception) -> Response:
    """An address the service does not have, or a form body that does not parse at all (a multipart body without its
    boundary): a page where people read (the console's, or the public pages' for a cut-off QR link), FastAPI's JSON
    for the API and every other HTTP error."""
    assert isinstance(exc, HTTPException)
    path = request.url.path
    if exc.status_code not in (400, 404) or path.startswith(API_PREFIX):
        return await http_exception_handler(request, exc)
    if exc.status_code == 400:
        return await _unreadable_page(request, "form", "", status=400)
    if path.startswith("/console"):
        return await console_deps.unknown_page(request)
    return pages_rendering.unknown_page(request)


async def _unreadable_request(request: Request, exc: Exception) -> Response:
    """A request whose address or form does not parse: a page naming the field where people read (the console's,
    or the public pages' in the visitor's language), FastAPI's JSON list of every problem for the API."""
    assert isinstance(exc, RequestValidationError)
    path = request.url.path
    if path.startswith(API_PREFIX):
        return await errors.unreadable_request(request, exc)
    where, field = errors.unreadable_field(exc)
    return await _unreadable_page(request, where, field)


async def _unreadable_page(request: Request, where: str, field: str, *, status: int = 422) -> Response:
    """The console's page or the public pages' for a request that does not parse, naming ``field``."""
    if request.url.path.startswith("/console"):
        return await console_deps.unreadable_page(request, where, field, status=status)
    return pages_rendering.unreadable_page(request, where, field, status=status)


def create_app(settings: Settings | None = None, engine: Engine | None = None,
               run_scheduler: bool | None = None, run_mqtt: bool | None = None) -> FastAPI:
    """The application; tests pass their own settings and engine."""
    settings = (settings or get_settings()).with_keys()
    settings.check_production()
    engine = engine or get_engine()
    concurrency = settings.concurrency
    reactions.wire(settings)
    metrics = Metrics()
    scheduler = Scheduler(engine, settings, metrics=metrics)
    photos_processing.limit_decodes(concurrency.photo_decodes)
    report_writer = pages_intake.make_writer(engine, settings, metrics)
    start_scheduler = settings.scheduler_enabled if run_scheduler is None else run_scheduler
    start_mqtt = settings.mqtt_enabled if run_mqtt is None else run_mqtt

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        anyio.to_thread.current_default_thread_limiter().total_tokens = concurrency.worker_threads
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
        telemetry=telemetry(settings), docs_url=None, redoc_url=None, openapi_tags=TAGS,
    )
    docs.install(app)
    app.state.settings, app.state.engine, app.state.sessions = settings, engine, deps.session_factory(engine)
    app.state.scheduler = scheduler
    app.state.report_writer, app.state.metrics = report_writer, metrics
    app.state.sign_in = SignIn(settings)
    app.state.web = WebLayer.build(settings)
    app.state.readiness, app.state.mqtt = Readiness(engine), None
    app.state.concurrency, app.state.reads = concurrency, ReadThreads(concurrency.read_threads)
    app.state.async_reads = AsyncReads.for_engine(engine, concurrency.async_read_connections)
    errors.install(app)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _unreadable_request)
    _include_routers(app)
    app.add_middleware(PublicLimits, settings=settings)
    app.add_middleware(ConcurrencyLimit, limit=concurrency.requests_at_once, separate=pages_views.is_report_submission,
                       separate_limit=concurrency.report_submissions_at_once)
    # outermost, so the limits' own answers (429, 413, 503) carry the headers too
    app.add_middleware(SecurityHeaders)
    app.add_middleware(RequestIds)  # outside the limits: a request refused by one has its id too
    api_metrics.install(app, metrics)  # with SAFETY_METRICS_TOKEN: /metrics, and (outermost) every answer counted

    @app.get("/healthz", tags=["health"])
    def healthz() -> JSONResponse:
        """Liveness: the process answers. Touches nothing else (``/readyz`` checks the database and MQTT)."""
        return JSONResponse({"status": "ok", "version": __version__})

    @app.get("/readyz", tags=["health"], responses={503: {"description": "Not ready: the body says what failed."}})
    def readyz(request: Request) -> JSONResponse:
        """Readiness: the database read and written, the MQTT intake connected and subscribed (503 if not)."""
        ready, body = request.app.state.readiness.check(request.app.state.mqtt)
        return JSONResponse(body, status_code=200 if ready else 503)

    return app
