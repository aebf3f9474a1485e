"""Every console page speaks both languages from the catalogues: no message key shows through."""

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from safety_service import i18n
from safety_service.counselling.states import Action, CaseState, Relation, SessionKind, ViolationKind
from safety_service.hazards.states import HazardState
from safety_service.people.models import Person, Role
from tests.counselling.builders import make_case
from tests.hazards.builders import make_hazard
from tests.people.builders import make_person

RAW_KEY = re.compile(r"console\.[a-z_]+\.[a-z_.-]+")
CONSOLE = Path(i18n.__file__).parent.parent / "console"


def test_every_literal_key_of_the_console_exists() -> None:
    used = set()
    for source in [*CONSOLE.glob("*.py"), *CONSOLE.glob("templates/*.html")]:
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_.]+)["']\s*[,)]""", source.read_text()))
    assert used and used <= set(i18n.CATALOGUES["zh-CN"]) and used <= set(i18n.CATALOGUES["en"])


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_no_page_shows_a_message_key(console: TestClient, session: Session, signed_in, lang: str) -> None:
    hazards = [make_hazard(session, state=state) for state in (HazardState.reported, HazardState.confirmed,
                                                               HazardState.awaiting_verification, HazardState.closed)]
    session.commit()
    signed_in(Role.officer)
    paths = ["/console/", "/console/?queue=all", "/console/stats", "/console/ledger",
             *(f"/console/hazards/{h.ref}" for h in hazards)]
    for path in paths:
        page = console.get(path, params={"lang": lang})
        assert page.status_code == 200 and not RAW_KEY.search(page.text), (path, RAW_KEY.findall(page.text))
    signed_in(Role.admin)
    for section in ("people", "locations", "categories"):
        page = console.get(f"/console/admin/{section}", params={"lang": lang})
        assert page.status_code == 200 and not RAW_KEY.search(page.text), section


COUNSELLING_KEY = re.compile(r"(?:console|counselling)\.[a-z_]+\.[a-z_.-]+")


def test_every_state_kind_relation_session_and_event_of_a_case_has_a_message() -> None:
    keys = {f"counselling.state.{s}" for s in CaseState} | {f"counselling.kind.{k}" for k in ViolationKind}
    keys |= {f"counselling.relation.{r}" for r in Relation} | {f"counselling.session.{k}" for k in SessionKind}
    events = {"opened", "violation_added", "session_recorded", "agreement_recorded", "agreement_updated",
              "agreement_scan_attached", "review_due", "session_due", "family_consent_withdrawn", *Action}
    keys |= {f"counselling.event.{e}" for e in events}
    assert keys <= set(i18n.CATALOGUES["zh-CN"]) and keys <= set(i18n.CATALOGUES["en"])


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_no_counselling_page_shows_a_message_key(console: TestClient, session: Session, signed_in,
                                                 lang: str) -> None:
    cases = [make_case(session, state=state, person=make_person(session, name=f"职工{i}"))
             for i, state in enumerate(CaseState)]
    worker = session.get(Person, cases[0].person_id)
    signed_in(Role.admin)
    paths = ["/console/cases", "/console/counselling/figures", "/console/violations", "/console/violations/new",
             f"/console/workers/{worker.employee_no}/violations", *(f"/console/cases/{c.id}" for c in cases)]
    for path in paths:
        page = console.get(path, params={"lang": lang})
        assert page.status_code == 200 and not COUNSELLING_KEY.search(page.text), (
            path, COUNSELLING_KEY.findall(page.text))
