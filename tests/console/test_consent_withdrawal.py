"""The worker withdraws consent to a family member from the case page: same roles as the API, a ticked
confirmation, the links closed, the messages off the kiosks and the withdrawal in the case's history."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from safety_service.config import Settings
from safety_service.counselling import cosupervision, family, messages, pairing
from safety_service.counselling.cosupervision_schemas import FamilyLinkCreate, FamilyMessageCreate
from safety_service.counselling.models import CaseEvent, CounsellingCase, FamilyContact, FamilyLink, FamilyMessage
from safety_service.counselling.schemas import CounsellorUnitCreate
from safety_service.counselling.states import CaseState, MessageState
from safety_service.people.models import Person, Role, User
from tests.counselling.builders import make_case
from tests.people.builders import make_user


def _linked(session: Session, settings: Settings, counsellor: User) -> tuple[CounsellingCase, FamilyContact, FamilyLink]:
    case = make_case(session, state=CaseState.counselling, counsellor=counsellor)
    contact = family.list_contacts(session, person_id=case.person_id)[0]
    link = cosupervision.issue(session, case=case, actor=counsellor, settings=settings,
                               data=FamilyLinkCreate(family_contact_id=contact.id, share_stage=True))
    message = messages.leave(session, link=link, photo=None,
                             data=FamilyMessageCreate(text="早点回家", signature="妻子", kiosk_consent=True))
    messages.review(session, case=case, message_id=message.id, show=True, actor=counsellor, site=settings.site)
    session.commit()
    return case, contact, link


def _withdrawn(session: Session, case: CounsellingCase) -> list[CaseEvent]:
    return list(session.exec(select(CaseEvent).where(CaseEvent.case_id == case.id,
                                                     CaseEvent.action == "family_consent_withdrawn")).all())


def _post(console: TestClient, case: CounsellingCase, contact_id: int | str, token: str, confirmed: bool = True):
    body = {"csrf_token": token, "id": str(contact_id), **({"confirmed": "on"} if confirmed else {})}
    return console.post(f"/console/cases/{case.id}/withdraw_consent", data=body, follow_redirects=False)


@pytest.mark.parametrize("who", ["counsellor", "lead", "admin"])
def test_the_workers_counsellor_the_units_lead_or_an_admin_withdraws_consent_from_the_case_page(
        console: TestClient, session: Session, signed_in, console_settings: Settings, who: str) -> None:
    role = Role.admin if who == "admin" else Role.counsellor
    user, token = signed_in(role)
    owner = user if who == "counsellor" else make_user(session, role=Role.counsellor)
    case, contact, link = _linked(session, console_settings, owner)
    if who == "lead":
        pairing.add_lead(session, data=CounsellorUnitCreate(username=user.username,
                                                            team=session.get(Person, case.person_id).team),
                         actor=make_user(session, role=Role.admin))
        session.commit()
    page, button = console.get(f"/console/cases/{case.id}"), f'action="/console/cases/{case.id}/withdraw_consent"'
    assert page.status_code == 200 and button in page.text
    assert "撤回同意" in page.text and 'name="confirmed"' in page.text
    unconfirmed = _post(console, case, contact.id, token, confirmed=False)
    assert unconfirmed.status_code == 422 and 'id="err-confirmed"' in unconfirmed.text
    session.expire_all()
    assert session.get(FamilyContact, contact.id).worker_consent_at is not None and _withdrawn(session, case) == []
    answer = _post(console, case, contact.id, token)
    assert answer.status_code == 303, answer.text
    session.expire_all()
    assert session.get(FamilyContact, contact.id).worker_consent_at is None
    assert session.get(FamilyLink, link.id).revoked_at is not None
    shown = session.exec(select(FamilyMessage).where(FamilyMessage.family_contact_id == contact.id)).all()
    assert shown and all(m.state == MessageState.withdrawn for m in shown)
    [event] = _withdrawn(session, case)
    assert event.actor_id == user.id and event.data == {"family_contact_id": contact.id, "links_revoked": [link.id]}
    page = console.get(f"/console/cases/{case.id}")
    assert "职工撤回对家属的同意" in page.text and button not in page.text
    row = page.text.split(f'data-contact="{contact.id}"', 1)[1].split("</tr>", 1)[0]
    assert '<span class="nowrap">已撤回</span>' in row
    assert _post(console, case, contact.id, token).status_code == 303  # twice changes nothing
    assert len(_withdrawn(session, case)) == 1


@pytest.mark.parametrize("role", [r for r in Role if r not in (Role.counsellor, Role.admin)])
def test_other_roles_and_another_counsellor_cannot_withdraw(console: TestClient, session: Session, signed_in,
                                                            console_settings: Settings, role: Role) -> None:
    case, contact, link = _linked(session, console_settings, make_user(session, role=Role.counsellor))
    for who in (role, Role.counsellor):
        _, token = signed_in(who)
        answer = _post(console, case, contact.id, token)
        assert answer.status_code == 403 and contact.name not in answer.text, who
    session.expire_all()
    assert session.get(FamilyContact, contact.id).worker_consent_at is not None
    assert session.get(FamilyLink, link.id).revoked_at is None and _withdrawn(session, case) == []


def test_the_counsellor_of_an_older_case_cannot_withdraw_once_the_worker_has_a_newer_one(
        console: TestClient, session: Session, signed_in, console_settings: Settings) -> None:
    old_owner, token = signed_in(Role.counsellor)
    old = make_case(session, state=CaseState.closed, counsellor=old_owner)
    worker = session.get(Person, old.person_id)
    newer = make_case(session, state=CaseState.counselling, person=worker)
    contact = family.list_contacts(session, person_id=worker.id)[0]
    session.commit()
    page = console.get(f"/console/cases/{old.id}")
    assert page.status_code == 200 and "/withdraw_consent" not in page.text
    answer = _post(console, old, contact.id, token)
    assert answer.status_code == 403 and 'id="err-form"' in answer.text
    session.expire_all()
    assert session.get(FamilyContact, contact.id).worker_consent_at is not None
    assert _withdrawn(session, old) == [] and _withdrawn(session, newer) == []


@pytest.mark.parametrize("contact_id", ["0", "abc", "²", "9" * 13, "-1", ""])
def test_a_bad_contact_id_is_refused_beside_the_form(console: TestClient, session: Session, signed_in,
                                                     console_settings: Settings, contact_id: str) -> None:
    counsellor, token = signed_in(Role.counsellor)
    case, contact, _ = _linked(session, console_settings, counsellor)
    answer = _post(console, case, contact_id, token)
    assert answer.status_code == 422, answer.text
    session.expire_all()
    assert session.get(FamilyContact, contact.id).worker_consent_at is not None


def test_another_workers_contact_is_refused(console: TestClient, session: Session, signed_in,
                                            console_settings: Settings) -> None:
    counsellor, token = signed_in(Role.counsellor)
    case, _, _ = _linked(session, console_settings, counsellor)
    _, other_contact, other_link = _linked(session, console_settings, counsellor)
    answer = _post(console, case, other_contact.id, token)
    assert answer.status_code == 422 and "这位家属不是该职工登记的家属" in answer.text
    session.expire_all()
    assert session.get(FamilyContact, other_contact.id).worker_consent_at is not None
    assert session.get(FamilyLink, other_link.id).revoked_at is None


def test_through_the_api_the_withdrawal_lands_in_the_open_case_and_each_case_whose_link_closed(
        session: Session, console_settings: Settings) -> None:
    counsellor = make_user(session, role=Role.counsellor)
    case, contact, link = _linked(session, console_settings, counsellor)
    worker = session.get(Person, case.person_id)
    cosupervision.withdraw_consent(session, person=worker, contact_id=contact.id, actor=counsellor,
                                   site=console_settings.site)
    session.commit()
    [event] = _withdrawn(session, case)
    assert event.data["links_revoked"] == [link.id]
    revoked = session.exec(select(CaseEvent).where(CaseEvent.case_id == case.id,
                                                   CaseEvent.action == "family_link_revoked")
                           .order_by(col(CaseEvent.id))).all()
    assert [e.data["link_id"] for e in revoked] == [link.id] and revoked[-1].id < event.id
