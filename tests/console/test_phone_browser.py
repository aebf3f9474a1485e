"""An owner on a phone (390×844 in Chromium): the queue as cards with the filters folded, the hazard and
the "rectified" form, all without sideways scrolling; and the ledger sheet as an inspector sees it.

Works on the demo's month of data. Screenshots go to a temporary folder, or to docs/screenshots/ with
SAFETY_UPDATE_SCREENSHOTS=1.
"""

import html
import io
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from itertools import product
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from playwright.sync_api import Page, expect
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from safety_service import demo
from safety_service.clock import utc_now
from safety_service.config import Settings
from safety_service.database import session_scope
from safety_service.hazards.models import Hazard
from safety_service.hazards.states import Grade, HazardState
from safety_service.people.models import User
from tests.live import assert_fits_screen, chromium, csp_violations, live_app, screenshots
from tests.photos.images import photo

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
SMALL_DESKTOP = {"width": 1024, "height": 768}
TABLET = {"width": 768, "height": 1024}  # held upright
NARROW_DESK = {"width": 960, "height": 800}


@pytest.fixture
def live(settings: Settings, tmp_path: Path) -> Iterator[tuple[str, Engine]]:
    def world(engine: Engine) -> None:
        with session_scope(engine) as session:
            demo.load(session, settings=settings)

    with live_app(settings, tmp_path, world, console_stats_ttl_seconds=0) as (live_settings, engine):
        yield live_settings.public_url, engine


def sign_in(page: Page, base: str, username: str) -> None:
    """Sign in as one of the demo's people."""
    page.context.clear_cookies()
    page.goto(f"{base}/console/")
    page.fill("#username", username)
    page.fill("#password", demo.DEMO_PASSWORD)
    page.click("#sign-in")
    expect(page.locator("#who")).to_be_visible()


ROLES = ("officer1", "chief", "counsellor1", "owner1", "supervisor1", "dispatcher1", "admin")


def menu_pages(page: Page, base: str, usernames: Iterable[str] = ROLES) -> Iterator[tuple[str, str]]:
    """Each role's menu, each page once (the queue first): opens it in the page, signed in as the first role whose
    menu has it, and yields (username, address)."""
    seen: set[str] = set()
    for username in usernames:
        sign_in(page, base, username)
        menu = page.eval_on_selector_all("nav a[href^='/console']", "links => links.map(a => a.pathname + a.search)")
        for address in [a for a in dict.fromkeys(["/console/", *menu]) if a not in seen]:
            seen.add(address)
            assert page.goto(base + address).status == 200, address
            yield username, address


def _owners_fix(engine: Engine) -> str:
    """A hazard owner1 is rectifying, the one the phone works on."""
    with session_scope(engine) as session:
        owner = session.exec(select(User).where(User.username == "owner1")).one()
        return session.exec(select(Hazard.ref).where(Hazard.owner_id == owner.id,
                                                     Hazard.state == HazardState.rectifying)).first()


