"""Logging set-up: readable text by default, or one JSON object a line for a log collector
(``SAFETY_LOG_FORMAT=json``). Either way a line carries the time with its UTC offset, the
structured ``extra=`` fields and the id of the request it was written for; uvicorn's lines go the
same way (``serve`` leaves logging to this module)."""

import json
import logging
from contextvars import ContextVar
from datetime import datetime
from zoneinfo import ZoneInfo

_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "color_message"}
# Libraries that talk at INFO about their own workings (the embedded broker's state machine wrote
# 33 lines at each start): warnings only, unless SAFETY_LOG_LEVEL=DEBUG asks for everything.
CHATTY_LIBRARIES = ("transitions", "amqtt", "alembic")
UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi")
# uvicorn's access line is '%s - "%s %s HTTP/%s" %d' with these arguments.
ACCESS_FIELDS = ("client", "method", "path", "http_version", "status")

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)


def extra_fields(record: logging.LogRecord) -> dict[str, object]:
    """The fields a record was given with ``extra=`` (and the request id)."""
    return {k: v for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_")}


class RequestIdFilter(logging.Filter):
    """Stamps a record with the id of the HTTP request being served, if any."""

    def filter(self, record: logging.LogRecord) -> bool:
        current = request_id.get()
        if current is not None and not hasattr(record, "request_id"):
            record.request_id = current
        return True


class LocalTimeFormatter(logging.Formatter):
    """Times as ISO 8601 in the mine's time zone with the offset: ``2026-03-01T08:00:00.123+08:00``."""

    def __init__(self, fmt: str | None = None, *, timezone: str = "UTC") -> None:
        super().__init__(fmt)
        self.zone = ZoneInfo(timezone)

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return datetime.fromtimestamp(record.created, self.zone).isoformat(timespec="milliseconds")


class KeyValueFormatter(LocalTimeFormatter):
    """Appends a record's extra fields, so ``logger.info("x", extra={"ref": r})`` shows ``ref=...``."""

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        extras = extra_fields(record)
        if extras:
            line += " " + " ".join(f"{k}={v}" for k, v in sorted(extras.items()))
        return line


class JsonFormatter(LocalTimeFormatter):
    """One JSON object a line: time, level, logger, message, the extra fields and the request id;
    uvicorn's access lines also as their parts (client, method, path, status)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {"time": self.formatTime(record), "level": record.levelname,
                                    "logger": record.name, "message": record.getMessage()}
        if record.name == "uvicorn.access" and isinstance(record.args, tuple) and len(record.args) == 5:
            entry.update(zip(ACCESS_FIELDS, record.args, strict=True))
        entry.update(extra_fields(record))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure(level: str, *, fmt: str = "text", timezone: str = "UTC") -> None:
    """Log to stderr at this level, as text or JSON lines (uvicorn's loggers included)."""
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    if fmt == "json":
        handler.setFormatter(JsonFormatter(timezone=timezone))
    else:
        handler.setFormatter(KeyValueFormatter("%(asctime)s %(levelname)s %(name)s %(message)s", timezone=timezone))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in UVICORN_LOGGERS:
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True
    for name in CHATTY_LIBRARIES:
        logging.getLogger(name).setLevel(root.level if root.level <= logging.DEBUG else logging.WARNING)
    logging.getLogger("uvicorn.access").addFilter(PUBLIC_ACCESS)


def public_path(path: str) -> str | None:
    """A public page's path with its QR token, tracking code or family link and query left out; None for others."""
    path = path.split("?", 1)[0]
    for prefix in ("/r/", "/t/", "/f/"):
        if path.startswith(prefix):
            return prefix + "-"
    return path if path in ("/t", "/points") or path.startswith("/points/") else None


class PublicAccessFilter(logging.Filter):
    """Uvicorn's access lines for the public pages without the client's address, token or tracking code.

    An anonymous report must not be traceable to a phone by its address and time, and a tracking code in a
    log could claim the report's points; every other path is logged as uvicorn writes it.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and len(record.args) == 5:
            _client, method, path, version, status = record.args
            public = public_path(str(path))
            if public is not None:
                record.args = ("-", method, public, version, status)
        return True


PUBLIC_ACCESS = PublicAccessFilter()
