"""The queues: what each role has to act on, filtered, sorted and paged, refreshed by a light poll."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from sqlmodel import Session, col, select
from starlette.responses import RedirectResponse, Response

from safety_service.api.deps import SessionDep, SettingsDep
from safety_service.clock import utc_now
from safety_service.console import forms, names
from safety_service.console.deps import HOMES, ConsoleRefusal, ConsoleRoute, ConsoleUser
from safety_service.console.rendering import duration, render, translator
from safety_service.errors import InvalidInput
from safety_service.hazards import listing, queries
from safety_service.hazards import urgent as hazards_urgent
from safety_service.hazards.schemas import SORTS, HazardFilters, StepLimits
from safety_service.hazards.states import Grade, HazardState
from safety_service.locations import service as locations_service
from safety_service.people import service as people_service
from safety_service.people.models import OFFICER_ROLES, Role, User
from safety_service.photos import service as photos_service
from safety_service.units import service as units_service
from safety_service.units.models import OrgUnit, UnitKind
from safety_service.validation import whole_number

router = APIRouter(route_class=ConsoleRoute)
# The furthest page of a queue that may be asked for.
MAX_PAGE = 400
FILTER_FIELDS = ("state", "grade", "category", "location", "area", "owner", "unit", "from", "to", "q", "sort")


@dataclass(frozen=True)
class Queue:
    """One tab: its fixed filters and the roles that work it."""

    name: str
    filters: dict[str, Any]
    roles: frozenset[Role]
    sort: str | None = None


_STAFF = frozenset({*OFFICER_ROLES, Role.admin, Role.dispatcher})
QUEUES = {q.name: q for q in (
    Queue("major", {"grade": Grade.major, "open": True}, _STAFF, "deadline"),
    Queue("overdue", {"overdue": True}, _STAFF, "deadline"),
    Queue("triage", {"state": [HazardState.reported]}, _STAFF),
    Queue("assign", {"state": [HazardState.confirmed]}, _STAFF),
    Queue("rectifying", {"state": [HazardState.rectifying]}, _STAFF, "deadline"),
    Queue("verification", {"state": [HazardState.awaiting_verification]}, _STAFF),
    Queue("all", {}, _STAFF),
    Queue("mine", {"open": True}, frozenset({Role.owner}), "deadline"),
    # A unit leader (区队长/科长) also works what is assigned to the unit and the units under it.
    Queue("unit", {"open": True}, frozenset({Role.owner}), "deadline"),
)}
# The chief sees major hazards and escalations first; an owner only the hazards assigned to them.
ORDER = {Role.chief: ("major", "overdue", "triage", "assign", "rectifying", "verification", "all"),
         Role.officer: ("triage", "assign", "rectifying", "verification", "overdue", "major", "all"),
         Role.admin: ("all", "triage", "assign", "rectifying", "verification", "overdue", "major"),
         Role.owner: ("mine", "unit"),
         Role.dispatcher: ("triage", "all")}


def tabs_for(session: Session, user: User) -> tuple[str, ...]:
    """The queues this account works, the first one its home (the unit's only for a unit's leader)."""
    tabs = ORDER[Role(user.role)]
    return tabs if "unit" not in tabs or led_unit(session, user) else tuple(t for t in tabs if t != "unit")


def led_unit(session: Session, user: User) -> OrgUnit | None:
    """The highest active unit this account leads, if any."""
    led = session.exec(select(OrgUnit).where(OrgUnit.leader_id == user.id, col(OrgUnit.active))).all()
    return min(led, key=lambda unit: (list(UnitKind).index(UnitKind(unit.kind)), unit.code), default=None)


def _owner_filters(session: Session, user: User, queue: Queue) -> dict[str, str]:
    """An owner's tab: what is assigned to them, or to the unit they lead (and the units under it)."""
    if user.role != Role.owner:
        return {}
    unit = led_unit(session, user) if queue.name == "unit" else None
    return {"unit": unit.code} if unit else {"owner": user.username}


def _queue(session: Session, user: User, name: str | None) -> Queue:
    tabs = tabs_for(session, user)
    queue = QUEUES.get(name or tabs[0])
    if queue is None or queue.name not in tabs:
        raise ConsoleRefusal("forbidden", 403)
    return queue