def test_an_owner_works_the_queue_and_submits_a_fix_on_a_phone(live: tuple[str, Engine], tmp_path: Path) -> None:
    base, engine = live
    shots, ref = screenshots(tmp_path), _owners_fix(engine)
    with chromium() as browser:
        page = browser.new_context(viewport=PHONE, locale="zh-CN", device_scale_factor=2,
                                   is_mobile=True, has_touch=True).new_page()
        page.set_default_timeout(10_000)
        violations = csp_violations(page)
        sign_in(page, base, "owner1")
        expect(page.locator("#who")).to_contain_text("杨军")
        expect(page.locator("#filter-fold")).not_to_have_attribute("open", "")
        expect(page.locator("#filters")).to_be_hidden()
        expect(page.locator("#hazards thead")).to_be_hidden()
        card = page.locator(f'tr[data-ref="{ref}"]')
        expect(card).to_be_visible()
        box = card.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        assert_fits_screen(page)
        page.screenshot(path=str(shots / "console-owner-phone-queue.png"), full_page=False)  # the first screen: what the owner sees
        page.click("#filter-fold summary")
        expect(page.locator("#filters")).to_be_visible()
        assert_fits_screen(page)
        page.click(f'tr[data-ref="{ref}"] a')
        expect(page.locator("#form-rectified")).to_be_visible()
        assert_fits_screen(page)
        page.fill("#rectified-note", "已按措施整改完毕，现场照片见附件")
        page.set_input_files("#rectified-photos", files=[{"name": "fix.jpg", "mimeType": "image/jpeg",
                                                          "buffer": photo()}])
        page.locator("#form-rectified").scroll_into_view_if_needed()
        page.screenshot(path=str(shots / "console-owner-phone-detail.png"), full_page=True)
        page.click("#form-rectified button")
        expect(page.locator("#state")).to_have_text("待验收")
        expect(page.locator("#photos-after img")).to_have_count(1)
        assert_fits_screen(page)
        assert violations == []


def test_the_filters_stay_open_and_the_table_stays_a_table_on_a_desk(live: tuple[str, Engine]) -> None:
    base, _ = live
    with chromium() as browser:
        page = browser.new_context(viewport=DESKTOP, locale="zh-CN").new_page()
        sign_in(page, base, "officer1")
        expect(page.locator("#filters")).to_be_visible()
        expect(page.locator("#hazards thead")).to_be_visible()
        assert_fits_screen(page)


def _sheet_html(content: bytes) -> str:
    """The XLSX's first sheet as an HTML table, each column as wide as the sheet says (a screenshot of it)."""
    sheet = load_workbook(io.BytesIO(content)).active
    last = sheet.max_column
    widths = [sheet.column_dimensions[get_column_letter(i)].width or 13 for i in range(1, last + 1)]
    cols = "".join(f'<col style="width:{round(w * 8)}px">' for w in widths)
    rows = []
    for number, row in enumerate(sheet.iter_rows(), start=1):
        cells = []
        for cell in row:
            value = cell.value
            if isinstance(value, date):
                value = value.strftime("%Y-%m-%d")
            elif isinstance(value, float | int) and cell.number_format == "0.00":
                value = f"{value:.2f}"
            tag = "th" if number <= 2 else "td"
            cells.append(f"<{tag}>{html.escape('' if value is None else str(value))}</{tag}>")
        if number == 1:
            cells = [f'<th colspan="{last}" class="title">{html.escape(str(row[0].value))}</th>']
        rows.append("<tr>" + "".join(cells) + "</tr>")
    style = ("body{font:13px 'Noto Sans CJK SC','WenQuanYi Micro Hei',sans-serif;margin:8px}"
             f"table{{border-collapse:collapse;table-layout:fixed;width:{round(sum(widths) * 8)}px}}"
             "td,th{border:1px solid #999;padding:2px 4px;vertical-align:top;"
             "overflow-wrap:anywhere}th{background:#eee}th.title{font-size:16px;background:#fff;border:0}")
    return (f"<!doctype html><meta charset=utf-8><style>{style}</style><table><colgroup>{cols}</colgroup>"
            + "".join(rows) + "</table>")


def test_the_ledger_sheet_as_the_inspector_sees_it(live: tuple[str, Engine], tmp_path: Path) -> None:
    base, _ = live
    shots, today = screenshots(tmp_path), utc_now().date()
    with chromium() as browser:
        page = browser.new_context(viewport=DESKTOP, locale="zh-CN").new_page()
        sign_in(page, base, "officer1")
        answer = page.request.get(f"{base}/console/ledger/export?from={today - timedelta(days=40)}&to={today}"
                                  "&area=north&format=xlsx")
        assert answer.ok
        sheet = browser.new_page(viewport={"width": 1800, "height": 900})  # blank, outside the console's CSP
        sheet.set_content(_sheet_html(answer.body()))
        expect(sheet.locator("th.title")).to_contain_text("北翼采区隐患排查治理台账")
        sheet.screenshot(path=str(shots / "console-ledger-sheet.png"), full_page=True)


