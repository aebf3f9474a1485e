"""Maps domain errors to HTTP answers: the field and the reason, never a 500 for bad input."""

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
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
)

logger = logging.getLogger(__name__)

STATUS = {
    NotFound: 404,
    AlreadyExists: 409,
    InvalidTransition: 409,
    NotApplicable: 409,
    PermissionDenied: 403,
    AuthenticationFailed: 401,
    InvalidInput: 422,
}


def _location(request: Request) -> str:
    return "query" if request.method in ("GET", "HEAD") else "body"


async def domain_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    status = next((code for kind, code in STATUS.items() if isinstance(exc, kind)), 400)
    if isinstance(exc, InvalidInput):
        detail = [{"loc": [_location(request), exc.field], "msg": exc.message, "type": "value_error"}]
        return JSONResponse({"detail": detail}, status_code=422)
    body: dict[str, object] = {"detail": exc.message, **exc.details}
    if exc.field:
        body["field"] = exc.field
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, headers=headers)


async def stale_data(request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse(
        {"detail": "someone else changed this hazard at the same moment; reload and try again"},
        status_code=409,
    )


async def database_busy(request: Request, exc: Exception) -> JSONResponse:
    logger.warning("database unavailable", extra={"path": request.url.path, "error": str(exc)})
    return JSONResponse(
        {"detail": "the database is busy or unreachable; nothing was changed, try again"},
        status_code=503,
        headers={"Retry-After": "2"},
    )


def install(app: FastAPI) -> None:
    """Register the handlers on the app."""
    app.add_exception_handler(DomainError, domain_error)
    app.add_exception_handler(StaleDataError, stale_data)
    app.add_exception_handler(OperationalError, database_busy)
