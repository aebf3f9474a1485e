"""No page shows a message key: every event a hazard's history can hold and every console page reached
without parameters, for every role, in both languages. The suite-wide ``no_message_missing`` fixture
(tests/conftest.py) turns the catalogues' "message missing" warning into a failure besides."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlmodel import Session

import safety_service
from safety_service.clock import utc_now
from safety_service.console import views as console_views
from safety_service.feedback.scheduled import flag_overdue_steps
from safety_service.hazards.models import HazardEvent
from safety_service.hazards.states import Action, HazardState
from safety_service.people.models import Role
from tests.console.conftest import sign_in
from tests.console.test_messages import COUNSELLING_KEY
from tests.hazards.builders import make_hazard
from tests.people.builders import make_user

SOURCE = Path(safety_service.__file__).parent
RAW_KEY = re.compile(r"\b(?:console|counselling|account)\.(?!css\b|js\b)[a-z_]+(?:\.[a-z_-]+)*\b")


def _event_kinds() -> set[str]:
    """Every action a hazard event is written with: the workflow's and the literal ones in the code (``action="x"``,
    ``"action": "x"``, or a bulk writer's ``..._ACTION = "x"`` constant)."""
    literal = set()
    for source in SOURCE.rglob("*.py"):
        if "counselling" not in source.parts:
            literal |= set(re.findall(r"""\baction=["'](\w+)["']|["']action["']: ["'](\w+)["']|\b[A-Z_]*ACTION = ["'](\w+)["']""",
                                      source.read_text()))
    return {str(a) for a in Action} | {name for found in literal for name in found if name}


def test_the_event_kinds_are_found() -> None:
    assert {"reported", "escalated", "step_overdue", "deadline_warning", "urgent_escalated", "confirm",
            "verify"} <= _event_kinds()


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_every_event_kind_reads_in_the_timeline(console: TestClient, session: Session, signed_in, lang: str,
                                                settings) -> None:
    hazard = make_hazard(session, now=utc_now() - timedelta(days=30))
    flag_overdue_steps(session, now=utc_now(), settings=settings)  # a real step_overdue event
    for kind in sorted(_event_kinds()):
        session.add(HazardEvent(hazard_id=hazard.id, at=utc_now(), action=kind, data={"step": "verification"}))
    session.commit()
    signed_in(Role.officer)
    page = console.get(f"/console/hazards/{hazard.ref}", params={"lang": lang})
    assert page.status_code == 200
    assert not RAW_KEY.search(page.text), RAW_KEY.findall(page.text)
    assert ("核实定级超时未办" if lang == "zh-CN" else "Triage past its time limit") in page.text


def _plain_get_paths() -> list[str]:
    routers = [getattr(r, "original_router", None) for r in console_views.router.routes]
    routes = [route for router in routers if router is not None for route in router.routes]
    return sorted({"/console" + r.path for r in routes if isinstance(r, APIRoute) and "GET" in r.methods
                   and "{" not in r.path and r.path != "/logout"})


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_every_console_page_of_every_role_is_in_the_catalogues(console: TestClient, session: Session,
                                                              lang: str) -> None:
    for state in HazardState:
        make_hazard(session, state=state, now=utc_now() - timedelta(days=9), deadline=utc_now() - timedelta(days=2))
    users = {role: make_user(session, role=role) for role in Role}
    session.commit()
    paths = _plain_get_paths()
    assert "/console/admin/kiosks" in paths and "/console/" in paths
    for role, user in users.items():
        sign_in(console, user)
        for path in paths:
            page = console.get(path, params={"lang": lang}, follow_redirects=True)
            text = page.text if "text/html" in page.headers.get("content-type", "") else ""
            assert not RAW_KEY.search(text) and not COUNSELLING_KEY.search(text), (role, path, RAW_KEY.findall(text))
