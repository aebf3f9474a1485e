"""The statistics page: open hazards by category, grade and location, reports per week by channel,
closure rate and median time to close, the overdue trend; charts drawn on the server."""

from datetime import datetime

from fastapi import APIRouter, Request
from sqlmodel import Session
from starlette.responses import Response

from safety_service.api.deps import SessionDep, SettingsDep
from safety_service.clock import utc_now
from safety_service.config import Settings
from safety_service.console import charts, figures
from safety_service.console.deps import ConsoleRoute, StaffUser
from safety_service.console.rendering import render, translator
from safety_service.i18n import Translator

router = APIRouter(route_class=ConsoleRoute)


def current_figures(request: Request, session: Session, settings: Settings) -> figures.Figures:
    """The figures from the app's cache, or read now on the request's session when caching is off."""
    if settings.console_stats_ttl_seconds == 0:
        return figures.gather(session.connection(), utc_now(), settings.timezone)
    cache = getattr(request.app.state, "console_figures", None)
    if cache is None:
        engine = request.app.state.engine
        cache = figures.FiguresCache(settings.console_stats_ttl_seconds,
                                     lambda: figures.gather_from(engine, utc_now(), settings.timezone))
        request.app.state.console_figures = cache
    return cache.get()


# The charts of the last figures, per language: drawing five SVG charts costs more than the page.
_drawn: dict[tuple[datetime, str], dict[str, str]] = {}


def drawn_charts(found: figures.Figures, t: Translator) -> dict[str, str]:
    """The charts of these figures in this language, drawn once per figures and language."""
    key = (found.at, t.language)
    if key not in _drawn:
        if len(_drawn) >= 8:
            _drawn.clear()
        _drawn[key] = charts.charts(found, t)
    return _drawn[key]


@router.get("/stats")
def stats_page(request: Request, session: SessionDep, settings: SettingsDep, user: StaffUser) -> Response:
    """The figures and their charts (officers, the chief and administrators)."""
    found = current_figures(request, session, settings)
    drawn = drawn_charts(found, translator(request))
    return render(request, "stats.html", policy=charts.policy(drawn), user=user, figures=found, charts=drawn)
