"""Abuse limits on the public pages: requests per client per minute, and the size of a body.

A pure ASGI middleware in front of ``/r/``, ``/t/`` and ``/points``: each client (by address) has a token
bucket for viewing and a smaller one for submitting; a POST body is read up to the limit
before the app sees it, so an oversized upload is refused with a page and never parsed. A report refused
by the limit still reaches its page, marked with the wait, so the form comes back as the miner typed it.
"""

import enum
import logging
import math

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from safety_service.config import Settings
from safety_service.i18n import Translator
from safety_service.logs import public_path
from safety_service.pages.rendering import FAMILY_PREFIX, family_brand, language, render
from safety_service.web.limits import RateLimiter

logger = logging.getLogger(__name__)

PUBLIC_PREFIXES = ("/r/", "/t/", "/t", "/points", "/f/")
MAX_CLIENTS = 50_000
FORM_OVERHEAD = 256 * 1024  # the text fields and multipart framing around a photo
REPLAY_CHUNK = 64 * 1024


class Cut(enum.Enum):
    """Why ``_read_body`` has no body to hand on."""

    too_large = "too_large"  # declared or grown past the limit
    gone = "gone"  # the sender disconnected before the end of the body


RETRY_AFTER = "retry_after"  # request.state: a refused report's wait in seconds, for the form shown again


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
            # no address nor token in the log: an anonymous reporter's phone must not be traceable
            logger.warning("rate limited", extra={"path": public_path(scope["path"]), "posting": posting})
            if not (posting and scope["path"].startswith("/r/")):
                await self._problem(scope, receive, send, headers, 429, "error.rate_limited", seconds=math.ceil(wait))
                return
            scope.setdefault("state", {})[RETRY_AFTER] = math.ceil(wait)  # the report page shows what was typed
        if posting:
            body = await self._read_body(receive, headers)
            if body is Cut.gone:
                # The sender went away mid-body: never hand the app a cut-off form as if whole (it stored
                # the part that came, under a report id of its own, and the phone then sent it again).
                logger.info("sender gone before the body arrived", extra={"client": client, "path": scope["path"]})
                return
            if body is Cut.too_large:
                await self._problem(scope, receive, send, headers, 413, "error.body_too_large",
                                    max_mb=self.max_body // (1024 * 1024))
                return
            receive = _replay(body, receive)
            del body  # the replay holds it until the parser takes it
        await self.app(scope, receive, send)

    async def _read_body(self, receive: Receive, headers: Headers) -> bytearray | Cut:
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_body:
            return Cut.too_large
        body, more = bytearray(), True  # grown in place: a list of chunks joined at the end held it twice
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return Cut.gone
            body += message.get("body", b"")
            if len(body) > self.max_body:
                return Cut.too_large
            more = message.get("more_body", False)
        return body

    async def _problem(self, scope: Scope, receive: Receive, send: Send, headers: Headers, status: int,
                       key: str, **params: object) -> None:
        t = Translator(language(headers))
        extra = {"Retry-After": str(params["seconds"])} if "seconds" in params else None
        if status == 413:
            extra = {"Connection": "close"}
        response = render("problem.html", lang=t.language, status=status, headers=extra, title=t("error.title"),
                          message=t(key, **params), brand=family_brand(t, scope["path"].startswith(FAMILY_PREFIX)))
        await response(scope, receive, send)


def _replay(body: bytearray, original: Receive) -> Receive:
    """The buffered body again in 64 KB messages, then the connection's own messages (a real disconnect).

    In small pieces, so the form parser copies a little at a time (one 10 MB message cost a second
    10 MB per upload), and the buffer is let go as soon as the last piece is handed on.
    """
    offset, done = 0, False

    async def receive() -> Message:
        nonlocal offset, done
        if done:
            return await original()
        chunk, offset = bytes(body[offset:offset + REPLAY_CHUNK]), offset + REPLAY_CHUNK
        done = offset >= len(body)
        if done:
            body.clear()
        return {"type": "http.request", "body": chunk, "more_body": not done}

    return receive
