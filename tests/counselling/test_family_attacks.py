"""Attacks on the family co-supervisor's phone link (``/f/…``): forged, expired, revoked, malformed, one worker's
link used on another case's data, and a link after the worker withdrew consent. Every one is refused with the same
page, nothing is written, and nothing answers 500."""

import json
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from safety_service.config import Settings
from safety_service.counselling import cosupervision, family, messages
from safety_service.counselling.cosupervision_schemas import FamilyLinkCreate, FamilyMessageCreate
from safety_service.counselling.models import FamilyContact, FamilyLink, FamilyMessage, FamilyVisit
from safety_service.counselling.states import CaseState, MessageState
from safety_service.main import create_app
from safety_service.outbox.models import OutboxMessage
from safety_service.people.models import Person, Role
from safety_service.protocol.topics import family_messages_topic
from tests.conftest import make_settings, use_session
from tests.counselling.builders import forged_ending, make_case
from tests.people.builders import auth, make_user

API = "/api/v1"


@pytest.fixture
def client(database_url: str, engine: Engine, session: Session) -> Iterator[TestClient]:
    """The app on the rolled-back session, with public limits high enough for an attacker's many tries (the
    limits themselves are tested in tests/pages)."""
    settings = make_settings(database_url, public_rate_per_minute=10_000, report_rate_per_minute=10_000)
    app = create_app(settings, engine, run_scheduler=False)
    use_session(app, session)
    with TestClient(app) as test_client:
        yield test_client


def _linked(session: Session, settings: Settings):
    counsellor = make_user(session, role=Role.counsellor)
    case = make_case(session, state=CaseState.counselling, counsellor=counsellor)
    contact = family.list_contacts(session, person_id=case.person_id)[0]
    link = cosupervision.issue(session, case=case, actor=counsellor, settings=settings,
                               data=FamilyLinkCreate(family_contact_id=contact.id, share_stage=True, share_plan=True))
    return case, counsellor, link, cosupervision.token(link, settings)


def _calls(client: TestClient, token: str, message_id: str = "1") -> list:
    return [client.get(f"/f/{token}"),
            client.post(f"/f/{token}/visit", data={"kind": "visit", "held_on": date.today().isoformat(), "note": "家访"}),
            client.post(f"/f/{token}/message", data={"text": "平安", "signature": "妻子", "kiosk_consent": "yes"}),
            client.post(f"/f/{token}/messages/{message_id}/withdraw")]


def _written(session: Session) -> tuple[int, int]:
    return len(session.exec(select(FamilyVisit.id)).all()), len(session.exec(select(FamilyMessage.id)).all())


def _refused_everywhere(client: TestClient, session: Session, token: str, worker: Person, message_id: str = "1"):
    before = _written(session)
    for answer in _calls(client, token, message_id):
        assert answer.status_code == 404, (token[:40], answer.request.url, answer.status_code)
        assert worker.name not in answer.text and "每两周家访一次" not in answer.text
        assert "<header><span>亲情帮教</span>" in answer.text and "随手拍" not in answer.text  # a family's page
    assert _written(session) == before


def test_forged_expired_and_malformed_links_open_nothing(client: TestClient, session: Session,
                                                         settings: Settings) -> None:
    case, _, link, token = _linked(session, settings)
    worker = session.get(Person, case.person_id)
    link_id, expires, signature = token.split(".")
    other_case, _, other_link, other_token = _linked(session, settings)
    bad = [f"{link_id}.{int(expires) + 86400}.{signature}", f"{link_id}.{expires}.{forged_ending(signature)}",
           f"{other_link.id}.{expires}.{signature}", f"{link_id}.{other_token.split('.')[1]}.{other_token.split('.')[2]}",
           "garbage", "1.2", f"{link_id}.{expires}", f"{link_id}.{expires}.{signature}.x", "².1.x", f"{link_id}.²³.x",
           f"{link_id}.{'9' * 5000}.{signature}", f"{'9' * 12}.{expires}.{signature}", "-1.-1.-1", "0.0.0",
           f"{link_id}.{expires}.{signature}%00", "%2e%2e.%2f.x"]
    for text in bad:
        _refused_everywhere(client, session, text, worker)
    link.expires_at = link.expires_at - timedelta(days=365)  # expired: its own token no longer matches either way
    session.add(link)
    session.flush()
    expired = cosupervision.token(link, settings)
    _refused_everywhere(client, session, expired, worker)
    assert client.get(f"/f/{other_token}").status_code == 200 and other_case.id != case.id  # the genuine one opens


def test_a_revoked_link_opens_nothing(client: TestClient, session: Session, settings: Settings) -> None:
    case, counsellor, link, token = _linked(session, settings)
    assert client.get(f"/f/{token}").status_code == 200
    cosupervision.revoke(session, case=case, link_id=link.id, actor=counsellor)
    _refused_everywhere(client, session, token, session.get(Person, case.person_id))


