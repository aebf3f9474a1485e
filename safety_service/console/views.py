"""The console at ``/console/`` (every role but miners): one router gathering the pages, and its static files."""

from pathlib import Path

from fastapi import APIRouter
from starlette.responses import FileResponse, Response

from safety_service.console import (
    access_log,
    accounts,
    admin,
    auth,
    awards,
    behaviour,
    bulletins,
    case_figures,
    cases,
    channels,
    detail,
    inbox,
    kiosks,
    leads,
    ledger,
    library_admin,
    queues,
    rewards,
    risks,
    rounds,
    scorecard,
    stats,
    supervisors,
    units_admin,
    urgent,
    violations,
)
from safety_service.console.deps import ConsoleRefusal, ConsoleRoute

STATIC = Path(__file__).parent / "static"
_FILES = {"console.css": "text/css", "console.js": "text/javascript", "risks.css": "text/css",
          "rounds.js": "text/javascript"}
router = APIRouter(prefix="/console", include_in_schema=False, route_class=ConsoleRoute)
for module in (auth, accounts, queues, inbox, urgent, channels, detail, stats, scorecard, ledger, kiosks, units_admin,
               library_admin, leads, admin, bulletins, supervisors, rewards, awards, violations, cases, case_figures, risks,
               rounds, access_log, behaviour):
    router.include_router(module.router)


@router.get("/static/{name}")
def static_file(name: str) -> Response:
    """The console's stylesheet and script, shipped with the package (no CDN)."""
    if name not in _FILES:
        raise ConsoleRefusal("not_found", 404)
    return FileResponse(STATIC / name, media_type=_FILES[name], headers={"Cache-Control": "public, max-age=3600"})
