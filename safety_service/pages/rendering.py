"""Server-rendered pages: the Jinja2 environment, the page language and the HTML answer."""

from datetime import datetime
from http.cookies import SimpleCookie
from pathlib import Path
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import HTMLResponse

from safety_service import i18n
from safety_service.api import headers as security_headers

LANG_COOKIE = "lang"
LANG_COOKIE_AGE = 365 * 24 * 3600
FAMILY_PREFIX = "/f/"  # a family co-supervisor's pages (pages/family.py)
environment = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True,
    auto_reload=False,  # templates ship with the package: no stat() of the file on every page
)
# The pages' stylesheet and script go inside each page, so a phone on a weak underground signal fetches one
# file; the pages' Content-Security-Policy allows exactly these two, by hash, and no other inline code.
INLINE = Path(__file__).parent / "inline"
STYLE, SCRIPT = ((INLINE / name).read_text(encoding="utf-8") for name in ("pages.css", "pages.js"))
POLICY = security_headers.policy(styles=[security_headers.source_hash(STYLE)],
                                 scripts=[security_headers.source_hash(SCRIPT)])
# Markup: unescaped, as a browser reads <style> and <script> text literally (and hashes it so)
environment.globals.update(page_style=Markup(STYLE), page_script=Markup(SCRIPT))


def language(headers: Headers, *, chosen: str | None = None) -> str:
    """The page language: an explicit choice, then the ``lang`` cookie, then Accept-Language."""
    cookie = SimpleCookie()
    try:
        cookie.load(headers.get("cookie", ""))
    except Exception:  # noqa: BLE001 - a mangled cookie header only loses the remembered choice
        cookie.clear()
    remembered = cookie[LANG_COOKIE].value if LANG_COOKIE in cookie else None
    return i18n.negotiate(chosen=chosen, cookie=remembered, accept_language=headers.get("accept-language"))


def local_time(value: datetime | None, timezone: str) -> str:
    """A stored UTC time as the mine's local date and time."""
    return value.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M") if value else ""


def render(template: str, *, lang: str, status: int = 200, remember: bool = False,
           headers: dict[str, str] | None = None, **context: object) -> HTMLResponse:
    """A page in the language; ``remember`` keeps an explicit language choice in a cookie."""
    html = environment.get_template(template).render(t=i18n.Translator(lang), **context)
    response = HTMLResponse(html, status_code=status, headers=headers)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Language"] = lang
    response.headers["Content-Security-Policy"] = POLICY
    if remember:
        response.set_cookie(LANG_COOKIE, lang, max_age=LANG_COOKIE_AGE, samesite="lax")
    return response


def unknown_page(request: Request) -> HTMLResponse:
    """The page for an address the service does not have: a cut-off QR link, a mistyped address."""
    lang = language(request.headers, chosen=request.query_params.get("lang"))
    t = i18n.Translator(lang)
    if _family(request):  # a family member's link cut off: the page of a link that does not open
        return family_refused(t)
    return render("problem.html", lang=lang, status=404, title=t("error.request.not_found_title"),
                  message=t("error.request.not_found"), help=t("error.token.help"))


def unreadable_page(request: Request, where: str, field: str, *, status: int = 422) -> HTMLResponse:
    """The page for a request that does not parse (a text where a photo goes), in the visitor's language, naming
    the field (``where`` ``form``: the whole body); the unknown page when the path itself (``where``) names
    nothing."""
    if where == "path":
        return unknown_page(request)
    lang = language(request.headers, chosen=request.query_params.get("lang"))
    t = i18n.Translator(lang)
    family = _family(request)
    return render("problem.html", lang=lang, status=status, title=t("error.request.title"),
                  message=t(f"error.request.unreadable_{where}", field=field), brand=family_brand(t, family),
                  help=t("family.page.problem_help" if family else "error.token.help"))


def family_refused(t: i18n.Translator) -> HTMLResponse:
    """The page of a family link that does not open: unknown, expired, revoked, or cut off before its token."""
    return render("problem.html", lang=t.language, status=404, brand=t("family.brand"),
                  title=t("family.page.refused_title"), message=t("family.page.refused"),
                  help=t("family.page.refused_help"))


def family_brand(t: i18n.Translator, family: bool) -> str | None:
    """The header's name on a family member's pages (亲情帮教), who is no miner; None: the service's own."""
    return t("family.brand") if family else None


def _family(request: Request) -> bool:
    """A family co-supervisor's page, whose reader is no miner: the way on is the union counsellor."""
    return request.url.path.startswith(FAMILY_PREFIX)
