"""The API docs (/docs, /redoc) from Swagger UI and ReDoc files installed with the service.

The files come from the ``fastapi-offline`` package (it ships both bundles and keeps them current);
a mine's network may have no way out, so the pages load nothing from elsewhere. ReDoc draws its
maker's logo from a CDN whatever its options: each page carries a Content-Security-Policy that keeps
every load on this server.
"""

from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = Path(fastapi_offline.__file__).parent / "static"
STATIC_URL = "/docs-static"
ONLY_THIS_SERVER = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
                    "img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:; base-uri 'none'")


def _kept_here(page: HTMLResponse) -> HTMLResponse:
    """The page with a policy that lets it load only from this server (a meta tag, so no middleware
    that sets headers can drop it)."""
    meta = f'<meta http-equiv="Content-Security-Policy" content="{ONLY_THIS_SERVER}">'
    body = bytes(page.body).decode().replace("<head>", f"<head>\n{meta}", 1)
    return HTMLResponse(body, headers={"Content-Security-Policy": f"{ONLY_THIS_SERVER}; frame-ancestors 'none'"})


def install(app: FastAPI, *, docs_url: str = "/docs", redoc_url: str = "/redoc") -> None:
    """Serve the docs pages and their files (the app is made with ``docs_url=None, redoc_url=None``)."""
    openapi_url = app.openapi_url
    if openapi_url is None:
        raise ValueError("the docs pages read the schema: make the app with an openapi_url")
    app.mount(STATIC_URL, StaticFiles(directory=ASSETS), name="docs-static")
    oauth2_redirect_url = f"{docs_url}/oauth2-redirect"

    @app.get(docs_url, include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return _kept_here(get_swagger_ui_html(
            openapi_url=openapi_url, title=f"{app.title} - Swagger UI", oauth2_redirect_url=oauth2_redirect_url,
            swagger_js_url=f"{STATIC_URL}/swagger-ui-bundle.js", swagger_css_url=f"{STATIC_URL}/swagger-ui.css",
            swagger_favicon_url=f"{STATIC_URL}/favicon.png", swagger_ui_parameters={"validatorUrl": None}))

    @app.get(oauth2_redirect_url, include_in_schema=False)
    def swagger_ui_redirect() -> HTMLResponse:
        return _kept_here(get_swagger_ui_oauth2_redirect_html())

    @app.get(redoc_url, include_in_schema=False)
    def redoc() -> HTMLResponse:
        return _kept_here(get_redoc_html(
            openapi_url=openapi_url, title=f"{app.title} - ReDoc", redoc_js_url=f"{STATIC_URL}/redoc.standalone.js",
            redoc_favicon_url=f"{STATIC_URL}/favicon.png", with_google_fonts=False))