def test_every_page_of_the_console_menus_fits_a_phone(live: tuple[str, Engine]) -> None:
    """Each role's menu, each page once: nothing makes the whole page scroll sideways on a 390 px phone (the charts
    had a 460 px least width and the supervisors' roster a date field in its sixth column); a wide table scrolls in
    its own box."""
    base, _ = live
    with chromium() as browser:
        page = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True).new_page()
        page.set_default_timeout(10_000)
        seen = 0
        for _ in menu_pages(page, base):
            assert_fits_screen(page)
            seen += 1
    assert seen > 25


def test_every_page_of_the_console_menus_fits_a_small_desk(live: tuple[str, Engine]) -> None:
    """Each role's menu at 1,024 px in both languages: no table scrolls inside its box but the scorecard's sixteen
    columns (the supervisors' roster had cut its last column's date field at every desk width, 673 px in 663 at
    1,280 px, 581 in 558 at 1,024 px in Chinese)."""
    base, _ = live
    with chromium() as browser:
        for locale in ("zh-CN", "en-US"):
            page = browser.new_context(viewport=SMALL_DESKTOP, locale=locale).new_page()
            page.set_default_timeout(10_000)
            seen = 0
            for _, address in menu_pages(page, base):
                assert page.evaluate(SCROLLING_BOXES) == [], (locale, address)
                assert_fits_screen(page)
                seen += 1
            assert seen > 25
            page.context.close()


def test_every_button_of_the_console_is_a_full_size_target(live: tuple[str, Engine]) -> None:
    """The dispatcher's 已通知现场 / 已撤人 on an urgent hazard, the officers' 标记为紧急, and every button of each
    role's menu pages are at least 40 px tall in the console's colours (they had been the browser's small grey
    buttons, 21 px, on the one page where the dispatch room must act at once)."""
    base, engine = live
    with session_scope(engine) as session:
        urgent = session.exec(select(Hazard.ref).where(Hazard.urgent, col(Hazard.urgent_acknowledged_at).is_(None),
                                                       Hazard.is_open)).first()
        calm = session.exec(select(Hazard.ref).where(col(Hazard.urgent).is_(False), Hazard.is_open)).first()
    assert urgent and calm
    with chromium() as browser:
        page = browser.new_context(viewport=DESKTOP, locale="zh-CN").new_page()
        page.set_default_timeout(10_000)
        for username, address in (("dispatcher1", f"/console/hazards/{urgent}"),
                                   ("officer1", f"/console/hazards/{calm}")):
            sign_in(page, base, username)
            page.goto(base + address)
            expect(page.locator("#ack-site, #mark-urgent").first).to_be_visible()
            assert page.evaluate(SMALL_BUTTONS) == [], (username, address)
        for username, address in menu_pages(page, base, ("officer1", "chief", "counsellor1", "owner1", "admin")):
            assert page.evaluate(SMALL_BUTTONS) == [], (username, address)


# The visible buttons of the page's main part (a link-styled one excepted) under 40 px tall or in grey.
SMALL_BUTTONS = """Array.from(document.querySelectorAll('main button:not(.link)'))
    .filter(b => b.offsetParent !== null)
    .filter(b => b.getBoundingClientRect().height < 40
                 || getComputedStyle(b).backgroundColor === 'rgb(239, 239, 239)')
    .map(b => b.id || b.textContent.trim())"""


# The boxes whose table is wider than they are, the scorecard's excepted.
SCROLLING_BOXES = """Array.from(document.querySelectorAll('.scroll'))
    .filter(box => box.scrollWidth > box.clientWidth + 1 && !box.querySelector('#scorecard'))
    .map(box => (box.querySelector('table') || box).id + ' ' + box.scrollWidth + '/' + box.clientWidth)"""


