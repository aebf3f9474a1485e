"""Lead counsellors (牵头帮教员) on the admin page: listed by unit, named with every error at once, removed."""

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from safety_service.counselling.models import CounsellorUnit
from safety_service.people.models import Role
from tests.people.builders import make_user


def test_an_admin_names_and_removes_a_lead_with_every_error_named_at_once(console: TestClient, session: Session,
                                                                          signed_in) -> None:
    counsellor, officer = make_user(session, role=Role.counsellor), make_user(session, role=Role.officer)
    _, token = signed_in(Role.admin)
    page = console.get("/console/admin/leads")
    assert page.status_code == 200 and counsellor.username in page.text and 'id="add-lead"' in page.text
    bad = console.post("/console/admin/leads", data={"csrf_token": token, "username": officer.username, "team": ""})
    assert bad.status_code == 422 and 'id="err-username"' in bad.text and 'id="err-team"' in bad.text
    added = console.post("/console/admin/leads", data={"csrf_token": token, "username": counsellor.username,
                                                       "team": "掘进二队"})
    assert added.status_code == 303
    lead = session.exec(select(CounsellorUnit).where(CounsellorUnit.user_id == counsellor.id)).one()
    listed = console.get(added.headers["location"]).text
    assert f'id="lead-{lead.id}"' in listed and "掘进二队" in listed and 'id="done"' in listed
    twice = console.post("/console/admin/leads", data={"csrf_token": token, "username": counsellor.username,
                                                       "team": "掘进二队"})
    assert twice.status_code == 422 and 'id="err-team"' in twice.text and "已经牵头" in twice.text
    assert console.post(f"/console/admin/leads/{lead.id}/remove", data={}).status_code == 403  # no CSRF
    removed = console.post(f"/console/admin/leads/{lead.id}/remove", data={"csrf_token": token})
    assert removed.status_code == 303 and session.get(CounsellorUnit, lead.id) is None
    assert console.post(f"/console/admin/leads/{lead.id}/remove", data={"csrf_token": token}).status_code == 404


def test_no_one_but_admins_reaches_the_leads_page(console: TestClient, session: Session, signed_in) -> None:
    lead = CounsellorUnit(user_id=make_user(session, role=Role.counsellor).id, team="综采一队")
    session.add(lead)
    session.flush()
    for role in (Role.counsellor, Role.officer, Role.chief, Role.supervisor, Role.owner):
        _, token = signed_in(role)
        assert console.get("/console/admin/leads").status_code == 403, role
        assert console.post("/console/admin/leads", data={"csrf_token": token, "username": "x", "team": "y"}) \
            .status_code == 403
        assert console.post(f"/console/admin/leads/{lead.id}/remove", data={"csrf_token": token}).status_code == 403
    assert session.get(CounsellorUnit, lead.id) is not None
