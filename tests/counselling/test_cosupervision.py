"""Families as co-supervisors: the worker's consent, the phone link (signed, expiring, revocable), what it shows,
the visits and messages it takes, the messages on the kiosks only with the family's consent, the co-guarantee."""

import io
import json
from datetime import date, timedelta

from fastapi.testclient import TestClient
from PIL import Image
from sqlmodel import Session, col, select

from safety_service.clock import utc_now
from safety_service.config import Settings
from safety_service.counselling import cosupervision, family, messages
from safety_service.counselling.cosupervision_schemas import FamilyLinkCreate, FamilyMessageCreate
from safety_service.counselling.models import CaseEvent, FamilyContact, FamilyLink, FamilyMessage, FamilyVisit
from safety_service.counselling.states import CaseState, MessageState
from safety_service.errors import AuthenticationFailed, InvalidInput
from safety_service.outbox.models import OutboxMessage
from safety_service.people.models import Person, Role
from safety_service.protocol.retained import FamilyMessages
from safety_service.protocol.topics import family_messages_topic
from tests.counselling.builders import forged_ending, make_case
from tests.people.builders import auth, make_user

API = "/api/v1"


def _linked(session: Session, settings: Settings, *, state: CaseState = CaseState.counselling, **shares: bool):
    counsellor = make_user(session, role=Role.counsellor)
    case = make_case(session, state=state, counsellor=counsellor)
    contact = family.list_contacts(session, person_id=case.person_id)[0]
    link = cosupervision.issue(session, case=case, actor=counsellor, settings=settings,
                               data=FamilyLinkCreate(family_contact_id=contact.id, **shares))
    return case, counsellor, link, cosupervision.token(link, settings)


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (30, 120, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_link_opens_only_while_genuine_unexpired_and_not_revoked(session: Session, settings: Settings) -> None:
    case, counsellor, link, token = _linked(session, settings, share_stage=True)
    assert cosupervision.open_link(session, text=token, settings=settings).id == link.id
    link_id, expires, signature = token.split(".")
    forged = [f"{link_id}.{int(expires) + 86400}.{signature}", f"{link_id}.{expires}.{forged_ending(signature)}",
              f"{int(link_id) + 1}.{expires}.{signature}", "garbage", "1.2", f"{link_id}.{expires}"]
    for text in forged:
        try:
            cosupervision.open_link(session, text=text, settings=settings)
            raise AssertionError(text)
        except AuthenticationFailed:
            pass
    later = link.expires_at + timedelta(seconds=1)
    try:
        cosupervision.open_link(session, text=token, settings=settings, now=later)
        raise AssertionError("expired")
    except AuthenticationFailed:
        pass
    cosupervision.revoke(session, case=case, link_id=link.id, actor=counsellor)
    try:
        cosupervision.open_link(session, text=token, settings=settings)
        raise AssertionError("revoked")
    except AuthenticationFailed:
        pass


def test_a_link_goes_only_to_a_family_member_the_worker_consented_to(session: Session, settings: Settings) -> None:
    counsellor = make_user(session, role=Role.counsellor)
    case = make_case(session, state=CaseState.counselling, counsellor=counsellor)
    legacy = FamilyContact(person_id=case.person_id, relation="parent", name="王父", phone="13900000000",
                           created_by_id=counsellor.id)  # registered before consent was recorded
    session.add(legacy)
    session.flush()
    try:
        cosupervision.issue(session, case=case, actor=counsellor, settings=settings,
                            data=FamilyLinkCreate(family_contact_id=legacy.id))
        raise AssertionError("issued without consent")
    except InvalidInput as exc:
        assert exc.field == "family_contact_id"


def test_the_page_shows_only_what_the_worker_agreed_to_share(client: TestClient, session: Session,
                                                             settings: Settings) -> None:
    _, _, _, token = _linked(session, settings, share_stage=True)
    page = client.get(f"/f/{token}")
    assert page.status_code == 200 and 'id="stage"' in page.text and "正在帮教" in page.text
    assert "每两周家访一次" not in page.text and 'id="sessions"' not in page.text  # plan and sessions not shared
    assert "家访，谈心" not in page.text  # a session's note never reaches the family
    _, _, _, hidden = _linked(session, settings)
    page = client.get(f"/f/{hidden}")
    assert 'id="no-stage"' in page.text and 'id="stage"' not in page.text
    _, _, _, open_book = _linked(session, settings, share_stage=True, share_plan=True, share_sessions=True)
    page = client.get(f"/f/{open_book}")
    assert "每两周家访一次" in page.text and 'id="sessions"' in page.text and "家访，谈心" not in page.text
    refused = client.get(f"/f/{forged_ending(token)}")
    assert refused.status_code == 404 and "李梅" not in refused.text and 'id="problem"' in refused.text


def test_the_family_records_a_visit_and_the_counsellor_sees_it(client: TestClient, session: Session,
                                                               settings: Settings) -> None:
    case, counsellor, _, token = _linked(session, settings, share_stage=True)
    bad = client.post(f"/f/{token}/visit", data={"kind": "party", "held_on": "2999-01-01", "note": ""})
    assert bad.status_code == 422
    assert all(f'id="err-{name}"' in bad.text for name in ("kind", "note"))
    future = client.post(f"/f/{token}/visit", data={"kind": "talk", "held_on": "2999-01-01", "note": "谈心"})
    assert future.status_code == 422 and 'id="err-held_on"' in future.text
    today = utc_now().date().isoformat()
    done = client.post(f"/f/{token}/visit", data={"kind": "talk", "held_on": today, "note": "饭后谈了自救器的事"},
                       follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == f"/f/{token}?done=visit"
    visits = client.get(f"{API}/cases/{case.id}/family-visits", headers=auth(counsellor, settings)).json()
    assert [(v["kind"], v["note"], v["family_member"]) for v in visits] == [("talk", "饭后谈了自救器的事", "李梅")]
    actions = session.exec(select(CaseEvent.action).where(CaseEvent.case_id == case.id)).all()
    assert "family_visit_recorded" in actions


def test_a_closed_case_takes_no_family_visit(client: TestClient, session: Session, settings: Settings) -> None:
    case, _, _, token = _linked(session, settings, state=CaseState.observation, share_stage=True)
    case.state = CaseState.closed  # as if closed since the link was issued
    session.add(case)
    session.flush()
    answer = client.post(f"/f/{token}/visit", data={"kind": "visit", "held_on": date.today().isoformat(),
                                                     "note": "家访"})
    assert answer.status_code in (200, 422) and 'id="form-visit"' not in answer.text
    assert session.exec(select(FamilyVisit).where(FamilyVisit.case_id == case.id)).all() == []


def test_a_message_reaches_the_kiosks_only_with_consent_and_approval(client: TestClient, session: Session,
                                                                     settings: Settings) -> None:
    case, counsellor, _, token = _linked(session, settings, share_stage=True)
    headers = auth(counsellor, settings)
    left = client.post(f"/f/{token}/message", data={"text": "平安回家", "signature": "妻子", "kiosk_consent": "yes"},
                       files={"photo": ("family.png", _png(), "image/png")}, follow_redirects=False)
    assert left.status_code == 303
    private = client.post(f"/f/{token}/message", data={"text": "只给你看", "signature": "妻子"}, follow_redirects=False)
    assert private.status_code == 303
    found = client.get(f"{API}/cases/{case.id}/family-messages", headers=headers).json()
    shared, kept = (next(m for m in found if m["text"] == text) for text in ("平安回家", "只给你看"))
    assert shared["state"] == kept["state"] == "pending" and shared["photo_url"] and not kept["kiosk_consent"]
    refused = client.post(f"{API}/cases/{case.id}/family-messages/{kept['id']}/show", headers=headers)
    assert refused.status_code == 422 and "message_id" in refused.text
    shown = client.post(f"{API}/cases/{case.id}/family-messages/{shared['id']}/show", headers=headers)
    assert shown.status_code == 200 and shown.json()["state"] == "shown"
    payload = _last_retained(session, settings)
    assert [m.text for m in payload.messages][:1] == ["平安回家"] and payload.messages[0].photo
    assert "只给你看" not in payload.model_dump_json() and session.get(Person, case.person_id).name not in \
        payload.model_dump_json()
    assert client.post(f"/f/{token}/messages/{shared['id']}/withdraw", follow_redirects=False).status_code == 303
    assert session.get(FamilyMessage, shared["id"]).state == MessageState.withdrawn
    assert shared["id"] not in [m.id for m in _last_retained(session, settings).messages]


def test_a_family_cannot_withdraw_another_familys_message(client: TestClient, session: Session,
                                                          settings: Settings) -> None:
    _, _, link, _ = _linked(session, settings)
    _, _, _, other = _linked(session, settings)
    message = messages.leave(session, link=link, photo=None,
                             data=FamilyMessageCreate(text="早点回家", signature="母亲", kiosk_consent=True))
    answer = client.post(f"/f/{other}/messages/{message.id}/withdraw", follow_redirects=False)
    assert answer.status_code == 404 and session.get(FamilyMessage, message.id).state == MessageState.pending


def _last_retained(session: Session, settings: Settings) -> FamilyMessages:
    row = session.exec(select(OutboxMessage).where(OutboxMessage.topic == family_messages_topic(settings.site))
                       .order_by(col(OutboxMessage.id).desc())).first()
    assert row is not None and row.retain
    return FamilyMessages.model_validate(json.loads(row.payload))


def test_the_co_guarantee_is_a_signed_document_like_the_agreement(client: TestClient, session: Session,
                                                                  settings: Settings) -> None:
    counsellor = make_user(session, role=Role.counsellor)
    case = make_case(session, state=CaseState.counselling, counsellor=counsellor)
    headers = auth(counsellor, settings)
    contact = family.list_contacts(session, person_id=case.person_id)[0]
    assert client.get(f"{API}/cases/{case.id}/guarantee", headers=headers).status_code == 404
    early = client.put(f"{API}/cases/{case.id}/guarantee/scan", headers=headers,
                       files={"photo": ("g.png", _png(), "image/png")})
    assert early.status_code == 422 and early.json()["detail"][0]["loc"][-1] == "guarantee"
    signed = client.put(f"{API}/cases/{case.id}/guarantee", headers=headers,
                        json={"signed_on": date.today().isoformat(), "family_contact_id": contact.id,
                              "note": "妻子、父亲联保"})
    assert signed.status_code == 200, signed.text
    scanned = client.put(f"{API}/cases/{case.id}/guarantee/scan", headers=headers,
                         files={"photo": ("g.png", _png(), "image/png")})
    assert scanned.json()["scan_url"] == f"/api/v1/cases/{case.id}/guarantee/scan"
    image = client.get(scanned.json()["scan_thumbnail_url"], headers=headers)
    assert image.status_code == 200 and image.headers["content-type"] == "image/jpeg"
    detail = client.get(f"{API}/cases/{case.id}", headers=headers).json()
    assert detail["guarantee"]["note"] == "妻子、父亲联保" and detail["agreement"]["note"] is None
    links = session.exec(select(FamilyLink).where(FamilyLink.case_id == case.id)).all()
    assert links == []