def test_one_workers_link_never_reaches_another_cases_data(client: TestClient, session: Session,
                                                           settings: Settings) -> None:
    case, _, link, token = _linked(session, settings)
    other_case, _, other_link, _ = _linked(session, settings)
    session.get(Person, other_case.person_id).name = "赵六"
    session.flush()
    other = messages.leave(session, link=other_link, photo=None,
                           data=FamilyMessageCreate(text="另一家的话", signature="母亲", kiosk_consent=True))
    page = client.get(f"/f/{token}").text
    assert session.get(Person, other_case.person_id).name not in page and "另一家的话" not in page
    for message_id in (str(other.id), "²", "0", "9" * 13, "-1", "1e3"):
        answer = client.post(f"/f/{token}/messages/{message_id}/withdraw", follow_redirects=False)
        assert answer.status_code == 404, (message_id, answer.status_code)
    assert session.get(FamilyMessage, other.id).state == MessageState.pending
    visit = client.post(f"/f/{token}/visit", data={"kind": "visit", "held_on": date.today().isoformat(),
                                                    "note": "家访", "case_id": str(other_case.id)},
                        follow_redirects=False)
    assert visit.status_code == 303
    assert session.exec(select(FamilyVisit).where(FamilyVisit.case_id == other_case.id)).all() == []
    assert [v.case_id for v in session.exec(select(FamilyVisit).where(FamilyVisit.link_id == link.id)).all()] == \
        [case.id]


def test_after_the_worker_withdraws_consent_the_link_opens_nothing_and_the_messages_leave_the_kiosks(
        client: TestClient, session: Session, settings: Settings) -> None:
    case, counsellor, link, token = _linked(session, settings)
    worker = session.get(Person, case.person_id)
    message = messages.leave(session, link=link, photo=None,
                             data=FamilyMessageCreate(text="爸爸早点回家", signature="女儿", kiosk_consent=True))
    messages.review(session, case=case, message_id=message.id, show=True, actor=counsellor, site=settings.site)
    url = f"{API}/workers/{worker.employee_no}/family-contacts/{link.family_contact_id}/withdraw-consent"
    for role in (Role.officer, Role.miner, Role.supervisor, Role.chief, Role.owner, Role.dispatcher):
        assert client.post(url, headers=auth(make_user(session, role=role), settings)).status_code == 403, role
    another = client.post(url, headers=auth(make_user(session, role=Role.counsellor), settings))
    assert another.status_code == 403 and client.get(f"/f/{token}").status_code == 200
    withdrawn = client.post(url, headers=auth(counsellor, settings))
    assert withdrawn.status_code == 200 and withdrawn.json()["worker_consent_at"] is None
    _refused_everywhere(client, session, token, worker, str(message.id))
    assert session.get(FamilyMessage, message.id).state == MessageState.withdrawn
    assert session.get(FamilyLink, link.id).revoked_at is not None
    row = session.exec(select(OutboxMessage).where(OutboxMessage.topic == family_messages_topic(settings.site))
                       .order_by(col(OutboxMessage.id).desc())).first()
    assert "爸爸早点回家" not in json.loads(row.payload)["messages"].__repr__()
    again = client.post(f"{API}/cases/{case.id}/family-links", headers=auth(counsellor, settings),
                        json={"family_contact_id": link.family_contact_id, "share_stage": True})
    assert again.status_code == 422 and "family_contact_id" in again.text
    assert client.post(url, headers=auth(counsellor, settings)).status_code == 200  # twice changes nothing
    stranger = client.post(f"{API}/workers/{worker.employee_no}/family-contacts/999999999/withdraw-consent",
                           headers=auth(counsellor, settings))
    assert stranger.status_code == 404 and stranger.json()["field"] == "contact_id"


@pytest.mark.parametrize("contact", ["0", "abc", "²", "9" * 13])
def test_a_bad_contact_id_is_refused_naming_it(client: TestClient, session: Session, settings: Settings,
                                               contact: str) -> None:
    case, counsellor, _, _ = _linked(session, settings)
    worker = session.get(Person, case.person_id)
    answer = client.post(f"{API}/workers/{worker.employee_no}/family-contacts/{contact}/withdraw-consent",
                         headers=auth(counsellor, settings))
    assert answer.status_code == 422 and "contact_id" in answer.text


def test_another_workers_contact_cannot_be_withdrawn_through_this_worker(client: TestClient, session: Session,
                                                                         settings: Settings) -> None:
    case, counsellor, _, _ = _linked(session, settings)
    _, _, other_link, other_token = _linked(session, settings)
    worker = session.get(Person, case.person_id)
    answer = client.post(f"{API}/workers/{worker.employee_no}/family-contacts/{other_link.family_contact_id}"
                         "/withdraw-consent", headers=auth(counsellor, settings))
    assert answer.status_code == 404 and session.get(FamilyContact, other_link.family_contact_id).worker_consent_at
    assert client.get(f"/f/{other_token}").status_code == 200