def test_no_heading_of_the_console_breaks_inside_a_word_on_a_phone(live: tuple[str, Engine]) -> None:
    """Each role's menu in English on a 390 px phone: a table too wide for the screen scrolls in its box with its
    headings broken between words, never inside one (the phone's overflow-wrap had squeezed the violations' ten
    columns into the screen as W/he/n, Se/v/er/ity), and a list says what it counts (violations, not hazards)."""
    base, _ = live
    with chromium() as browser:
        page = browser.new_context(viewport=PHONE, locale="en-US", is_mobile=True, has_touch=True).new_page()
        page.set_default_timeout(10_000)
        for _, address in menu_pages(page, base, ("officer1", "chief", "counsellor1", "owner1", "supervisor1", "admin")):
            assert page.evaluate(BROKEN_WORDS) == [], address
            assert_fits_screen(page)
        page.goto(f"{base}/console/violations")
        expect(page.locator("#violation-count")).to_contain_text("violations")


# The visible table headings with a word on more than one line.
BROKEN_WORDS = """Array.from(document.querySelectorAll('main th')).filter(th => th.offsetParent !== null).filter(th => {
    const walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (const word of node.textContent.matchAll(/\\S+/g)) {
            const range = document.createRange();
            range.setStart(node, word.index);
            range.setEnd(node, word.index + word[0].length);
            if (new Set(Array.from(range.getClientRects(), r => Math.round(r.top))).size > 1) return true;
        }
    }
    return false;
}).map(th => th.textContent.trim())"""


def test_a_major_hazards_record_fits_a_phone_in_english(live: tuple[str, Engine]) -> None:
    """The major record's labels are long in English; their column had been as wide as the longest (540 px)."""
    base, engine = live
    with session_scope(engine) as session:
        refs = session.exec(select(Hazard.ref).where(Hazard.grade == Grade.major)).all()
    assert refs
    with chromium() as browser:
        page = browser.new_context(viewport=PHONE, locale="en-US", is_mobile=True, has_touch=True).new_page()
        page.set_default_timeout(10_000)
        sign_in(page, base, "chief")
        for ref in refs:
            page.goto(f"{base}/console/hazards/{ref}")
            expect(page.locator("#major-record")).to_be_visible()
            assert_fits_screen(page)


def test_the_queue_fits_a_desk_in_english(live: tuple[str, Engine]) -> None:
    """English headings, states and late notes are longer than the Chinese; each queue's table still fits the page's
    width on a desk (it had kept every heading, chip and late note on one line: 1,434–1,568 px), on a small one too
    (1,024 px: a smaller type, the hour under its date; 1,069 px before), and no date is broken over two lines."""
    base, _ = live
    with chromium() as browser:
        for desk in (DESKTOP, SMALL_DESKTOP):
            page = browser.new_context(viewport=desk, locale="en-US").new_page()
            page.set_default_timeout(10_000)
            sign_in(page, base, "officer1")
            for queue in ("triage", "verification", "overdue", "all"):
                page.goto(f"{base}/console/?queue={queue}")
                table, box = page.evaluate("[document.querySelector('#hazards').offsetWidth,"
                                           " document.querySelector('#hazards').parentElement.clientWidth]")
                assert table <= box, (desk, queue, table, box)
                assert page.evaluate(BROKEN_DATES) == 0, (desk, queue)
                assert_fits_screen(page)
            page.context.close()


