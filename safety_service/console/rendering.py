"""The console's pages: its Jinja2 environment, the page language, local times, the HTML answer."""

from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from safety_service import i18n
from safety_service.config import Settings
from safety_service.console import names
from safety_service.console import session as console_session
from safety_service.pages.rendering import LANG_COOKIE, LANG_COOKIE_AGE, language

environment = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True, auto_reload=False,
)


def translator(request: Request) -> i18n.Translator:
    """The page language: ``?lang=``, then the cookie, then Accept-Language, else Chinese."""
    return i18n.Translator(language(request.headers, chosen=request.query_params.get("lang")))


def local(value: datetime | str | None, timezone: str, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored UTC time (or its ISO text) in the mine's local time."""
    if not value:
        return ""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.astimezone(ZoneInfo(timezone)).strftime(fmt)


def money(value: Decimal | float | None) -> Decimal | None:
    """An amount of yuan to two decimals (3000 → 3000.00): the one way the page, CSV and XLSX show funds."""
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


def duration(t: i18n.Translator, span: timedelta) -> str:
    """How long, in days and hours (for overdue hazards)."""
    hours = max(int(span.total_seconds() // 3600), 0)
    days, hours = divmod(hours, 24)
    return t("console.duration.days_hours", days=days, hours=hours) if days else t("console.duration.hours",
                                                                                  hours=hours)


def render(request: Request, template: str, *, status: int = 200, policy: str | None = None,
           **context: Any) -> HTMLResponse:
    """A console page in the request's language, never cached; ``policy`` replaces the usual
    Content-Security-Policy (safety_service.api.headers)."""
    t = translator(request)
    settings: Settings = request.app.state.settings
    context.setdefault("unread", getattr(request.state, "unread", None))
    if "csrf" not in context:
        cookie = console_session.read(request, settings)
        context["csrf"] = cookie.csrf if cookie else ""
    context.setdefault("who", names.who(context.get("user")))
    context.setdefault("names", names.lazy(context.get("user")))
    html = environment.get_template(template).render(
        t=t, request=request, settings=settings, tz=settings.timezone, local=local, money=money, **context)
    response = HTMLResponse(html, status_code=status)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Language"] = t.language
    response.headers["X-Frame-Options"] = "DENY"
    if policy:
        response.headers["Content-Security-Policy"] = policy
    if "lang" in request.query_params:
        response.set_cookie(LANG_COOKIE, t.language, max_age=LANG_COOKIE_AGE, samesite="lax")
    return response
