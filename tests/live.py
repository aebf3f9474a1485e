"""The real app under uvicorn on a loopback port, and a throw-away database for it, for the tests
that go through a real socket (browsers, many concurrent clients)."""

import contextlib
import http.client
import os
import socket
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import uvicorn
from fastapi import FastAPI
from playwright.sync_api import Browser, Page, expect, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from sqlalchemy.engine import Engine

from safety_service import migrate
from safety_service.config import Settings
from safety_service.database import make_engine
from safety_service.main import create_app
from tests.conftest import admin_conninfo, create_pg_database, drop_pg_database, make_settings
from tests.people.builders import PASSWORD

CHROMIUM = "/usr/bin/chromium"  # Debian's package, installed by `make services`
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
WARM_UP_SECONDS = 90  # a fresh server's or browser's first answer on a loaded machine (CI: over 30 s, twice)
DOCS_SCREENSHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"


@contextmanager
def serving(app: FastAPI, port: int, listening: socket.socket | None = None) -> Iterator[None]:
    """The app served on 127.0.0.1:port by uvicorn in a thread, until the block ends; on ``listening`` when
    given (a socket bound to that port ahead, so no other test's server takes the port meanwhile)."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    sockets = None if listening is None else [listening]
    thread = threading.Thread(target=server.run, kwargs={"sockets": sockets}, daemon=True)
    thread.start()
    deadline = time.monotonic() + WARM_UP_SECONDS  # CI once took over 20 s to start it on a loaded machine
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start" if thread.is_alive() else "uvicorn stopped while starting"
    _first_answer(port)
    try:
        yield
    finally:
        server.should_exit = True
        thread.join(10)


def _first_answer(port: int) -> None:
    """One request through the socket before any browser comes: a fresh server's first answer (its first database
    connection, its worker threads) is paid here, where a loaded machine's wait shows as the server's own."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=WARM_UP_SECONDS)
    started = time.monotonic()
    try:
        connection.request("GET", "/readyz")  # touches the database; its status (MQTT may be off) does not matter
        connection.getresponse().read()
    except OSError as exc:
        raise AssertionError(f"the fresh server gave no answer in {time.monotonic() - started:.0f} s: {exc}") from exc
    finally:
        connection.close()


@contextmanager
def fresh_database(settings: Settings, folder: Path) -> Iterator[str]:
    """A new, empty database of the run's backend (a file in ``folder`` or a PostgreSQL database)."""
    url = f"sqlite:///{folder / 'live.db'}" if settings.is_sqlite else create_pg_database()
    try:
        yield url
    finally:
        if not settings.is_sqlite:
            drop_pg_database(url)


@contextmanager
def live_app(settings: Settings, folder: Path, world: Callable[[Engine], None],
             **overrides: object) -> Iterator[tuple[Settings, Engine]]:
    """The app under uvicorn on a free loopback port, on a fresh migrated database that ``world`` fills."""
    listening = socket.create_server(("127.0.0.1", 0))  # held from now: filling the world can take minutes
    port = listening.getsockname()[1]
    with listening, fresh_database(settings, folder) as url:
        live_settings = make_settings(url, public_url=f"http://127.0.0.1:{port}", **overrides)
        engine = make_engine(live_settings)
        migrate.upgrade(engine)
        world(engine)
        with serving(create_app(live_settings, engine, run_scheduler=False, run_mqtt=False), port, listening):
            yield live_settings, engine
        engine.dispose()


@contextmanager
def chromium() -> Iterator[Browser]:
    """A headless Chromium, closed when the block ends."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        try:
            _first_page(browser)
            yield browser
        finally:
            browser.close()


def _first_page(browser: Browser) -> None:
    """A throw-away page with Chinese text before the test's own: the browser's first renderer and its fonts are
    started here, with time for a loaded machine, so the test's first page is not also the browser's first."""
    context = browser.new_context(locale="zh-CN")
    try:
        context.new_page().goto("data:text/html;charset=utf-8,<p>井口 Pithead</p>", timeout=WARM_UP_SECONDS * 1000)
    finally:
        context.close()


def assert_fits_screen(page: Page) -> None:
    """The page is no wider than the screen. Measured against the screen's width as set: a phone (``is_mobile``)
    widens its window to a page that overflows, so ``innerWidth`` grows with it."""
    width, screen = page.evaluate("document.documentElement.scrollWidth"), page.viewport_size
    assert screen and width <= screen["width"], f"{page.url} is {width} px wide on a {screen} screen"


def screenshots(folder: Path) -> Path:
    """Where a browser test saves its screenshots: docs/screenshots/ with SAFETY_UPDATE_SCREENSHOTS=1."""
    target = DOCS_SCREENSHOTS if os.environ.get("SAFETY_UPDATE_SCREENSHOTS") == "1" else folder
    target.mkdir(parents=True, exist_ok=True)
    return target


def csp_violations(page: Page) -> list[str]:
    """The Content-Security-Policy violations Chromium reports on the page's console, gathered as they happen."""
    found: list[str] = []
    page.on("console", lambda message: found.append(message.text) if "Content Security Policy" in message.text
            else None)
    return found


def sign_in(page: Page, base: str, username: str) -> None:
    """Sign in to the console through its form (the password every test account has)."""
    page.context.clear_cookies()
    page.goto(f"{base}/console/", timeout=WARM_UP_SECONDS * 1000)  # a fresh server's first page on a loaded machine
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    with stall_reported(base):  # CI once waited over 30 s for the page after a sign-in that had succeeded
        page.click("#sign-in", timeout=WARM_UP_SECONDS * 1000)
    expect(page.locator("#who")).to_be_visible()  # it shows the person's name, not the login name


@contextmanager
def stall_reported(base: str, timeouts: tuple[type[BaseException], ...] = (PlaywrightTimeout,)) -> Iterator[None]:
    """On a timeout (a browser's, or the given ones), say on stderr what the in-process server and PostgreSQL
    were doing: every thread's stack, whether the server answers a fresh request, and the database sessions not
    idle (the cause of the stalls seen on PostgreSQL, above and in the API schema sweep, is not known yet)."""
    try:
        yield
    except timeouts as timeout:
        sys.stderr.write(_stall_report(base, timeout))
        raise


def _stall_report(base: str, timeout: BaseException) -> str:
    lines = [f"--- timed out ({type(timeout).__name__}); what the process was doing ---"]
    frames = sys._current_frames()
    for thread in threading.enumerate():
        frame = frames.get(thread.ident or 0)
        lines.append(f"thread {thread.name}:\n" + "".join(traceback.format_stack(frame)[-8:]) if frame else thread.name)
    started = time.monotonic()
    try:
        connection = http.client.HTTPConnection(base.split("//", 1)[1], timeout=10)
        connection.request("GET", "/readyz")
        lines.append(f"/readyz answered {connection.getresponse().status} in {time.monotonic() - started:.1f} s")
        connection.close()
    except OSError as exc:
        lines.append(f"/readyz gave no answer in {time.monotonic() - started:.1f} s: {exc}")
    with contextlib.suppress(psycopg.Error), psycopg.connect(admin_conninfo(), autocommit=True) as conn:
        for row in conn.execute("SELECT datname, state, wait_event_type, wait_event, now() - xact_start, left(query, 120) "
                                "FROM pg_stat_activity WHERE state <> 'idle' AND pid <> pg_backend_pid()"):
            lines.append("pg: " + " | ".join(str(value) for value in row))
    return "\n".join(lines) + "\n"
