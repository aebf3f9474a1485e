"""Every outreach page and form of the console, for every role: officers and the chief only, else the 403 page."""

import pytest
from fastapi.testclient import TestClient
from itsdangerous import URLSafeTimedSerializer
from sqlmodel import Session

from safety_service.config import Settings
from safety_service.console import session as console_session
from safety_service.people.models import OFFICER_ROLES, Role
from tests.bulletins.builders import make_bulletin
from tests.console.conftest import csrf_of
from tests.people.builders import make_person, make_user
from tests.photos.images import photo as jpeg

GETS = ("/console/bulletins", "/console/bulletins?state=draft", "/console/bulletins/new", "/console/bulletins/{b}",
        "/console/supervisors", "/console/supervisors/figures", "/console/rewards",
        "/console/rewards/export?format=csv", "/console/rewards/export?format=xlsx")
POSTS = ("/console/bulletins", "/console/bulletins/{b}", "/console/bulletins/{b}/picture",
         "/console/bulletins/{b}/publish", "/console/bulletins/{b}/retire", "/console/supervisors",
         "/console/supervisors/{s}/end", "/console/rewards/reverse", "/console/rewards/payout")


def _csrf(console: TestClient, settings: Settings) -> str:
    """The signed-in session's CSRF token, read from its cookie (a refused role sees no form to read it from)."""
    serializer = URLSafeTimedSerializer(settings.secret_key, salt=console_session._SALT)
    return serializer.loads(console.cookies.get(console_session.COOKIE))["csrf"]


def _sign_in(console: TestClient, session: Session, role: Role) -> None:
    user = make_user(session, role=role)
    session.commit()
    console.cookies.clear()
    token = csrf_of(console.get("/console/login").text)
    console.post("/console/login", data={"username": user.username, "password": "correct-horse-battery",
                                         "csrf_token": token})


@pytest.mark.parametrize("role", list(Role))
def test_only_officers_and_the_chief_reach_the_outreach_pages(console: TestClient, session: Session,
                                                              console_settings: Settings, role: Role) -> None:
    from safety_service.supervisors import service as supervisors_service
    from safety_service.supervisors.schemas import SupervisorCreate

    bulletin = make_bulletin(session, publish=False)
    person = make_person(session)
    entry = supervisors_service.appoint(session, data=SupervisorCreate(
        employee_no=person.employee_no, term_from="2031-01-01"), actor=make_user(session))
    _sign_in(console, session, role)
    allowed = role in OFFICER_ROLES
    for path in GETS:
        answer = console.get(path.format(b=bulletin.id, s=entry.id))
        assert answer.status_code == (200 if allowed else 403), (role, path, answer.status_code)
        if not allowed:
            assert 'id="problem"' in answer.text
    if allowed:
        return  # the forms themselves are tested per page; here only the refusals matter
    token = _csrf(console, console_settings)
    for path in POSTS:
        answer = console.post(path.format(b=bulletin.id, s=entry.id), data={
            "csrf_token": token, "title_zh": "改", "body_zh": "改", "employee_no": person.employee_no,
            "points": "1", "reason": "试", "ref": "YH-2031-000001", "term_to": "2031-02-01", "term_from": "2031-01-01"},
            files={"photos": ("p.jpg", jpeg(), "image/jpeg")} if path.endswith("picture") else None)
        assert answer.status_code == 403 and 'id="problem"' in answer.text, (role, path, answer.status_code)
    session.refresh(bulletin)
    assert bulletin.title_zh == "冬季防火" and bulletin.state == "draft" and bulletin.picture is None


def test_the_nav_shows_the_outreach_pages_to_officers_and_the_chief_only(console: TestClient, signed_in) -> None:
    for role in Role.officer, Role.chief, Role.admin, Role.owner:
        signed_in(role)
        page = console.get("/console/").text
        links = ('href="/console/bulletins"', 'href="/console/supervisors"', 'href="/console/rewards"')
        assert all((link in page) == (role in OFFICER_ROLES) for link in links), role


def test_a_form_without_the_sessions_token_changes_nothing(console: TestClient, session: Session,
                                                           signed_in) -> None:
    bulletin = make_bulletin(session, publish=False)
    signed_in(Role.officer)
    for path in (f"/console/bulletins/{bulletin.id}/publish", "/console/bulletins", "/console/rewards/payout"):
        answer = console.post(path, data={"csrf_token": "forged", "title_zh": "x", "body_zh": "y"})
        assert answer.status_code == 403 and "表单已过期" in answer.text
    session.refresh(bulletin)
    assert bulletin.state == "draft"


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_no_outreach_page_shows_a_message_key(console: TestClient, session: Session, signed_in, lang: str) -> None:
    import re

    from safety_service.hazards.states import HazardState
    from safety_service.supervisors import service as supervisors_service
    from safety_service.supervisors.schemas import SupervisorCreate
    from tests.console.test_messages import RAW_KEY
    from tests.hazards.builders import make_hazard

    draft, published = make_bulletin(session, publish=False), make_bulletin(session)
    person = make_person(session)
    supervisors_service.appoint(session, data=SupervisorCreate(employee_no=person.employee_no, term_from="2020-01-01"),
                                actor=make_user(session))
    hazard = make_hazard(session, state=HazardState.confirmed, reporter_employee_no=person.employee_no)
    session.commit()
    signed_in(Role.officer)
    for path in ("/console/bulletins", f"/console/bulletins/{draft.id}", f"/console/bulletins/{published.id}",
                 "/console/bulletins/new", "/console/supervisors", "/console/supervisors/figures", "/console/rewards"):
        page = console.get(path, params={"lang": lang})
        assert page.status_code == 200 and not RAW_KEY.search(page.text), (path, RAW_KEY.findall(page.text))
    public = console.post("/points", data={"lang": lang, "employee_no": person.employee_no,
                                           "tracking_codes": hazard.tracking_code})
    assert public.status_code == 200 and not re.search(r"points\.[a-z_]+\.?[a-z_]*", public.text)
