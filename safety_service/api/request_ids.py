"""Every HTTP request gets an id, in each log line written for it and in its answer's X-Request-ID."""

import re
import secrets

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from safety_service.logs import request_id

HEADER = b"x-request-id"
# An id a proxy in front already gave the request is kept when it is plain (it goes into log lines).
_PLAIN_ID = re.compile(rb"[A-Za-z0-9._:-]{1,64}")


def incoming_id(headers: list[tuple[bytes, bytes]]) -> str | None:
    """The request's own X-Request-ID when it is plain, else None."""
    for name, value in headers:
        if name == HEADER:
            return value.decode() if _PLAIN_ID.fullmatch(value) else None
    return None


class RequestIds:
    """Pure ASGI (it runs on every request, the hazard list's included): sets ``logs.request_id`` for
    the request's task, so uvicorn's access line and every line of ours carry it, and echoes it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        current = incoming_id(scope["headers"]) or secrets.token_hex(8)
        header = (HEADER, current.encode())

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), header]
            await send(message)

        # Not reset afterwards: uvicorn runs each request in a task of its own, and Starlette's error
        # handler outside this middleware logs a crash and its 500 after this call has ended.
        request_id.set(current)
        await self.app(scope, receive, send_with_id)
