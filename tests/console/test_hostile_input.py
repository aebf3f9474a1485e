"""Every page a browser reaches answers hostile input with a 4xx or the form again, never a 500.

The routes hidden from /openapi.json (the officers' console, the QR report page, tracking, points, awards,
the family pages) escape the schemathesis sweep of the API; this one sweeps them, route by route, from the
app's own route table. On the demo mine (real references, ids and signed tokens, so a request gets past the
lookups to the code that reads its input), each route is sent a fixed set of hostile requests, anonymous and
signed in as an officer, an admin, a counsellor and an owner:

- each path parameter in turn replaced by a huge, negative, non-numeric, unknown, overlong or NUL-holding value;
- each query parameter of the route's signature in turn, then every name the console reads by hand at once,
  given wrong types, empty, overlong and NUL values, and twice;
- a form post without fields, with every field of a wrong type, overlong, NUL-holding, duplicated, a text where
  a file goes, a file of junk or an empty one; every structured field plausible (dates, ids, grades, codes) and
  the free text or the numbers hostile, so the value reaches the service and the database; and with a wrong or
  no CSRF token.

A refusal of unreadable input (422) is a page, as the rest of these routes answer, never the API's JSON.

Bounded and deterministic: fixed values, one database per backend loaded once with the demo (each route's
test rolls back to it), and a time limit per request (in-process, so a slow answer fails rather than stops).
"""

import re
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from fastapi import FastAPI, params
from fastapi.dependencies.utils import get_flat_params
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, col, select

import safety_service
from safety_service import demo
from safety_service.config import Settings
from safety_service.console import actions, admin, bulletins, case_forms, kiosks, queues
from safety_service.counselling import cosupervision
from safety_service.counselling.models import CounsellingCase, FamilyLink
from safety_service.database import make_engine
from safety_service.hazards.models import Hazard
from safety_service.kiosks.models import Kiosk
from safety_service.locations.models import Location
from safety_service.main import create_app
from safety_service.people import throttle
from safety_service.people.models import User
from safety_service.qr import tokens
from safety_service.risks.models import RiskPoint
from safety_service.units.models import OrgUnit
from tests.conftest import make_settings, use_session
from tests.console.conftest import sign_in

SECONDS_PER_REQUEST = 10.0  # a hostile value must not make a page slow either
ACCOUNTS = ("officer1", "admin", "counsellor1", "owner1")  # with anonymous: every way into the console
REFUSED = {401, 403}  # the role's refusal (or a redirect to the sign-in page)
SIGN_IN, OWN_ACCOUNT = "/console/login", "/console/account"
LEFT_OUT = ("/docs", "/redoc")  # Swagger UI's and ReDoc's pages, which read no input (the API's own sweep)
IN_PATH = ("99999999999999999999", "-1", "0", "abc", "NO-SUCH-CODE", "é\x00", "9" * 400, "../views.py")
IN_QUERY = ("abc", "-1", "9" * 40, "", "x" * 1000, "a\x00b", "²", "2026-02-30")
IN_FORM = ("abc", "9" * 40, "-1", "x" * 20_000, "a\x00b", "2026-02-30T25:61")
FILE_FIELDS = ("photo", "photos", "file", "scan")
# A value of the right kind for the fields the forms read (the rest take free text): with them, a form's other
# fields pass and the hostile one reaches the service and the database (NUL, an integer column's overflow).
MOMENTS = ("deadline", "new_deadline", "stopped_at", "resumed_at", "sent_at", "listed_at", "accepted_at",
           "delisted_at", "checked_at", "behaviour_at")
DAYS = ("held_on", "signed_on", "term_to", "from", "to", "start", "end", "since", "until")
NUMBERS = ("id", "family_contact_id", "award_id", "item_id", "days", "fix_days", "amount", "points",
           "people_withdrawn", "rating", "map_x", "map_y", "library_item", "major_criterion")
PLAUSIBLE = {**dict.fromkeys(MOMENTS, "2031-05-04T08:30"), **dict.fromkeys(DAYS, "2026-01-05"),
             **dict.fromkeys(NUMBERS, "1"), "grade": "general", "passed": "true", "approved": "true",
             "confirmed": "1", "month": "2026-01", "employee_no": "1002", "owner": "owner1",
             "counsellor": "counsellor1", "location": "PH-MAIN", "location_code": "PH-MAIN", "area": "north",
             "area_code": "north", "category": "roof", "category_code": "roof", "role": "miner", "relation": "spouse"}
