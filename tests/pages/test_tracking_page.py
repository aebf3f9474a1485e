"""The tracking page tells a reporter what became of the report, and nothing about staff or others."""

import time

from fastapi.testclient import TestClient
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlmodel import Session

from safety_service.config import Settings
from safety_service.hazards.states import Grade, HazardState
from tests.hazards.builders import make_hazard
from tests.people.builders import make_user


def test_a_closed_report_shows_its_state_dates_and_closing_note_without_staff(pages: TestClient,
                                                                              session: Session) -> None:
    owner = make_user(session, username="owner-zhao")
    hazard = make_hazard(session, state=HazardState.closed, owner=owner)
    page = pages.get(f"/t/{hazard.tracking_code.lower()}")
    assert page.status_code == 200
    assert "已整改并验收销号" in page.text and "验收合格" in page.text and hazard.ref in page.text
    assert "举报时间" in page.text and "结束时间" in page.text
    assert "owner-zhao" not in page.text and "officer" not in page.text and "补打锚杆" not in page.text


def test_states_read_in_plain_words_in_both_languages(pages: TestClient, session: Session) -> None:
    rectifying = make_hazard(session, state=HazardState.rectifying, grade=Grade.major)
    page = pages.get(f"/t/{rectifying.tracking_code}", headers={"Accept-Language": "en"})
    assert "Being fixed" in page.text and "To be fixed by" in page.text and "major hazard" in page.text
    rejected = make_hazard(session, state=HazardState.rejected)
    page = pages.get(f"/t/{rejected.tracking_code}")
    assert "经核实未予立案" in page.text and "不属实" in page.text


def test_an_unknown_code_says_so(pages: TestClient) -> None:
    page = pages.get("/t/NOSUCHCODE12")
    assert page.status_code == 404 and "没有找到" in page.text


def test_the_form_shows_the_report_at_a_url_without_the_code(pages: TestClient, session: Session) -> None:
    hazard = make_hazard(session, state=HazardState.confirmed)
    form = pages.get("/t")
    assert form.status_code == 200 and 'name="tracking_code"' in form.text and "输入查询码" in form.text
    sent = pages.post("/t", data={"tracking_code": hazard.tracking_code.lower()}, follow_redirects=False)
    assert sent.status_code == 303 and sent.headers["location"] == "/t"
    cookie = sent.headers["set-cookie"]
    assert hazard.tracking_code not in cookie and "httponly" in cookie.lower() and "Path=/t" in cookie
    assert "Max-Age=600" in cookie
    page = pages.get("/t")
    assert page.status_code == 200 and hazard.ref in page.text and "已核实" in page.text
    assert "查询另一个查询码" in page.text and 'action="/t"' in page.text  # the next code goes in the same way


def test_an_old_tracking_link_still_works_and_loses_the_code_from_its_url(pages: TestClient, session: Session) -> None:
    hazard = make_hazard(session, state=HazardState.confirmed)
    old = pages.get(f"/t/{hazard.tracking_code}?lang=en", follow_redirects=False)
    assert old.status_code == 303 and old.headers["location"] == "/t?lang=en"
    page = pages.get(old.headers["location"])
    assert page.status_code == 200 and hazard.ref in page.text and "Confirmed" in page.text
    assert str(page.url).endswith("/t?lang=en")


def test_a_wrong_empty_forged_or_stale_code_shows_the_form_again(pages: TestClient, session: Session,
                                                                 settings: Settings) -> None:
    hazard = make_hazard(session, state=HazardState.confirmed)
    wrong = pages.post("/t", data={"tracking_code": "NOSUCHCODE12"})
    assert wrong.status_code == 404 and "没有找到" in wrong.text and 'value="NOSUCHCODE12"' in wrong.text
    empty = pages.post("/t", data={"tracking_code": " ", "lang": "en"})
    assert empty.status_code == 422 and "Enter a tracking code" in empty.text
    forged = URLSafeTimedSerializer("not-the-key", salt="safety-tracking-code").dumps(hazard.tracking_code)
    stale = URLSafeTimedSerializer(settings.secret_key, salt="safety-tracking-code",
                                   signer=_Stale).dumps(hazard.tracking_code)
    for value in (forged, stale):
        pages.cookies.set("track", value, path="/t")
        page = pages.get("/t")
        assert page.status_code == 200 and hazard.ref not in page.text and 'name="tracking_code"' in page.text
        pages.cookies.clear()


class _Stale(TimestampSigner):
    """Signs as if eleven minutes ago."""

    def get_timestamp(self) -> int:
        return int(time.time()) - 11 * 60
