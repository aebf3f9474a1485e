"""What the API answers when it refuses: one error body, and each route's refusals in its schema.

Most refusals follow from what a route depends on (a bearer token: 401; a role guard: 403; a path
parameter: 404; any input: 422; a body: 400; the database: 503, and 507 for a write), so
``document`` works them out for every route; a route adds the ones only it gives (409, 413, 429)
with ``responses=answers(...)``.
"""

from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, Field

from safety_service.api.deps import oauth2_scheme


class FieldError(BaseModel):
    """One field at fault in a 422: where it is, and what is wrong with it."""

    model_config = ConfigDict(extra="allow")

    loc: list[str | int] = Field(description="Where the field is: `body`, `query` or `path`, then its name.",
                                 examples=[["body", "grade"]])
    msg: str = Field(description="What is wrong with it, in English.",
                     examples=["Input should be 'general' or 'major'"])
    type: str = Field(description="The kind of problem, for programs.", examples=["enum"])


class ErrorBody(BaseModel):
    """The body of every error answer: the reason, and the field at fault when there is one."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [
        {"detail": "no hazard 'YH-2026-000042'", "field": "ref"},
        {"detail": "a hazard in state 'closed' cannot be confirmed", "allowed": [], "state": "closed"},
        {"detail": [{"loc": ["body", "grade"], "msg": "Input should be 'general' or 'major'",
                     "type": "enum"}]},
    ]})

    detail: str | list[FieldError] = Field(
        description="Why the request was refused: a sentence, or for a 422 the list of fields at fault.")
    field: str | None = Field(default=None, description="The one field at fault, when a sentence names one.")


DESCRIPTIONS = {
    400: "The body could not be read (not UTF-8, or a broken form).",
    401: "No bearer token, or one that has expired or was ended (header `WWW-Authenticate: Bearer`).",
    403: "The account's role may not do this.",
    404: "What the path names does not exist, or is not this account's to see.",
    409: "The request conflicts with the current state (a workflow step out of order, a duplicate, "
         "someone else's change at the same moment).",
    422: "A field is missing or wrong: `detail` lists each field at fault.",
    429: "Too many attempts from this client or for this account; wait the seconds in `Retry-After`.",
    503: "The database is busy, unreachable or read-only; nothing was changed (`Retry-After` when worth retrying).",
    507: "The database's disk is full; nothing was changed.",
}


# What each status's body looks like (the service's own words).
EXAMPLES: dict[int, dict[str, Any]] = {
    400: {"detail": "There was an error parsing the body"},
    401: {"detail": "not signed in: send a bearer token from /api/v1/auth/token"},
    403: {"detail": "role 'miner' may not do this; needs one of: chief, officer"},
    404: {"detail": "no hazard 'YH-2026-000042'", "field": "ref"},
    409: {"detail": "a hazard in state 'closed' cannot be confirmed", "allowed": [], "state": "closed"},
    422: {"detail": [{"type": "enum", "loc": ["body", "grade"], "msg": "Input should be 'general' or 'major'",
                      "input": "minor"}]},
    429: {"detail": "too many failed sign-ins; try again in 300 s", "retry_after": 300},
    503: {"detail": "the database is busy or unreachable; nothing was changed, try again"},
    507: {"detail": "the database's disk is full; nothing was changed; tell the administrator",
          "state": "disk_full"},
}


def answers(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` of error answers, each with the error body, what it means and an example."""
    return {status: {"model": ErrorBody, "description": DESCRIPTIONS[status],
                     "content": {"application/json": {"example": EXAMPLES[status]}}} for status in statuses}


ROLE_GUARD = "role_guard"  # the attribute require_roles' guards carry


def _tree(dependant: Dependant) -> Iterator[Dependant]:
    yield dependant
    for sub in dependant.dependencies:
        yield from _tree(sub)


def refusals(route: APIRoute) -> list[int]:
    """The error answers that follow from what the route depends on."""
    tree = list(_tree(route.dependant))
    calls = [dependant.call for dependant in tree]
    in_path = any(dependant.path_params for dependant in tree)
    statuses = [503]
    if any(call is oauth2_scheme for call in calls):
        statuses.append(401)
    if any(getattr(call, ROLE_GUARD, False) for call in calls):
        statuses.append(403)
    if in_path:
        statuses.append(404)
    if in_path or any(dependant.query_params for dependant in tree) or route.body_field:
        statuses.append(422)
    if route.body_field:
        statuses.append(400)
    if (route.methods or set()) - {"GET", "HEAD"}:
        statuses.append(507)
    return sorted(statuses)


def document(router: APIRouter) -> APIRouter:
    """Give every route of the router the error answers its dependencies imply (a route's own stay)."""
    for route in router.routes:
        if isinstance(route, APIRoute):
            route.responses = {**answers(*refusals(route)), **route.responses}
    return router
