"""The statistics page: open hazards by category, grade and location, reports per week by channel,
closure rate and median time to close, the overdue trend; charts drawn on the server. A unit chosen
cuts every figure to the hazards about it and the units under it."""

from datetime import datetime

from fastapi import APIRouter, Request
from sqlmodel import Session, select
from starlette.responses import Response

from safety_service.api.deps import SessionDep, SettingsDep
from safety_service.clock import utc_now
from safety_service.config import Settings
from safety_service.console import charts, forms
from safety_service.console.deps import ConsoleRoute, StaffUser
from safety_service.console.figures import FiguresCache
from safety_service.console.rendering import render, translator
from safety_service.hazards import figures
from safety_service.i18n import Translator
from safety_service.units import service as units_service
from safety_service.units.models import OrgUnit

router = APIRouter(route_class=ConsoleRoute)


def current_figures(request: Request, session: Session, settings: Settings, unit: str | None = None) -> figures.Figures:
    """The figures (of the whole mine or about a unit) from the app's cache, or read now on the request's
    session when caching is off."""
    if settings.console_stats_ttl_seconds == 0:
        return figures.gather(session.connection(), utc_now(), settings.timezone, unit)
    caches: dict[str | None, FiguresCache] | None = getattr(request.app.state, "console_figures", None)
    if caches is None:  # one cache per unit asked for (units are few; an unknown one never gets here)
        caches = request.app.state.console_figures = {}
    if unit not in caches:
        engine = request.app.state.engine
        caches[unit] = FiguresCache(settings.console_stats_ttl_seconds,
                                    lambda: figures.gather_from(engine, utc_now(), settings.timezone, unit))
    return caches[unit].get()


# The charts of the last figures, per language: drawing five SVG charts costs more than the page.
_drawn: dict[tuple[datetime, str | None, str], dict[str, str]] = {}


def drawn_charts(found: figures.Figures, t: Translator) -> dict[str, str]:
    """The charts of these figures in this language, drawn once per figures and language."""
    key = (found.at, found.unit, t.language)
    if key not in _drawn:
        if len(_drawn) >= 8:
            _drawn.clear()
        _drawn[key] = charts.charts(found, t)
    return _drawn[key]


@router.get("/stats")
def stats_page(request: Request, session: SessionDep, settings: SettingsDep, user: StaffUser) -> Response:
    """The figures and their charts, of the whole mine or about one unit (officers, the chief, administrators)."""
    typed = forms.fields(request.query_params, ("unit",))
    units = units_service.in_tree_order(session, retired=True)
    if typed["unit"] and session.exec(select(OrgUnit.id).where(OrgUnit.code == typed["unit"])).first() is None:
        return render(request, "stats.html", status=422, user=user, units=units, typed=typed, figures=None,
                      charts={}, errors={"unit": translator(request)("console.error.unknown_code")})
    found, t = current_figures(request, session, settings, typed["unit"] or None), translator(request)
    drawn = drawn_charts(found, t)
    chosen = next((u for u in units if u.code == typed["unit"]), None)
    name = (chosen.name_en if t.language == "en" and chosen.name_en else chosen.name_zh) if chosen else None
    return render(request, "stats.html", policy=charts.policy(drawn), user=user, figures=found, charts=drawn,
                  units=units, typed=typed, errors={}, unit_name=name)