def test_the_queue_is_cards_on_an_upright_tablet(live: tuple[str, Engine]) -> None:
    """A tablet held upright (768 px) reads every queue as cards in both languages, as a phone does: the table had
    scrolled inside its box in English (965 px in 736) and squeezed its descriptions in Chinese (699 px in 670 at
    702 px). A card shows no label without its value (an empty deadline had shown "整改期限：" alone), and no value without
    its label (the unsafe behaviour reports' time, place and person had none). So does a desk's window narrower than
    a tablet held sideways (960 px: the English table, 963 px, had scrolled in its 928 px box)."""
    base, _ = live
    with chromium() as browser:
        for locale, viewport in product(("zh-CN", "en-US"), (TABLET, NARROW_DESK)):
            page = browser.new_context(viewport=viewport, locale=locale).new_page()
            page.set_default_timeout(10_000)
            sign_in(page, base, "officer1")
            for queue in ("triage", "verification", "overdue", "all"):
                page.goto(f"{base}/console/?queue={queue}")
                expect(page.locator("#hazards thead")).to_be_hidden()
                table, box = page.evaluate("[document.querySelector('#hazards').scrollWidth,"
                                           " document.querySelector('#hazards').parentElement.clientWidth]")
                assert table <= box, (locale, viewport, queue, table, box)
                assert page.evaluate(LABELS_ALONE) == [], (locale, queue)
                assert page.evaluate(BROKEN_DATES) == 0, (locale, queue)
                assert_fits_screen(page)
            expect(page.locator("#filters")).to_be_visible()  # the filters stay open on a tablet
            page.goto(f"{base}/console/behaviour?outcome=all")
            expect(page.locator("#behaviour-reports thead")).to_be_hidden()
            unnamed = "#behaviour-reports td:not(.ref):not(.desc):not(.chip):not([data-label])"
            assert page.locator(unnamed).count() == 0, locale  # a card says what each value is
            assert_fits_screen(page)
            page.context.close()


# The cards' labels shown with nothing after them.
LABELS_ALONE = """Array.from(document.querySelectorAll('#hazards td[data-label]'))
    .filter(cell => getComputedStyle(cell).display !== 'none' && !cell.textContent.trim())
    .map(cell => cell.dataset.label)"""


# How many of the list's times have their date (its first ten characters) on more than one line.
BROKEN_DATES = """Array.from(document.querySelectorAll('#hazards td.when')).filter(cell => {
    const text = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    let node = text.nextNode();
    while (node && !node.textContent.trim()) node = text.nextNode();
    if (!node) return false;
    const start = node.textContent.search(/\\S/), date = document.createRange();
    date.setStart(node, start);
    date.setEnd(node, Math.min(node.textContent.length, start + 10));
    return new Set(Array.from(date.getClientRects(), rect => Math.round(rect.top))).size > 1;
}).length"""


ACCOUNT_ROW = """(() => {
  const header = document.querySelector('header.top').getBoundingClientRect();
  const box = (s) => document.querySelector(s).getBoundingClientRect();
  const items = ['#bell', '#who', '#logout', 'header .lang'].map(box);
  return {tops: items.map((b) => Math.round(b.top + b.height / 2)), right: Math.round(header.right - items[3].right),
          beside: box('#bell').top < box('#nav').bottom};
})()"""


def test_the_account_links_stay_together_at_the_right_of_the_header(live: tuple[str, Engine]) -> None:
    """The bell, the account, 退出 and the language sit on one row at the header's right, on every desk and phone and
    in both languages; on a 1,280 px desk beside the menu. The admin's long menu had pushed them down and split them,
    退出 and the language alone at the left of a third row (1,280 px in English, 1,024 px too)."""
    base, _ = live
    with chromium() as browser:
        for viewport, locale in [(d, lang) for d in (DESKTOP, SMALL_DESKTOP, PHONE) for lang in ("zh-CN", "en-US")]:
            page = browser.new_context(viewport=viewport, locale=locale).new_page()
            page.set_default_timeout(10_000)
            for username in ("admin", "officer1"):
                sign_in(page, base, username)
                row = page.evaluate(ACCOUNT_ROW)
                case = (viewport["width"], locale, username, row)
                if viewport is not PHONE:
                    assert max(row["tops"]) - min(row["tops"]) <= 4, case
                assert row["right"] <= 16, case
                assert row["beside"] or viewport is not DESKTOP, case
            page.context.close()