def _filters(session: Session, request: Request, queue: Queue, user: User, page: int,
             size: int) -> tuple[Any, dict[str, str], dict[str, Any]]:
    typed = forms.fields(request.query_params, FILTER_FIELDS)
    tz = request.app.state.settings.timezone
    values: dict[str, Any] = {k: typed[k] for k in ("grade", "category", "location", "area", "owner", "unit", "q",
                                                    "sort")}
    location_error = {}
    if typed["location"]:  # a location picked by its name or its code
        found = locations_service.find_location(session, text=typed["location"])
        values["location"] = found.code if found else ""
        location_error = {} if found else {"location": translator(request)("console.error.unknown_location")}
    values["state"] = [typed["state"]] if typed["state"] else []
    values["reported_from"] = forms.local_day(typed["from"], tz) if typed["from"] else ""
    values["reported_to"] = forms.local_day(typed["to"], tz, end=True) if typed["to"] else ""
    values.update(queue.filters, limit=size, offset=(page - 1) * size)
    values["sort"] = values["sort"] or queue.sort
    values.update(_owner_filters(session, user, queue))
    built, errors = forms.build(HazardFilters, values, translator(request))
    errors = {{"reported_from": "from", "reported_to": "to"}.get(k, k): v for k, v in errors.items()}
    errors.update(location_error)
    return (None if errors else built), errors, typed


def page_number(request: Request) -> int:
    """The page asked for; the first when missing, not a number, or past the 400th."""
    return max(1, whole_number(request.query_params.get("page"), high=MAX_PAGE) or 1)


def _rows(page: dict[str, Any], t: Any, now: datetime) -> list[dict[str, Any]]:
    for row in page["data"]:
        if row["late_step"]:
            row["late_for"] = duration(t, now - row["late_since"])
    rows: list[dict[str, Any]] = page["data"]
    return rows


def _category_names(session: Session, t: Any) -> dict[str, str]:
    return {c.code: c.name_en if t.language == "en" and c.name_en else c.name_zh
            for c in locations_service.list_categories(session)}


def _choices(session: Session) -> dict[str, Any]:
    owners = people_service.active_users_with_roles(session, roles=(Role.owner, *OFFICER_ROLES))
    return {"categories": locations_service.list_categories(session),
            "areas": locations_service.list_areas(session),
            "locations": [location for location, _ in locations_service.list_locations(session) if location.active],
            "owners": names.choices(session, owners), "states": list(HazardState), "grades": list(Grade),
            "sorts": SORTS, "units": units_service.in_tree_order(session)}


def _search(session: Session, request: Request, user: User, queue: Queue, size: int) -> dict[str, Any]:
    number = page_number(request)
    limits = StepLimits.of(request.app.state.settings)
    filters, errors, typed = _filters(session, request, queue, user, number, size)
    page: dict[str, Any] = {"data": [], "count": 0, "count_capped": False}
    if filters is not None:
        try:
            page = listing.list_hazards(session, filters=filters, user=user, now=utc_now(), limits=limits)
        except InvalidInput as exc:
            errors.update(forms.domain_error(translator(request), exc))
    rows = _rows(page, translator(request), utc_now())
    unit = typed["unit"] if typed["unit"] and "unit" not in errors else None  # the unit the figures are cut by
    if queue.name == "overdue":
        page["late_counts"] = queries.late_counts(session, now=utc_now(), limits=limits, unit=unit)
    return {"rows": rows, "names": names.of(session, (row["owner"] for row in rows)), "page": page,
            "with_photos": photos_service.refs_with_photos(session, refs=[row["ref"] for row in rows]),
            "category_names": _category_names(session, translator(request)), "number": number, "errors": errors,
            "typed": typed, "size": size, "unit": unit,
            "last": max(1, -(-page["count"] // size))}


def _tab_counts(session: Session, user: User, limits: StepLimits, unit: str | None = None) -> dict[str, str]:
    """How many hazards each of this account's tabs holds, as shown on the tab ("10,000+" when capped), about
    the chosen unit when one is."""
    counts = {}
    for name in tabs_for(session, user):
        queue = QUEUES[name]
        cut = {"unit": unit} if unit else {}
        cut.update(_owner_filters(session, user, queue))
        filters = HazardFilters.model_validate({**queue.filters, **cut})
        found = listing.count_hazards(session, filters=filters, user=user, now=utc_now(), limits=limits)
        counts[name] = f"{found['count_limit']:,}+" if found["count_capped"] else str(found["count"])
    return counts


@router.get("/")
def queue_page(request: Request, session: SessionDep, settings: SettingsDep, user: ConsoleUser) -> Response:
    """A queue with its filters; ``partial=1`` answers only the list (the page polls it)."""
    if user.role in HOMES:
        return RedirectResponse(HOMES[Role(user.role)], status_code=303)
    queue = _queue(session, user, request.query_params.get("queue"))
    found = _search(session, request, user, queue, settings.console_page_size)
    template = "queue_rows.html" if request.query_params.get("partial") == "1" else "queue.html"
    context = {} if template == "queue_rows.html" else _choices(session)
    status = 422 if found["errors"] else 200
    counts = _tab_counts(session, user, StepLimits.of(settings), found["unit"])
    if template == "queue.html" and user.role != Role.owner:
        context["urgent_hazards"] = hazards_urgent.open_urgent(session)
    return render(request, template, status=status, user=user, queue=queue.name, tabs=tabs_for(session, user),
                  tab_counts=counts, **found, **context)