IN_TEXT = ("a\x00b", "x" * 20_000)
IN_NUMBER = ("9" * 40, "2147483648", "-1", "²")
# Query parameters the console and the pages read by hand from request.query_params.
HAND_READ = (*queues.FILTER_FIELDS, "page", "months", "level", "offset", "limit", "done", "applied", "next",
             "kind", "outcome", "decided", "hazard", "recorded", "employee_no", "severity", "worker", "format",
             "start", "end", "month", "partial", "lang", "case_id", "username", "since", "until", "tracking_code")
PACKAGE = Path(safety_service.__file__).parent
NAME = r'name="([a-z_0-9]+)"'
# The values a path parameter names something by (beside the demo's ids): the console's enumerated actions.
CHOICES: dict[tuple[str, str], tuple[str, ...]] = {
    ("/console/hazards/{ref}/{action}", "action"): tuple(actions.FORMS),
    ("/console/cases/{case_id}/{name}", "name"): tuple(case_forms.FORMS),
    ("/console/admin/{name}", "name"): tuple(admin.PAGES),
    ("/console/bulletins/{bulletin_id}/{change}", "change"): tuple(bulletins.CHANGES),
    ("/console/admin/people/{user_id}/{change}", "change"): ("disable", "enable", "password"),
    ("/console/admin/kiosks/{kiosk_id}/{action}", "action"): (*kiosks.CHANGES, "rotate"),
    ("/console/admin/channels/{channel_id}/{action}", "action"): ("test", "enable", "disable"),
}


@dataclass(frozen=True)
class Target:
    """One method and path, with the parameters its signature declares."""

    method: str
    path: str
    in_path: tuple[str, ...]
    in_query: tuple[str, ...]
    in_form: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def _declared(route: APIRoute, kind: type[params.Param] | type[params.Form]) -> tuple[str, ...]:
    fields = get_flat_params(route.dependant) + list(route.dependant.body_params)
    return tuple(field.alias for field in fields if isinstance(field.field_info, kind))


def _targets() -> list[Target]:
    """The routes hidden from the schema, read from an app on a throw-away database."""
    settings = make_settings(f"sqlite:///{tempfile.mkdtemp(prefix='hostile-routes-')}/routes.db")
    app = create_app(settings, make_engine(settings), run_scheduler=False, run_mqtt=False)  # never connects
    found = []
    for context in iter_route_contexts(app.routes):
        route, path = context.original_route, context.path
        if isinstance(route, APIRoute) and path and not context.include_in_schema and not path.startswith(LEFT_OUT):
            for method in sorted(route.methods - {"HEAD"}):
                found.append(Target(method, path, _declared(route, params.Path), _declared(route, params.Query),
                                    _declared(route, params.Form)))
    return found


TARGETS = _targets()


def _field_names() -> tuple[str, ...]:
    """Every field name a page's forms carry, and the fields the console's forms read."""
    names = {name for template in PACKAGE.glob("*/templates/*.html") for name in re.findall(NAME, template.read_text())}
    for spec in (*actions.FORMS.values(), *case_forms.FORMS.values(), *admin.PAGES.values()):
        names.update(spec.fields)
    return tuple(sorted(names - {"csrf_token"}))


FIELDS = _field_names()


@dataclass
class Mine:
    """The demo mine's app and client, and the accounts' signed-in cookies with their CSRF tokens."""

    app: FastAPI
    client: TestClient
    settings: Settings
    connection: Connection
    signed_in: dict[str, tuple[dict[str, str], str]]


@pytest.fixture(scope="module")
def mine(database_url: str, engine: Engine) -> Iterator[Mine]:
    """The demo mine, loaded and signed into once per backend inside a transaction rolled back at the end."""
    settings = make_settings(database_url, public_url="https://testserver", public_rate_per_minute=0,
                             report_rate_per_minute=0, console_stats_ttl_seconds=0,
                             login_max_failures=0, login_max_failures_per_address=0)  # no waits between tries
    app = create_app(settings, engine, run_scheduler=False, run_mqtt=False)
    with engine.connect() as connection, TestClient(app, base_url="https://testserver",
                                                    follow_redirects=False) as client:
        transaction = connection.begin()
        with Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False) as session:
            demo.load(session, settings=settings)
            session.commit()
            use_session(app, session)
            yield Mine(app, client, settings, connection, dict(_sign_in_all(client, session)))
        transaction.rollback()


def _sign_in_all(client: TestClient, session: Session) -> Iterator[tuple[str, tuple[dict[str, str], str]]]:
    for username in ACCOUNTS:
        user = session.exec(select(User).where(User.username == username)).one()
        csrf = sign_in(client, user, demo.DEMO_PASSWORD)
        yield username, (dict(client.cookies), csrf)
    client.cookies.clear()


