"""The console's forms for the mine rules' changes: the owner asks for more time, the officer decides,
reassigns, and reopens a closed hazard that fails a later check."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from safety_service.clock import utc_now
from safety_service.hazards.models import Hazard, HazardEvent
from safety_service.hazards.states import HazardState
from safety_service.people.models import Role
from tests.console.conftest import sign_in
from tests.hazards.builders import make_hazard
from tests.people.builders import make_user
from tests.units.builders import join, make_unit


def _local(days: int, settings) -> str:
    return (utc_now() + timedelta(days=days)).astimezone(ZoneInfo(settings.timezone)).strftime("%Y-%m-%dT%H:%M")


def _hazard(session: Session, ref: str) -> Hazard:
    session.expire_all()
    return session.exec(select(Hazard).where(Hazard.ref == ref)).one()


def test_an_extension_asked_decided_and_a_reopening_through_the_console(
        console: TestClient, session: Session, signed_in, console_settings) -> None:
    owner = make_user(session, role=Role.owner)
    hazard = make_hazard(session, state=HazardState.rectifying, owner=owner)
    session.commit()
    base = f"/console/hazards/{hazard.ref}"
    owner_token = sign_in(console, owner)
    assert 'id="form-request_extension"' in console.get(base).text
    empty = console.post(f"{base}/request_extension", data={"csrf_token": owner_token, "reason": ""})
    assert empty.status_code == 422 and 'id="err-reason"' in empty.text and 'id="err-new_deadline"' in empty.text
    asked = console.post(f"{base}/request_extension", data={
        "csrf_token": owner_token, "reason": "配件未到货", "new_deadline": _local(10, console_settings)})
    assert asked.status_code == 303 and _hazard(session, hazard.ref).extension_until is not None
    _officer, token = signed_in(Role.officer)
    page = console.get(base).text
    assert 'id="form-decide_extension"' in page and "配件未到货" in page and "申请延期" in page
    no_choice = console.post(f"{base}/decide_extension", data={"csrf_token": token, "note": "同意"})
    assert no_choice.status_code == 422 and 'id="err-approved"' in no_choice.text
    decided = console.post(f"{base}/decide_extension", data={"csrf_token": token, "approved": "true", "note": "同意"})
    assert decided.status_code == 303
    moved = _hazard(session, hazard.ref)
    assert moved.extension_until is None and moved.deadline > utc_now() + timedelta(days=9)
    closed = make_hazard(session, state=HazardState.closed)
    session.commit()
    reopened = console.post(f"/console/hazards/{closed.ref}/reopen", data={
        "csrf_token": token, "reason": "复查不合格", "deadline": _local(3, console_settings)})
    assert reopened.status_code == 303 and _hazard(session, closed.ref).state == HazardState.rectifying
    regraded = console.post(f"{base}/regrade", data={
        "csrf_token": token, "grade": "general", "category_code": "gas", "level": "B", "reason": "复核"})
    assert regraded.status_code == 303 and _hazard(session, hazard.ref).category_id is not None
    bad_level = console.post(f"{base}/regrade", data={
        "csrf_token": token, "grade": "general", "category_code": "gas", "level": "Z", "reason": "复核"})
    assert bad_level.status_code == 422 and 'id="err-level"' in bad_level.text
    actions = session.exec(select(HazardEvent.action).where(HazardEvent.hazard_id == hazard.id)).all()
    assert actions[-3:] == ["request_extension", "decide_extension", "regrade"]


def test_the_queue_cuts_by_unit(console: TestClient, session: Session, signed_in) -> None:
    team, other = make_unit(session, name_zh="综采一队"), make_unit(session, name_zh="运输队")
    ours = make_hazard(session, state=HazardState.rectifying,
                       owner=join(session, make_user(session, role=Role.owner), team))
    theirs = make_hazard(session, state=HazardState.rectifying,
                         owner=join(session, make_user(session, role=Role.owner), other))
    signed_in(Role.officer)
    page = console.get(f"/console/?queue=all&unit={team.code}").text
    assert ours.ref in page and theirs.ref not in page
    unknown = console.get("/console/?queue=all&unit=NO-SUCH-UNIT")
    assert ours.ref not in unknown.text
