"""A console problem page (an address it does not have, a page the role may not open, a request it cannot read, a
change someone else made first) keeps the console's header for whoever is signed in: their menu, the bell with its
count and their name, so the way on is one click; a signed-out reader sees the page without them."""

import re

from fastapi.testclient import TestClient
from sqlmodel import Session

from safety_service.console import session as console_session
from safety_service.notifications import service as notifications_service
from safety_service.people.models import Person, Role
from tests.console.conftest import sign_in
from tests.people.builders import make_user

WHO = re.compile(r'id="who"[^>]*>([^<]*)<')


def _header(page: str) -> tuple[str, bool, str]:
    """The signed-in name in the header, whether the menu is there, and the unread count on the bell."""
    who = WHO.search(page)
    unread = re.search(r'id="unread">(\d+)<', page)
    return (who.group(1) if who else "", 'id="nav"' in page, unread.group(1) if unread else "")


def test_an_officers_problem_pages_keep_the_header_with_their_name_menu_and_bell(
        console: TestClient, signed_in, session: Session) -> None:
    officer, _ = signed_in(Role.officer)
    notifications_service.notify(session, users=[officer], hazard_id=None, kind="case_opened", data={})
    session.commit()
    pages = {
        "unknown": console.get("/console/nonexistent"),
        "forbidden": console.get("/console/admin/people"),
        "unreadable": console.get("/console/risks/coverage", params={"start": "2026-02-30"}),
        "unknown hazard": console.get("/console/hazards/YH-1999-999999"),
    }
    assert {name: answer.status_code for name, answer in pages.items()} == {
        "unknown": 404, "forbidden": 403, "unreadable": 422, "unknown hazard": 404}
    for name, answer in pages.items():
        assert 'id="problem"' in answer.text, name
        assert _header(answer.text) == (f"{session.get(Person, officer.person_id).name} · 安全员", True, "1"), name


def test_a_signed_out_readers_unknown_page_has_no_header(console: TestClient) -> None:
    answer = console.get("/console/nonexistent")
    assert answer.status_code == 404 and 'id="problem"' in answer.text
    assert _header(answer.text) == ("", False, "")


def test_a_forged_a_signed_out_or_a_miners_cookie_gets_the_page_without_anyones_header(
        console: TestClient, session: Session) -> None:
    """The header names only the live console account of the cookie: a forged cookie, a session signed out
    (its cookie replayed), and a miner's session see the unknown page with no name, menu or bell."""
    officer = make_user(session, role=Role.officer)
    miner = make_user(session, role=Role.miner)
    session.commit()
    console.cookies.set(console_session.COOKIE, "eyJjc3JmIjoieCIsInVpZCI6MX0.forged.sig", domain="testserver",
                        path="/console")
    forged = console.get("/console/nonexistent")
    token = sign_in(console, officer)
    replayed = console.cookies.get(console_session.COOKIE)
    assert console.post("/console/logout", data={"csrf_token": token}).status_code == 303
    console.cookies.set(console_session.COOKIE, replayed, domain="testserver", path="/console")
    signed_out = console.get("/console/nonexistent")
    sign_in(console, miner)
    miners = console.get("/console/nonexistent")
    for name, answer in (("forged", forged), ("signed out", signed_out), ("miner", miners)):
        assert answer.status_code == 404 and 'id="problem"' in answer.text, name
        assert _header(answer.text) == ("", False, ""), name