@pytest.fixture(autouse=True)
def no_sign_in_delays(monkeypatch: pytest.MonkeyPatch) -> None:
    """Wrong current passwords are what the sweep sends: none waits (the throttle's tests are its own)."""
    monkeypatch.setattr(throttle, "FREE_FAILURES", 1_000_000)


@pytest.fixture
def mine_session(mine: Mine) -> Iterator[Session]:
    """A session on the demo mine, serving the app, whose changes are undone after the test."""
    savepoint = mine.connection.begin_nested()
    with Session(bind=mine.connection, join_transaction_mode="create_savepoint", expire_on_commit=False) as session:
        use_session(mine.app, session)
        yield session
    savepoint.rollback()


def _first(session: Session, column: Any) -> str:
    return str(session.exec(select(column).order_by(column)).first())


def _known(session: Session, settings: Settings) -> dict[str, str]:
    """A real value per path parameter (and per page where one name means different things)."""
    link = session.exec(select(FamilyLink).order_by(col(FamilyLink.id))).first()
    location = _first(session, Location.code)
    return {
        "ref": _first(session, Hazard.ref), "tracking_code": _first(session, Hazard.tracking_code),
        "case_id": _first(session, CounsellingCase.id), "kiosk_id": _first(session, Kiosk.kiosk_id),
        "user_id": str(session.exec(select(User.id).where(User.username == "miner2")).one()),
        "employee_no": "1001", "token": tokens.sign(tokens.keyring(settings), location),
        "/f/token": cosupervision.token(link, settings) if link else "1.1.x",
        "/console/admin/units/code": _first(session, OrgUnit.code),
        "/console/risks/map/code": _first(session, RiskPoint.code),
        "/console/behaviour/ref": str(session.exec(select(Hazard.ref).where(col(Hazard.behaviour_at).is_not(None))
                                                   .order_by(Hazard.ref)).first()),
        "code": location, "name": "console.css",
    }


def _valid(target: Target, name: str, known: dict[str, str]) -> tuple[str, ...]:
    """The real values a path parameter takes: each enumerated action, or one demo id."""
    if (target.path, name) in CHOICES:
        return CHOICES[(target.path, name)]
    prefix = target.path.split("/{")[0]
    return (known.get(f"{prefix}/{name}") or known.get(name) or "1",)


def _url(target: Target, values: dict[str, str]) -> str:
    return target.path.format(**{name: quote(value, safe="") for name, value in values.items()})


@dataclass
class Sweep:
    """Sends hostile requests as one client, keeping what failed."""

    client: TestClient
    csrf: str
    who: str
    session: Session
    failures: list[str]

    def send(self, method: str, url: str, label: str, **request: Any) -> None:
        started = time.monotonic()
        try:
            answer = self.client.request(method, url, **request)
            status = answer.status_code
        except Exception as exc:  # noqa: BLE001 - an unhandled exception is the bug this test looks for
            self.session.rollback()
            self.failures.append(f"{self.who} {method} {url[:120]} {label}: {type(exc).__name__}: {str(exc)[:300]}")
            return
        if status >= 500:
            self.failures.append(f"{self.who} {method} {url[:120]} {label}: {status}")
        if status == 422 and not answer.headers.get("content-type", "").startswith("text/html"):
            self.failures.append(f"{self.who} {method} {url[:120]} {label}: 422 as {answer.headers.get('content-type')}"
                                 f", not a page: {answer.text[:120]}")
        if time.monotonic() - started > SECONDS_PER_REQUEST:
            self.failures.append(f"{self.who} {method} {url[:120]} {label}: slower than {SECONDS_PER_REQUEST} s")

    def form(self, fields: dict[str, Any] | None = None, *, token: str | None = None) -> dict[str, Any]:
        """A form body with the session's CSRF token (or the given one; "-" for none) added."""
        token = self.csrf if token is None else token
        return {"data": {**(fields or {}), **({"csrf_token": token} if token != "-" else {})}}


def _path_variants(sweep: Sweep, target: Target, base: dict[str, str]) -> None:
    for name in target.in_path:
        for value in IN_PATH:
            body = sweep.form() if target.method == "POST" else {}
            sweep.send(target.method, _url(target, {**base, name: value}), f"{name}={value[:20]!r}", **body)


def _query_variants(sweep: Sweep, target: Target, url: str) -> None:
    for value in IN_QUERY:
        for name in target.in_query:
            sweep.send(target.method, url, f"?{name}={value[:20]!r}", params={name: value})
        sweep.send(target.method, url, f"?(every name)={value[:20]!r}", params=dict.fromkeys(HAND_READ, value))
    sweep.send(target.method, url, "?(every name twice)", params=[(name, v) for name in HAND_READ for v in ("1", "x")])


