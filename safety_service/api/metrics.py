"""``GET /metrics`` (Prometheus text format) for whoever holds SAFETY_METRICS_TOKEN, and the request
counts and latencies it shows. Without the setting neither the route nor the middleware exists: the
path is a 404 like any unknown one, and requests pay nothing for it."""

import hmac
import time
from collections.abc import Sequence

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import Response
from fastapi.routing import RouteContext, iter_route_contexts
from prometheus_client import Counter, Histogram
from prometheus_client.exposition import choose_encoder
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from safety_service.api import scrape
from safety_service.api.deps import MetricsDep, SessionFactory, SettingsDep
from safety_service.errors import AuthenticationFailed
from safety_service.metrics import Metrics

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED = "unmatched"  # every path no route serves, so a scanner's paths make one series, not thousands


class RouteTemplates:
    """The full path template (``/api/v1/hazards/{ref}``) of the route a request went to.

    FastAPI puts the route it picked into the scope, but a route of an included router carries its
    own router's path only; the full templates are read once from the app's routes (what the
    OpenAPI schema is made from), by route object.
    """

    def __init__(self, routes: Sequence[BaseRoute]) -> None:
        self.routes = routes
        self._contexts: list[RouteContext] = []
        self._by_route: dict[int, str] = {}

    def of(self, scope: Scope) -> str:
        route = scope.get("route")
        if route is None:  # refused before routing (a rate limit, the size cap, the concurrency limit)
            return self._match(scope)
        found = self._by_route.get(id(route))
        if found is None:
            self._read_routes()
            found = self._by_route.setdefault(id(route), getattr(route, "path_format", None) or UNMATCHED)
        return found

    def _read_routes(self) -> None:
        # The contexts are kept: they hold the routes whose ids are the keys.
        self._contexts = list(iter_route_contexts(self.routes))
        self._by_route = {id(c.original_route): c.path_format or UNMATCHED for c in self._contexts}

    def _match(self, scope: Scope) -> str:
        if not self._contexts:
            self._read_routes()
        context = next((c for c in self._contexts if c.matches(scope)[0] is not Match.NONE), None)
        return context.path_format or UNMATCHED if context is not None else UNMATCHED


class RequestMetrics:
    """Pure ASGI (it runs on every request): counts each answer by method, route template and status,
    and times it."""

    def __init__(self, app: ASGIApp, *, metrics: Metrics, routes: Sequence[BaseRoute]) -> None:
        self.app, self.metrics, self.templates = app, metrics, RouteTemplates(routes)
        self._series: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), 500  # 500: the app raised before it answered

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            requests, latency = self._children(scope, status)
            requests.inc()
            latency.observe(time.perf_counter() - started)

    def _children(self, scope: Scope, status: int) -> tuple[Counter, Histogram]:
        """The request's counter and histogram series, looked up once per (method, route, status)."""
        method = scope["method"] if scope["method"] in METHODS else "other"
        key = (method, self.templates.of(scope), status)
        found = self._series.get(key)
        if found is None:
            found = self._series[key] = (self.metrics.requests.labels(method, key[1], str(status)),
                                         self.metrics.latency.labels(method, key[1]))
        return found


def require_token(request: Request, settings: SettingsDep) -> None:
    """The scraper's bearer token, compared in constant time."""
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), settings.metrics_token.encode()):
        raise AuthenticationFailed("a valid metrics token is required (Authorization: Bearer SAFETY_METRICS_TOKEN)")


router = APIRouter(tags=["health"], include_in_schema=False)


@router.get("/metrics", dependencies=[Depends(require_token)])
def metrics(request: Request, sessions: SessionFactory, instruments: MetricsDep) -> Response:
    """The process's metrics in the Prometheus text format (OpenMetrics when the scraper asks for it); the
    database's counts are read now, for this scrape."""
    with sessions() as session:
        counts = scrape.read_counts(session)
    encoder, content_type = choose_encoder(request.headers.get("accept", ""))
    with request.app.state.metrics_state.reading(counts):
        body = encoder(instruments.registry)
    return Response(body, headers={"Content-Type": content_type})


def install(app: FastAPI, metrics: Metrics) -> None:
    """Serve ``/metrics`` and count requests when SAFETY_METRICS_TOKEN is set.

    Call after the other middleware: the counts then include the limits' own answers (429, 413, 503).
    """
    if not app.state.settings.metrics_token:
        return
    app.state.metrics_state = scrape.StateCollector(app.state)
    metrics.registry.register(app.state.metrics_state)
    app.include_router(router)
    app.add_middleware(RequestMetrics, metrics=metrics, routes=app.router.routes)
