"""Maps domain errors to HTTP answers: the field and the reason, never a 500 for bad input."""

import logging
import math

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import InternalError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from safety_service.errors import (
    AlreadyExists,
    AuthenticationFailed,
    DomainError,
    InvalidInput,
    InvalidTransition,
    NotApplicable,
    NotFound,
    PermissionDenied,
    first_match,
)
from safety_service.health import DISK_FULL, READ_ONLY, storage_fault
from safety_service.people.throttle import SignInThrottled
from safety_service.qr.images import FontMissing

logger = logging.getLogger(__name__)

STATUS = {
    NotFound: 404,
    AlreadyExists: 409,
    InvalidTransition: 409,
    NotApplicable: 409,
    PermissionDenied: 403,
    AuthenticationFailed: 401,
    InvalidInput: 422,
    SignInThrottled: 429,
}


def unreadable_field(invalid: RequestValidationError) -> tuple[str, str]:
    """Where a request's first unreadable parameter is (``path``, ``query`` or ``body``) and its name: what a
    page answering the request names (the API answers with FastAPI's list of every problem)."""
    location = [str(part) for part in invalid.errors()[0].get("loc", ())]
    where = location[0] if location and location[0] in ("path", "query") else "body"
    return where, location[1] if len(location) > 1 else where


async def unreadable_request(request: Request, exc: Exception) -> JSONResponse:
    """FastAPI's 422 with the list of every problem, each refused value as JSON can carry it (the list echoes
    them, and a body may hold ``1e309``, ``NaN`` or a lone surrogate, which JSON cannot write)."""
    assert isinstance(exc, RequestValidationError)
    return JSONResponse({"detail": _writable(jsonable_encoder(exc.errors()))}, status_code=422)


def _writable(value: object) -> object:
    """The value with infinities and NaN as their text and lone surrogates escaped."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, dict):
        return {_writable(key): _writable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_writable(item) for item in value]
    return value


def request_location(request: Request) -> str:
    """Where a request's fields are: ``query`` for a read, ``body`` for a write."""
    return "query" if request.method in ("GET", "HEAD") else "body"


async def domain_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    status = first_match(STATUS, exc, 400)
    if isinstance(exc, InvalidInput):
        detail = [{"loc": [request_location(request), p.field], "msg": p.message, "type": "value_error"}
                  for p in exc.problems]
        return JSONResponse({"detail": detail}, status_code=422)
    body: dict[str, object] = {"detail": exc.message, **exc.details}
    if exc.field:
        body["field"] = exc.field
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    if isinstance(exc, SignInThrottled):
        headers = {"Retry-After": str(exc.retry_after)}
    return JSONResponse(body, status_code=status, headers=headers)


async def stale_data(request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse(
        {"detail": "someone else changed this hazard at the same moment; reload and try again"},
        status_code=409,
    )


# A write refused for lack of room or rights will be refused again until someone acts: no Retry-After.
STORAGE_FAULTS = {
    DISK_FULL: (507, "the database's disk is full; nothing was changed; tell the administrator"),
    READ_ONLY: (503, "the database is read-only; nothing was changed; tell the administrator"),
}


async def database_busy(request: Request, exc: Exception) -> JSONResponse:
    fault = storage_fault(exc, request.app.state.engine)
    logger.warning("database unavailable", extra={"path": request.url.path, "error": str(exc), "fault": fault})
    if fault in STORAGE_FAULTS:
        status, detail = STORAGE_FAULTS[fault]
        return JSONResponse({"detail": detail, "state": fault}, status_code=status)
    return JSONResponse(
        {"detail": "the database is busy or unreachable; nothing was changed, try again"},
        status_code=503,
        headers={"Retry-After": "2"},
    )


async def database_refused(request: Request, exc: Exception) -> JSONResponse:
    """PostgreSQL's read-only refusal comes as an InternalError (SQLSTATE class 25); others stay a 500."""
    if storage_fault(exc, request.app.state.engine) in STORAGE_FAULTS:
        return await database_busy(request, exc)
    logger.error("database error", exc_info=exc, extra={"path": request.url.path})
    return JSONResponse({"detail": "internal server error"}, status_code=500)


async def font_missing(request: Request, exc: Exception) -> JSONResponse:
    """A label sheet without a Chinese font on the server: the administrator must install one."""
    logger.error("no font for the label sheet", extra={"path": request.url.path, "error": str(exc)})
    return JSONResponse({"detail": str(exc)}, status_code=503)


def install(app: FastAPI) -> None:
    """Register the handlers on the app."""
    app.add_exception_handler(DomainError, domain_error)
    app.add_exception_handler(StaleDataError, stale_data)
    app.add_exception_handler(OperationalError, database_busy)
    app.add_exception_handler(InternalError, database_refused)
    app.add_exception_handler(FontMissing, font_missing)