def _form_variants(sweep: Sweep, target: Target, url: str) -> None:
    sweep.send("POST", url, "wrong CSRF", **sweep.form({"note": "x"}, token="not-the-token"))
    sweep.send("POST", url, "no CSRF", **sweep.form({"note": "x"}, token="-"))
    sweep.send("POST", url, "no fields", **sweep.form())
    for value in IN_FORM:
        for name in target.in_form:
            sweep.send("POST", url, f"{name}={value[:20]!r}", **sweep.form({name: value}))
        sweep.send("POST", url, f"(every field)={value[:20]!r}", **sweep.form(dict.fromkeys(FIELDS, value)))
    sweep.send("POST", url, "(every field twice)", **sweep.form({name: ["1", "x"] for name in FIELDS}))
    _plausible_variants(sweep, url)
    junk = {name: (f"{name}.jpg", b"\x00not an image", "image/jpeg") for name in FILE_FIELDS}
    sweep.send("POST", url, "(junk files)", files=junk, **sweep.form(dict.fromkeys(FIELDS, "1")))
    plausible = {name: PLAUSIBLE.get(name, "x") for name in FIELDS}
    sweep.send("POST", url, "(plausible, junk files)", files=junk, **sweep.form(plausible))
    empty = {name: (f"{name}.jpg", b"", "image/jpeg") for name in FILE_FIELDS}
    sweep.send("POST", url, "(plausible, empty files)", files=empty, **sweep.form(plausible))


def _plausible_variants(sweep: Sweep, url: str) -> None:
    """Every field of the right kind but the free text (or the numbers), which is hostile."""
    plausible = {name: PLAUSIBLE.get(name, "x") for name in FIELDS}
    sweep.send("POST", url, "(plausible)", **sweep.form(plausible))
    for value in IN_TEXT:
        texts = {name: value for name in FIELDS if name not in PLAUSIBLE}
        sweep.send("POST", url, f"(plausible, text)={value[:20]!r}", **sweep.form({**plausible, **texts}))
    for value in IN_NUMBER:
        sweep.send("POST", url, f"(plausible, numbers)={value[:20]!r}",
                   **sweep.form({**plausible, **dict.fromkeys(NUMBERS, value)}))


def _sweep(sweep: Sweep, target: Target, known: dict[str, str]) -> None:
    """Every variant of the target, the path ones first (with a real value in each other parameter)."""
    choices = [_valid(target, name, known) for name in target.in_path]
    bases = [dict(zip(target.in_path, values, strict=True)) for values in _product(choices)]
    _path_variants(sweep, target, bases[0])
    for base in bases:
        url = _url(target, base)
        _query_variants(sweep, target, url) if target.method == "GET" else _form_variants(sweep, target, url)


def _product(choices: list[tuple[str, ...]]) -> Iterator[tuple[str, ...]]:
    if not choices:
        yield ()
        return
    for first in choices[0]:
        for rest in _product(choices[1:]):
            yield (first, *rest)


def _as(mine: Mine, who: str) -> str:
    """Make the client anonymous or the account; returns its CSRF token."""
    mine.client.cookies.clear()
    cookies, csrf = mine.signed_in.get(who, ({}, ""))
    mine.client.cookies.update(cookies)
    return csrf


def _admitted(sweep: Sweep, target: Target, known: dict[str, str]) -> bool:
    """Whether the route lets the account in (a well-formed request, no fields): only then is its input read."""
    values = {name: _valid(target, name, known)[0] for name in target.in_path}
    answer = sweep.client.request(target.method, _url(target, values), **sweep.form())
    return answer.status_code not in REFUSED and not answer.headers.get("location", "").startswith(SIGN_IN)


def _accounts(target: Target) -> tuple[str, ...]:
    """One's own account pages read the same input whatever the role (and check a password, slowly): the
    officer's alone."""
    return ACCOUNTS[:1] if target.path.startswith(OWN_ACCOUNT) else ACCOUNTS


@pytest.mark.parametrize("target", TARGETS, ids=str)
def test_no_hostile_request_is_a_server_error(target: Target, mine: Mine, mine_session: Session) -> None:
    known, failures = _known(mine_session, mine.settings), []
    console = target.path.startswith("/console/") and target.path != SIGN_IN
    for who in ("anonymous", *_accounts(target)) if console else ("anonymous",):
        sweep = Sweep(mine.client, _as(mine, who), who, mine_session, failures)
        if who == "anonymous" or _admitted(sweep, target, known):
            _sweep(sweep, target, known)
    assert not failures, "\n".join(failures[:40])
