"""The kiosk's local web app: the standard library's threading HTTP server on 127.0.0.1, serving the
screen (``static/``, nothing from outside the tablet) and a small JSON API over ``KioskApp``.

Only loopback is served and only requests naming it as their host are answered (a page elsewhere
cannot reach the kiosk by DNS rebinding).
"""

import json
import logging
import mimetypes
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from devices.kiosk.app import rating
from devices.kiosk.app.service import MAX_DRAFT_BYTES, BadRequest, KioskApp

logger = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent / "static"
MAX_BODY = MAX_DRAFT_BYTES + 64 * 1024
HOSTS = ("127.0.0.1", "localhost")
HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; "
                               "script-src 'self'; connect-src 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "Cache-Control": "no-store",
}


class Handler(BaseHTTPRequestHandler):
    """One request: a static file, or a JSON API call answered from ``self.server.app``."""

    server: "AppServer"
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("http " + format, *args)

    def do_GET(self) -> None:
        self._answer("GET")

    def do_POST(self) -> None:
        self._answer("POST")

    def do_PUT(self) -> None:
        self._answer("PUT")

    def do_DELETE(self) -> None:
        self._answer("DELETE")

    def _answer(self, method: str) -> None:
        host = (self.headers.get("Host") or "").rsplit(":", 1)[0].strip("[]")
        if host not in HOSTS:
            self._json(HTTPStatus.FORBIDDEN, {"error": "this kiosk answers only on 127.0.0.1", "field": "Host"})
            return
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        if method == "GET" and not path.startswith("/api/"):
            self._static(path)
            return
        try:
            self._json(HTTPStatus.OK, self._api(method, path, parse_qs(parts.query)))
        except BadRequest as exc:
            self._json(HTTPStatus.BAD_REQUEST, {"error": exc.message, "field": exc.field})
        except LookupError:
            self._json(HTTPStatus.NOT_FOUND, {"error": "no such API", "field": "path"})

    def _api(self, method: str, path: str, query: dict[str, list[str]]) -> Any:
        app = self.server.app
        routes: dict[tuple[str, str], Callable[[], Any]] = {
            ("GET", "/api/state"): app.state,
            ("GET", "/api/draft"): app.drafts.load,
            ("PUT", "/api/draft"): lambda: app.drafts.save(self._body()) or {},
            ("DELETE", "/api/draft"): lambda: app.drafts.clear() or {},
            ("POST", "/api/reports"): lambda: app.submit(self._body()),
            ("POST", "/api/pending"): lambda: app.pending(self._body().get("pin")),
            ("POST", "/api/mine"): lambda: app.mine(self._body()),
            ("POST", "/api/read"): lambda: app.read(self._body()),
            ("GET", "/api/ratings"): lambda: rating.offered(app),
            ("POST", "/api/ratings"): lambda: rating.rate(app, self._body()),
        }
        if method == "GET" and path == "/api/library":
            return app.library_matches(query.get("text", [""])[0], query.get("category", [None])[0])
        if method == "GET" and path.startswith("/api/reports/"):
            return app.report_state(path.removeprefix("/api/reports/"), wait=_seconds(query.get("wait", ["0"])[0]))
        if method == "GET" and path.startswith("/api/ratings/"):
            return rating.answer(app, path.removeprefix("/api/ratings/"), wait=_seconds(query.get("wait", ["0"])[0]))
        return routes[(method, path)]()

    def _body(self) -> dict[str, Any]:
        try:
            length = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            raise BadRequest("Content-Length", "must be a number") from None
        if not 0 < length <= MAX_BODY:
            raise BadRequest("body", f"must be JSON of at most {MAX_BODY} bytes")
        try:
            body = json.loads(self.rfile.read(length))
        except (UnicodeDecodeError, ValueError):
            raise BadRequest("body", "must be JSON") from None
        if not isinstance(body, dict):
            raise BadRequest("body", "must be a JSON object")
        return body

    def _static(self, path: str) -> None:
        name = "index.html" if path == "/" else path.removeprefix("/static/")
        file = (STATIC / name).resolve()
        if file.parent != STATIC or not file.is_file():
            self._json(HTTPStatus.NOT_FOUND, {"error": "not found", "field": "path"})
            return
        data = file.read_bytes()
        kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        self._send(HTTPStatus.OK, data, f"{kind}; charset=utf-8" if kind.startswith(("text/", "application/j"))
                   else kind)

    def _json(self, status: HTTPStatus, value: Any) -> None:
        self._send(status, json.dumps(value, ensure_ascii=False).encode("utf-8"), "application/json; charset=utf-8")

    def _send(self, status: HTTPStatus, data: bytes, content_type: str) -> None:
        if self.command in ("POST", "PUT") and status != HTTPStatus.OK:
            self.close_connection = True  # the body may be unread
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in HEADERS.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)


def _seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        raise BadRequest("wait", "must be a number of seconds") from None
    if not 0 <= seconds <= 60:
        raise BadRequest("wait", "must be between 0 and 60 seconds")
    return seconds


class AppServer(ThreadingHTTPServer):
    """The HTTP server holding the app its handlers answer from."""

    daemon_threads = True

    def __init__(self, app: KioskApp, port: int) -> None:
        super().__init__(("127.0.0.1", port), Handler)
        self.app = app

    @property
    def port(self) -> int:
        """The port actually bound (a free one when 0 was asked for)."""
        return self.server_address[1]

    def shutdown_soon(self) -> None:
        """Stop ``serve_forever`` from a signal handler (which runs in its thread, so not by joining it)."""
        threading.Thread(target=self.shutdown, daemon=True).start()

    def start(self) -> threading.Thread:
        """Serve in a background thread."""
        thread = threading.Thread(target=self.serve_forever, name="kiosk-app", daemon=True)
        thread.start()
        return thread
