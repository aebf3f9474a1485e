"""Signing in to the console: the cookie, CSRF on every form, who may enter."""

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from safety_service.config import Settings
from safety_service.console import session as console_session
from safety_service.main import create_app
from safety_service.people.models import Role
from tests.conftest import use_session
from tests.console.conftest import csrf_of, sign_in
from tests.people.builders import PASSWORD, make_user


def test_an_anonymous_visitor_is_sent_to_the_sign_in_page(console: TestClient) -> None:
    answer = console.get("/console/?queue=triage")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/console/login?next=/console/%3Fqueue%3Dtriage"


def test_signing_in_sets_a_secure_http_only_same_site_cookie(console: TestClient, session: Session) -> None:
    officer = make_user(session, role=Role.officer)
    session.commit()
    token = csrf_of(console.get("/console/login").text)
    answer = console.post("/console/login", data={"username": officer.username, "password": "correct-horse-battery",
                                                  "csrf_token": token, "next": "/console/?queue=overdue"})
    assert answer.status_code == 303 and answer.headers["location"] == "/console/?queue=overdue"
    cookie = answer.headers["set-cookie"].lower()
    assert all(part in cookie for part in ("httponly", "secure", "samesite=lax", "path=/console"))
    page = console.get("/console/")
    assert page.status_code == 200 and officer.username in page.text
    assert csrf_of(page.text) != token  # a new token at sign-in


def test_on_plain_http_in_a_mines_lan_signing_in_works(console_settings: Settings, engine: Engine,
                                                         session: Session) -> None:
    """A first install at http://<the server's LAN address>: a Secure cookie would never come back."""
    settings = console_settings.model_copy(update={"public_url": "http://safety.mine.lan:8000"})
    app = create_app(settings, engine, run_scheduler=False, run_mqtt=False)
    use_session(app, session)
    officer = make_user(session, role=Role.officer)
    session.commit()
    with TestClient(app, base_url="http://safety.mine.lan:8000", follow_redirects=False) as browser:
        token = csrf_of(browser.get("/console/login").text)
        answer = browser.post("/console/login", data={"username": officer.username, "password": PASSWORD,
                                                      "csrf_token": token, "next": "/console/"})
        assert answer.status_code == 303 and "secure" not in answer.headers["set-cookie"].lower()
        page = browser.get("/console/")
        assert page.status_code == 200 and officer.username in page.text


def test_a_wrong_password_shows_the_form_again_with_the_reason(console: TestClient, session: Session) -> None:
    officer = make_user(session, role=Role.officer)
    session.commit()
    token = csrf_of(console.get("/console/login").text)
    answer = console.post("/console/login", data={"username": officer.username, "password": "wrong-password",
                                                  "csrf_token": token})
    assert answer.status_code == 401 and "用户名或密码错误" in answer.text and console_session.COOKIE in console.cookies
    assert console.get("/console/").status_code == 303


def test_a_form_without_the_csrf_token_is_refused(console: TestClient, session: Session) -> None:
    officer = make_user(session, role=Role.officer)
    session.commit()
    console.get("/console/login")
    answer = console.post("/console/login", data={"username": officer.username, "password": "correct-horse-battery"})
    assert answer.status_code == 403 and "表单已过期" in answer.text
    sign_in(console, officer)
    assert console.post("/console/logout", data={"csrf_token": "forged"}).status_code == 403
    assert console.get("/console/").status_code == 200


def test_a_forged_cookie_is_not_a_session(console: TestClient) -> None:
    console.cookies.set(console_session.COOKIE, "eyJjc3JmIjoieCIsInVpZCI6MX0.forged.sig", domain="testserver",
                        path="/console")
    assert console.get("/console/").status_code == 303


def test_signing_out_ends_the_session(console: TestClient, session: Session) -> None:
    owner = make_user(session, role=Role.owner)
    session.commit()
    token = sign_in(console, owner)
    assert console.post("/console/logout", data={"csrf_token": token}).status_code == 303
    assert console.get("/console/").status_code == 303


def test_miners_may_not_use_the_console(console: TestClient, session: Session) -> None:
    miner = make_user(session, role=Role.miner)
    session.commit()
    assert _sign_in_status(console, miner) == 403


def test_counsellors_and_supervisors_land_on_their_own_pages(console: TestClient, session: Session) -> None:
    for role, home in ((Role.counsellor, "/console/cases"), (Role.supervisor, "/console/violations/new")):
        user = make_user(session, role=role)
        session.commit()
        assert _sign_in_status(console, user) == 303, role
        assert console.get("/console/").headers["location"] == home
        assert console.get(home).status_code == 200


def _sign_in_status(console: TestClient, user) -> int:
    console.cookies.clear()
    token = csrf_of(console.get("/console/login").text)
    console.post("/console/login", data={"username": user.username, "password": "correct-horse-battery",
                                         "csrf_token": token})
    return console.get("/console/").status_code


def test_the_sign_in_page_is_chinese_first_and_english_on_request(console: TestClient) -> None:
    assert "登录" in console.get("/console/login").text
    assert "Sign in" in console.get("/console/login?lang=en").text
    assert "Sign in" in console.get("/console/login", headers={"Accept-Language": "en-GB"}).text
