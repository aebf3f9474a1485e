"""Abuse limits on the public pages: requests per client per minute, and the size of a body.

A pure ASGI middleware in front of ``/r/``, ``/t/`` and ``/points``: each client (by address) has a token
bucket for viewing and a smaller one for submitting; a POST body is read up to the limit
before the app sees it, so an oversized upload is refused with a page and never parsed.
"""

import logging
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from safety_service.config import Settings
from safety_service.i18n import Translator
from safety_service.pages.rendering import language, render

logger = logging.getLogger(__name__)

PUBLIC_PREFIXES = ("/r/", "/t/", "/t", "/points")
MAX_CLIENTS = 50_000
FORM_OVERHEAD = 256 * 1024  # the text fields and multipart framing around a photo


class RateLimiter:
    """Token buckets per key: ``rate_per_minute`` requests a minute, bursts up to the same number."""

    def __init__(self, rate_per_minute: int, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity, self.per_second, self.clock = float(rate_per_minute), rate_per_minute / 60.0, clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def acquire(self, key: str) -> float:
        """0 when the request may go ahead, else the seconds until it may (nothing is taken then)."""
        if self.capacity <= 0:
            return 0.0
        with self._lock:
            now = self.clock()
            tokens, last = self._buckets.pop(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.per_second)
            wait = 0.0 if tokens >= 1 else (1 - tokens) / self.per_second
            self._buckets[key] = (tokens - 1 if wait == 0 else tokens, now)
            while len(self._buckets) > MAX_CLIENTS:
                self._buckets.popitem(last=False)  # the least recently seen client
            return wait


class PublicLimits:
    """Rate and body-size limits for the public report and tracking pages."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app, self.max_body = app, settings.photo_max_bytes + FORM_OVERHEAD
        self.views = RateLimiter(settings.public_rate_per_minute)
        self.reports = RateLimiter(settings.report_rate_per_minute)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(PUBLIC_PREFIXES):
            await self.app(scope, receive, send)
            return
        headers, posting = Headers(scope=scope), scope["method"] == "POST"
        client = (scope.get("client") or ("unknown", 0))[0]
        wait = (self.reports if posting else self.views).acquire(client)
        if wait > 0:
            logger.warning("rate limited", extra={"client": client, "path": scope["path"], "posting": posting})
            seconds = math.ceil(wait)
            await self._problem(scope, receive, send, headers, 429, "error.rate_limited", seconds=seconds)
            return
        if posting:
            body = await self._read_body(receive, headers)
            if body is None:
                await self._problem(scope, receive, send, headers, 413, "error.body_too_large",
                                    max_mb=self.max_body // (1024 * 1024))
                return
            receive = _replay(body, receive)
        await self.app(scope, receive, send)

    async def _read_body(self, receive: Receive, headers: Headers) -> bytes | None:
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_body:
            return None
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                return None
            chunks.append(chunk)
            more = message.get("more_body", False)
        return b"".join(chunks)

    async def _problem(self, scope: Scope, receive: Receive, send: Send, headers: Headers, status: int,
                       key: str, **params: object) -> None:
        t = Translator(language(headers))
        extra = {"Retry-After": str(params["seconds"])} if "seconds" in params else None
        if status == 413:
            extra = {"Connection": "close"}
        response = render("problem.html", lang=t.language, status=status, headers=extra,
                          title=t("error.title"), message=t(key, **params))
        await response(scope, receive, send)


def _replay(body: bytes, original: Receive) -> Receive:
    """The buffered body once, then the connection's own messages (a real disconnect)."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return await original()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive
