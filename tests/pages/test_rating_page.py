"""The reporter rates a closed report with one tap on the tracking page: once, changeable for a few days,
never before closing, and without a trace of who they are."""

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from safety_service.clock import utc_now
from safety_service.errors import InvalidInput, InvalidTransition
from safety_service.feedback import ratings
from safety_service.feedback.models import HazardRating
from safety_service.hazards.states import HazardState
from tests.hazards.builders import make_hazard


def _open(pages: TestClient, code: str) -> None:
    assert pages.post("/t", data={"tracking_code": code}, follow_redirects=False).status_code == 303


def test_a_closed_report_is_rated_with_one_tap_and_the_page_says_so(pages: TestClient, session: Session) -> None:
    hazard = make_hazard(session, state=HazardState.closed)
    _open(pages, hazard.tracking_code)
    page = pages.get("/t")
    assert "对这条隐患的处理满意吗" in page.text and 'value="satisfied"' in page.text and "基本满意" in page.text
    sent = pages.post("/t/rating", data={"rating": "basic"}, follow_redirects=False)
    assert sent.status_code == 303 and sent.headers["location"] == "/t"
    page = pages.get("/t")
    assert "你的评价：基本满意" in page.text and 'value="basic" class="rate basic" aria-pressed="true"' in page.text
    stored = session.exec(select(HazardRating).where(HazardRating.hazard_id == hazard.id)).one()
    assert (stored.rating, stored.channel, stored.changed_at) == ("basic", "web", None)


def test_a_rating_changes_within_the_days_allowed_and_stays_one(pages: TestClient, session: Session) -> None:
    hazard = make_hazard(session, state=HazardState.closed)
    _open(pages, hazard.tracking_code)
    pages.post("/t/rating", data={"rating": "dissatisfied"})
    pages.post("/t/rating", data={"rating": "satisfied"})
    [stored] = session.exec(select(HazardRating).where(HazardRating.hazard_id == hazard.id)).all()
    assert stored.rating == "satisfied" and stored.changed_at is not None


def test_an_open_report_has_no_rating_and_refuses_one(pages: TestClient, session: Session) -> None:
    hazard = make_hazard(session, state=HazardState.rectifying)
    _open(pages, hazard.tracking_code)
    assert "/t/rating" not in pages.get("/t").text
    refused = pages.post("/t/rating", data={"rating": "satisfied"})
    assert refused.status_code == 409 and "验收销号后才能评价" in refused.text
    assert session.exec(select(HazardRating).where(HazardRating.hazard_id == hazard.id)).first() is None


def test_a_made_up_choice_is_refused_naming_the_choices(pages: TestClient, session: Session) -> None:
    hazard = make_hazard(session, state=HazardState.closed)
    _open(pages, hazard.tracking_code)
    refused = pages.post("/t/rating", data={"rating": "very_happy"}, headers={"Accept-Language": "en"})
    assert refused.status_code == 422 and "Choose Satisfied, Mostly satisfied or Dissatisfied" in refused.text


def test_without_the_tracking_cookie_nothing_is_rated(pages: TestClient) -> None:
    refused = pages.post("/t/rating", data={"rating": "satisfied"})
    assert refused.status_code == 422 and "重新输入查询码" in refused.text


def test_after_the_days_allowed_the_rating_is_kept(session: Session) -> None:
    hazard = make_hazard(session, state=HazardState.closed)
    now = utc_now()
    ratings.rate(session, hazard=hazard, rating="satisfied", channel=ratings.RatingChannel.web, now=now,
                 change_days=3)
    with pytest.raises(InvalidTransition):
        ratings.rate(session, hazard=hazard, rating="dissatisfied", channel=ratings.RatingChannel.web,
                     now=now + timedelta(days=3, minutes=1), change_days=3)
    with pytest.raises(InvalidInput):
        ratings.rate(session, hazard=hazard, rating="", channel=ratings.RatingChannel.web, now=now, change_days=3)
    assert ratings.rating_of(session, hazard=hazard).rating == "satisfied"


def test_an_anonymous_reporters_rating_names_nobody(session: Session) -> None:
    hazard = make_hazard(session, state=HazardState.closed)
    assert hazard.reporter_person_id is None and hazard.reporter_employee_no is None
    stored = ratings.rate(session, hazard=hazard, rating="basic", channel=ratings.RatingChannel.web,
                          now=utc_now(), change_days=3)
    assert set(HazardRating.model_fields) == {"id", "hazard_id", "rating", "channel", "rated_at", "changed_at"}
    assert stored.hazard_id == hazard.id
